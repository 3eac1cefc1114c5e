// One jest run, three projects (node, wechat, alipay). The Alipay one has its own tsconfig because the
// WeChat and Alipay global typings cannot share one (they redeclare App, Page, Component…).
// Type errors are caught by `npm run typecheck`; here ts-jest only transpiles.
const tsJest = (tsconfig) => ({
  '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }],
});

// `ts` must come before `json`: miniprogram-simulate requires a component path
// without extension, and jest would otherwise resolve `index.json`.
const moduleFileExtensions = ['ts', 'js', 'json'];

const project = (name, testEnvironment, tsconfig, testMatch, extra = {}) => ({
  displayName: name,
  testEnvironment,
  moduleFileExtensions,
  transform: tsJest(tsconfig),
  testMatch: testMatch.map((glob) => `<rootDir>/tests/${glob}`),
  ...extra,
});

// ali-oss ships each util as both .ts (ESM source) and .js; with `ts` first in
// moduleFileExtensions jest resolves the .ts, so let ts-jest transpile those.
const signerExtra = { transformIgnorePatterns: ['/node_modules/(?!ali-oss/)'] };

// jsdom resolves packages by their "browser" export; the signer the WeChat end-to-end
// tests start is a Node server, so jose (session tokens) must be its Node build, with
// the TextEncoder jsdom lacks.
const wechatExtra = {
  moduleNameMapper: { '^jose$': '<rootDir>/node_modules/jose/dist/node/cjs/index.js' },
  setupFiles: ['<rootDir>/tests/support/jsdom-node-globals.js'],
};

// The Alipay pages import shared code from alipay/shared/ (a copy the Alipay IDE
// needs, made by scripts/build/alipay.mjs); tests run the originals instead, so
// they never depend on a build.
const alipayExtra = {
  moduleNameMapper: { '^(?:\\.\\./|\\./)+shared/(miniprogram|typings)/(.*)$': '<rootDir>/$1/$2' },
};

// Test folders are by subject (README "Tests"); projects only choose the runtime each needs:
// the WeChat page tests need jsdom for miniprogram-simulate, the Alipay ones their own typings.
module.exports = {
  projects: [
    project('node', 'node', '<rootDir>/tests/tsconfig.json',
      ['{contract,signing,signer,dev-bucket,engine,layout}/**/*.test.ts', 'e2e/!(wechat-*|alipay-*).test.ts'], signerExtra),
    project('wechat', 'jsdom', '<rootDir>/tests/tsconfig.json', ['wechat/**/*.test.ts', 'e2e/wechat-*.test.ts'], wechatExtra),
    project('alipay', 'node', '<rootDir>/tests/alipay/tsconfig.json', ['alipay/**/*.test.ts', 'e2e/alipay-*.test.ts'], alipayExtra),
  ],
};
