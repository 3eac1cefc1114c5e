// One jest run, four worlds. Each project names its own tsconfig because the
// WeChat and Alipay global typings cannot share one (see platform-notes).
// Type errors are caught by `npm run typecheck`; here ts-jest only transpiles.
const tsJest = (tsconfig) => ({
  '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }],
});

// `ts` must come before `json`: miniprogram-simulate requires a component path
// without extension, and jest would otherwise resolve `index.json`.
const moduleFileExtensions = ['ts', 'js', 'json'];

const project = (name, testEnvironment, tsconfig) => ({
  displayName: name,
  testEnvironment,
  moduleFileExtensions,
  transform: tsJest(tsconfig),
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
});

module.exports = {
  projects: [
    project('signer', 'node', '<rootDir>/tests/tsconfig.json'),
    project('core', 'node', '<rootDir>/tests/tsconfig.json'),
    project('wechat', 'jsdom', '<rootDir>/tests/tsconfig.json'),
    project('alipay', 'node', '<rootDir>/tests/alipay/tsconfig.json'),
  ],
};
