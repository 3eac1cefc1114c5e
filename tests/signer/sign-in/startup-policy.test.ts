// Secure by default, decided before the signer listens: a cloud bucket needs sign-in,
// static tokens or an explicit UPLOAD_ALLOW_ANONYMOUS=true; the dev bucket's open doors
// (anonymous tickets, the dev login) stay on this machine unless explicitly allowed.
// Bad sign-in settings stop the signer with a sentence naming the variable.
import { anonymousAllowed, startupRefusal } from '../../../cloud-signer/src/sign-in/access-policy';
import { loadConfig } from '../../../cloud-signer/src/config';

const CLOUD = {
  UPLOAD_PROVIDER: 'cos',
  UPLOAD_BUCKET: 'examplebucket-1250000000',
  UPLOAD_REGION: 'ap-guangzhou',
  UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-example',
};
const WECHAT = { UPLOAD_WECHAT_APPID: 'wx0123456789abcdef', UPLOAD_WECHAT_SECRET: 'wechat-secret' };
const refusal = (env: Record<string, string>) => startupRefusal(loadConfig(env));

test('a cloud provider without sign-in, tokens or UPLOAD_ALLOW_ANONYMOUS refuses to start, naming every way out', () => {
  const message = refusal(CLOUD);
  for (const name of ['UPLOAD_WECHAT_APPID', 'UPLOAD_WECHAT_SECRET', 'UPLOAD_ALIPAY_APPID', 'UPLOAD_ALIPAY_PRIVATE_KEY', 'UPLOAD_ALIPAY_PUBLIC_KEY', 'UPLOAD_AUTH_TOKENS', 'UPLOAD_ALLOW_ANONYMOUS=true']) {
    expect(message).toContain(name);
  }
  expect(message).not.toContain('bucket-secret-example');
});

test('a cloud provider starts with WeChat sign-in, with tokens, or with anonymous uploads allowed on purpose, on any host', () => {
  expect(refusal({ ...CLOUD, ...WECHAT, HOST: '0.0.0.0' })).toBeUndefined();
  expect(refusal({ ...CLOUD, UPLOAD_AUTH_TOKENS: 'server-to-server-token-0123', HOST: '0.0.0.0' })).toBeUndefined();
  expect(refusal({ ...CLOUD, UPLOAD_ALLOW_ANONYMOUS: 'true' })).toBeUndefined();
});

test('only with UPLOAD_ALLOW_ANONYMOUS does a cloud signer answer callers without a session or token', () => {
  expect(anonymousAllowed(loadConfig({ ...CLOUD, ...WECHAT }))).toBe(false);
  expect(anonymousAllowed(loadConfig({ ...CLOUD, ...WECHAT, UPLOAD_ALLOW_ANONYMOUS: 'true' }))).toBe(true);
});

test('the dev bucket with its dev login is refused beyond loopback unless tokens guard it or it is explicitly allowed', () => {
  const message = refusal({ HOST: '0.0.0.0' });
  expect(message).toContain('UPLOAD_AUTH_TOKENS');
  expect(message).toContain('UPLOAD_ALLOW_UNAUTHENTICATED=true');
  expect(message).toContain('dev login');
  expect(refusal({ HOST: '127.0.0.1' })).toBeUndefined();
  expect(refusal({ HOST: '0.0.0.0', UPLOAD_AUTH_TOKENS: 'lan-debugging-token-0123456' })).toBeUndefined();
  expect(refusal({ HOST: '0.0.0.0', UPLOAD_ALLOW_UNAUTHENTICATED: 'true' })).toBeUndefined();
});

test('the dev bucket answers anonymous callers on loopback, not once tokens are configured', () => {
  expect(anonymousAllowed(loadConfig({}))).toBe(true);
  expect(anonymousAllowed(loadConfig({ UPLOAD_AUTH_TOKENS: 'a-token-of-enough-length' }))).toBe(false);
  expect(anonymousAllowed(loadConfig({ HOST: '0.0.0.0' }))).toBe(false);
});

test('the dev login covers only the platforms without credentials, and never a cloud bucket', () => {
  expect(loadConfig({}).signIn.devLogin).toEqual(['wechat', 'alipay']);
  expect(loadConfig(WECHAT).signIn.devLogin).toEqual(['alipay']);
  expect(loadConfig({ ...CLOUD, ...WECHAT }).signIn.devLogin).toEqual([]);
});

test.each([
  ['UPLOAD_WECHAT_APPID without its secret', { UPLOAD_WECHAT_APPID: 'wx1' }, /UPLOAD_WECHAT_SECRET is missing/],
  ['an Alipay app without the Alipay public key', { UPLOAD_ALIPAY_APPID: '2021', UPLOAD_ALIPAY_PRIVATE_KEY: 'MIIE' }, /UPLOAD_ALIPAY_PUBLIC_KEY is missing/],
  ['an unknown Alipay key type', { UPLOAD_ALIPAY_APPID: '2021', UPLOAD_ALIPAY_PRIVATE_KEY: 'k', UPLOAD_ALIPAY_PUBLIC_KEY: 'k', UPLOAD_ALIPAY_KEY_TYPE: 'DER' }, /PKCS1 or PKCS8/],
  ['a short session secret', { UPLOAD_SESSION_SECRET: 'short' }, /UPLOAD_SESSION_SECRET must be at least 32/],
  ['Redis without a session secret', { UPLOAD_REDIS_URL: 'redis://127.0.0.1:6379' }, /set UPLOAD_SESSION_SECRET/],
  ['a Redis URL of another scheme, its password not repeated', { UPLOAD_REDIS_URL: 'http://user:hunter2@host', UPLOAD_SESSION_SECRET: 'x'.repeat(32) }, /redis:\/\/ or rediss:\/\//],
  ['a Redis Cluster without its URL', { UPLOAD_REDIS_CLUSTER: 'true' }, /UPLOAD_REDIS_CLUSTER=true needs UPLOAD_REDIS_URL/],
  ['a Redis Cluster URL naming another database, its password not repeated', { UPLOAD_REDIS_URL: 'redis://:hunter2@host:6379/2', UPLOAD_REDIS_CLUSTER: 'true', UPLOAD_SESSION_SECRET: 'x'.repeat(32) }, /has only database 0/],
  ['a negative quota', { UPLOAD_QUOTA_FILES_PER_DAY: '-1' }, /UPLOAD_QUOTA_FILES_PER_DAY must be a whole number/],
  ['a session lifetime under a minute', { UPLOAD_SESSION_TTL_SECONDS: '5' }, /UPLOAD_SESSION_TTL_SECONDS/],
])('%s stops the signer with a plain message', (_name, env, message) => {
  let error: Error | undefined;
  try {
    loadConfig(env);
  } catch (e) {
    error = e as Error;
  }
  expect(error?.name).toBe('ConfigError');
  expect(error?.message).toMatch(message);
  expect(error?.message).not.toContain('hunter2');
});

test('a cloud bucket gets limits by default; the dev bucket none', () => {
  expect(loadConfig({ ...CLOUD, ...WECHAT }).guard).toMatchObject({ ratePerMinute: 120, filesPerDay: 1000, bytesPerDay: 5 * 1024 ** 3 });
  expect(loadConfig({}).guard).toMatchObject({ ratePerMinute: 0, filesPerDay: 0, bytesPerDay: 0 });
});
