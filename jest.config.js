// One jest run, four worlds. Each project names its own tsconfig because the
// WeChat and Alipay global typings cannot share one (see platform-notes).
// Type errors are caught by `npm run typecheck`; here ts-jest only transpiles.
const tsJest = (tsconfig) => ({
  '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }],
});

// `ts` must come before `json`: miniprogram-simulate requires a component path
// without extension, and jest would otherwise resolve `index.json`.
const moduleFileExtensions = ['ts', 'js', 'json'];

const project = (name, testEnvironment, tsconfig, extra = {}) => ({
  displayName: name,
  testEnvironment,
  moduleFileExtensions,
  transform: tsJest(tsconfig),
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
  ...extra,
});

// ali-oss ships each util as both .ts (ESM source) and .js; with `ts` first in
// moduleFileExtensions jest resolves the .ts, so let ts-jest transpile those.
const signerExtra = { transformIgnorePatterns: ['/node_modules/(?!ali-oss/)'] };

// The Alipay pages import shared code from alipay/shared/ (a copy the Alipay IDE
// needs, made by scripts/build-alipay.mjs); tests run the originals instead, so
// they never depend on a build.
const alipayExtra = {
  moduleNameMapper: { '^(?:\\.\\./|\\./)+shared/(miniprogram|typings)/(.*)$': '<rootDir>/$1/$2' },
};

module.exports = {
  projects: [
    project('signer', 'node', '<rootDir>/tests/tsconfig.json', signerExtra),
    project('core', 'node', '<rootDir>/tests/tsconfig.json'),
    project('wechat', 'jsdom', '<rootDir>/tests/tsconfig.json'),
    project('alipay', 'node', '<rootDir>/tests/alipay/tsconfig.json', alipayExtra),
  ],
};
