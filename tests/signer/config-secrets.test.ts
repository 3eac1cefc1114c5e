// Issue 9, item 9: a URL setting with user info (`https://AKID:pw@minio…`) is refused,
// and neither the password nor the key id comes back in the error, however the URL is
// mangled. The banner never shows one either.
import { bannerLines } from '../../cloud-signer/src/banner';
import { ConfigError, loadConfig } from '../../cloud-signer/src/config';

const ID = 'AKIDLEAKME01';
const PASSWORD = 'pw-must-not-echo';
const CLOUD = { UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'us-east-1', UPLOAD_ACCESS_KEY_ID: 'AKIAOTHER', UPLOAD_ACCESS_KEY_SECRET: 'other-secret' };

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

test.each([
  ['UPLOAD_ENDPOINT', `https://${ID}:${PASSWORD}@minio.example.com/examplebucket`],
  ['UPLOAD_ENDPOINT', `https://${ID}:${PASSWORD}@minio.example.com:9000`],
  ['UPLOAD_ENDPOINT', `https://${ID}:${PASSWORD}@[not-a-host`],
  ['UPLOAD_ENDPOINT', `https://${ID}:p/w${PASSWORD}@minio.example.com`],
  ['UPLOAD_ENDPOINT', `minio.example.com?user=${ID}&password=${PASSWORD}`],
  ['UPLOAD_PUBLIC_BASE_URL', `https://${ID}:${PASSWORD}@cdn.example.com`],
])('%s=%s is refused without repeating the key id or password', (name, value) => {
  for (const env of [{ ...CLOUD, [name]: value }, { [name]: value }]) {
    const error = refusal(env);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(ID);
  }
});

test('a plain endpoint is still named back, so a typo is easy to see', () => {
  expect(refusal({ ...CLOUD, UPLOAD_ENDPOINT: 'ftp://minio.example.com' }).message).toContain('ftp://minio.example.com');
});

test('the banner shows where uploads go without any user info', () => {
  const config = loadConfig({ ...CLOUD, UPLOAD_ENDPOINT: 'https://minio.example.com/examplebucket' });
  const text = bannerLines({ config, port: 3000, interfaces: {} }).join('\n');
  expect(text).toContain('https://minio.example.com/examplebucket');
  expect(text).not.toContain('other-secret');
});
