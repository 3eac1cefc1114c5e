// loadConfig: the README's defaults, derived endpoints, and one plain error per bad
// value that names the variable and never repeats a secret.
import { ConfigError, loadConfig } from '../../cloud-signer/src/config';

const CLOUD = {
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_ACCESS_KEY_ID: 'LTAI-example-id',
  UPLOAD_ACCESS_KEY_SECRET: 'super-secret-value-123',
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('defaults run the embedded dev bucket on loopback with random per-process keys', () => {
  const config = loadConfig({}, '/srv/app');
  expect(config).toMatchObject({
    port: 3000,
    host: '127.0.0.1',
    provider: 'local',
    ticketProvider: 's3',
    method: 'post',
    bucket: 'dev-bucket',
    region: 'us-east-1',
    endpoint: undefined,
    publicBaseUrl: undefined,
    keyPrefix: 'uploads/',
    maxBytes: 20971520,
    allowedTypes: ['image/*'],
    ticketTtlSeconds: 600,
    objectUrlTtlSeconds: 3600,
    dataDir: '/srv/app/.data',
    authTokens: [],
    allowUnauthenticated: false,
    privateBucket: false,
    ephemeralCredentials: true,
  });
  const other = loadConfig({}, '/srv/app');
  expect(config.credentials.accessKeySecret.length).toBeGreaterThanOrEqual(32);
  expect(other.credentials.accessKeySecret).not.toBe(config.credentials.accessKeySecret);
});

test('empty values count as unset, as a bare "NAME=" line in .env means', () => {
  expect(loadConfig({ PORT: '', UPLOAD_PROVIDER: ' ' }).port).toBe(3000);
});

test.each([
  ['s3', 'https://examplebucket.s3.cn-hangzhou.amazonaws.com'],
  ['oss', 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com'],
  ['oss-v1', 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com'],
  ['cos', 'https://examplebucket.cos.cn-hangzhou.myqcloud.com'],
  ['obs', 'https://examplebucket.obs.cn-hangzhou.myhuaweicloud.com'],
])('%s derives its endpoint %s, also used for object URLs', (provider, endpoint) => {
  const config = loadConfig({ ...CLOUD, UPLOAD_PROVIDER: provider });
  expect(config.endpoint).toBe(endpoint);
  expect(config.publicBaseUrl).toBe(endpoint);
  expect(config.ephemeralCredentials).toBe(false);
});

test('an OSS region written the console way (oss-cn-hangzhou) does not double the prefix', () => {
  const config = loadConfig({ ...CLOUD, UPLOAD_PROVIDER: 'oss', UPLOAD_REGION: 'oss-cn-hangzhou' });
  expect(config.endpoint).toBe('https://examplebucket.oss-cn-hangzhou.aliyuncs.com');
});

test('UPLOAD_ENDPOINT (MinIO) and UPLOAD_PUBLIC_BASE_URL override, without a trailing slash', () => {
  const config = loadConfig({
    ...CLOUD,
    UPLOAD_PROVIDER: 'S3',
    UPLOAD_ENDPOINT: 'http://127.0.0.1:9000/examplebucket/',
    UPLOAD_PUBLIC_BASE_URL: 'https://cdn.example.com/',
    UPLOAD_SECURITY_TOKEN: 'sts-token',
  });
  expect(config.endpoint).toBe('http://127.0.0.1:9000/examplebucket');
  expect(config.publicBaseUrl).toBe('https://cdn.example.com');
  expect(config.credentials.securityToken).toBe('sts-token');
});

test('every variable is parsed', () => {
  const config = loadConfig({
    ...CLOUD,
    PORT: '8080',
    HOST: '0.0.0.0',
    UPLOAD_PROVIDER: 'cos',
    UPLOAD_METHOD: 'put',
    UPLOAD_KEY_PREFIX: 'a/b-c_d.e/',
    UPLOAD_MAX_BYTES: '1000',
    UPLOAD_ALLOWED_TYPES: 'Image/*, application/pdf',
    UPLOAD_TICKET_TTL_SECONDS: '60',
    UPLOAD_OBJECT_URL_TTL_SECONDS: '120',
    UPLOAD_DATA_DIR: '/var/lib/uploads',
    UPLOAD_AUTH_TOKENS: '0123456789abcdef,fedcba9876543210',
    UPLOAD_ALLOW_UNAUTHENTICATED: 'TRUE',
    UPLOAD_PRIVATE_BUCKET: '1',
  });
  expect(config).toMatchObject({
    port: 8080,
    host: '0.0.0.0',
    provider: 'cos',
    ticketProvider: 'cos',
    method: 'put',
    keyPrefix: 'a/b-c_d.e/',
    maxBytes: 1000,
    allowedTypes: ['image/*', 'application/pdf'],
    ticketTtlSeconds: 60,
    objectUrlTtlSeconds: 120,
    dataDir: '/var/lib/uploads',
    authTokens: ['0123456789abcdef', 'fedcba9876543210'],
    allowUnauthenticated: true,
    privateBucket: true,
  });
});

test('a cloud provider without bucket, region or keys lists what is missing', () => {
  const message = configError({ UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket' });
  expect(message).toContain('UPLOAD_REGION');
  expect(message).toContain('UPLOAD_ACCESS_KEY_ID');
  expect(message).toContain('UPLOAD_ACCESS_KEY_SECRET');
  expect(message).not.toContain('UPLOAD_BUCKET,');
  expect(message).toContain('UPLOAD_PROVIDER=local');
});

test.each([
  [{ PORT: 'eighty' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ HOST: 'bad host' }, 'HOST'],
  [{ UPLOAD_PROVIDER: 'dropbox' }, 'UPLOAD_PROVIDER'],
  [{ UPLOAD_METHOD: 'patch' }, 'UPLOAD_METHOD'],
  [{ UPLOAD_MAX_BYTES: '0' }, 'UPLOAD_MAX_BYTES'],
  [{ UPLOAD_MAX_BYTES: '1.5' }, 'UPLOAD_MAX_BYTES'],
  [{ UPLOAD_MAX_BYTES: '-5' }, 'UPLOAD_MAX_BYTES'],
  [{ UPLOAD_MAX_BYTES: '6000000000' }, 'UPLOAD_MAX_BYTES'],
  [{ UPLOAD_TICKET_TTL_SECONDS: '0' }, 'UPLOAD_TICKET_TTL_SECONDS'],
  [{ UPLOAD_OBJECT_URL_TTL_SECONDS: '999999999' }, 'UPLOAD_OBJECT_URL_TTL_SECONDS'],
  [{ UPLOAD_ALLOWED_TYPES: 'images' }, 'UPLOAD_ALLOWED_TYPES'],
  [{ UPLOAD_ALLOWED_TYPES: ',' }, 'UPLOAD_ALLOWED_TYPES'],
  [{ UPLOAD_KEY_PREFIX: '/abs/' }, 'UPLOAD_KEY_PREFIX'],
  [{ UPLOAD_KEY_PREFIX: 'a/../b/' }, 'UPLOAD_KEY_PREFIX'],
  [{ UPLOAD_KEY_PREFIX: 'uploads' }, 'UPLOAD_KEY_PREFIX'],
  [{ UPLOAD_KEY_PREFIX: 'up loads/' }, 'UPLOAD_KEY_PREFIX'],
  [{ UPLOAD_ENDPOINT: 'not a url' }, 'UPLOAD_ENDPOINT'],
  [{ UPLOAD_ENDPOINT: 'ftp://example.com' }, 'UPLOAD_ENDPOINT'],
  [{ UPLOAD_PUBLIC_BASE_URL: 'https://cdn.example.com/?x=1' }, 'UPLOAD_PUBLIC_BASE_URL'],
  [{ UPLOAD_PRIVATE_BUCKET: 'yes' }, 'UPLOAD_PRIVATE_BUCKET'],
  [{ UPLOAD_ALLOW_UNAUTHENTICATED: 'maybe' }, 'UPLOAD_ALLOW_UNAUTHENTICATED'],
  [{ UPLOAD_BUCKET: 'Bad_Bucket' }, 'UPLOAD_BUCKET'],
  [{ UPLOAD_REGION: 'us east' }, 'UPLOAD_REGION'],
  [{ UPLOAD_ACCESS_KEY_ID: 'only-the-id' }, 'UPLOAD_ACCESS_KEY_SECRET'],
])('%j is a ConfigError naming %s', (env, variable) => {
  expect(configError(env)).toContain(variable);
});

test('a weak token is refused by position, never by value', () => {
  const message = configError({ UPLOAD_AUTH_TOKENS: '0123456789abcdef,short-secret' });
  expect(message).toContain('UPLOAD_AUTH_TOKENS');
  expect(message).toContain('#2');
  expect(message).not.toContain('short-secret');
});

test('errors about credentials never repeat a secret', () => {
  const message = configError({ ...CLOUD, UPLOAD_PROVIDER: 'obs', UPLOAD_REGION: 'bad region!' });
  expect(message).not.toContain(CLOUD.UPLOAD_ACCESS_KEY_SECRET);
  const local = configError({ UPLOAD_ACCESS_KEY_SECRET: 'lonely-secret-value' });
  expect(local).not.toContain('lonely-secret-value');
});
