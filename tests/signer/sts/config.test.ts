// UPLOAD_STS_* parsing: off unless a role ARN is set; the ARN names the vendor; every
// mistake stops startup with a sentence that names the variable and never the secret.
import { loadStsConfig, StsConfigError } from '../../../cloud-signer/src/sts/config';
import { stsCredentialSource } from '../../../cloud-signer/src/sts';

const KEYS = { UPLOAD_ACCESS_KEY_ID: 'LTAIexample', UPLOAD_ACCESS_KEY_SECRET: 'very-secret-value' };

describe('loadStsConfig', () => {
  test('is off without UPLOAD_STS_ROLE_ARN', () => {
    expect(loadStsConfig({ UPLOAD_PROVIDER: 'oss', ...KEYS })).toBeUndefined();
    expect(loadStsConfig({ UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: '  ', ...KEYS })).toBeUndefined();
  });

  test.each([
    ['oss', 'acs:ram::1234567890123456:role/uploader', 'alibaba'],
    ['oss-v1', 'acs:ram::1234567890123456:role/uploader', 'alibaba'],
    ['cos', 'qcs::cam::uin/100000000001:roleName/uploader', 'tencent'],
    ['cos', 'qcs::cam::uin/100000000001:role/4611686018427397919', 'tencent'],
    ['s3', 'arn:aws:iam::123456789012:role/uploader', 'aws'],
    ['s3', 'arn:aws-cn:iam::123456789012:role/path/uploader', 'aws'],
  ])('UPLOAD_PROVIDER=%s with %s is %s', (provider, arn, vendor) => {
    const config = loadStsConfig({ UPLOAD_PROVIDER: provider, UPLOAD_STS_ROLE_ARN: arn, ...KEYS });
    expect(config).toMatchObject({ vendor, roleArn: arn, durationSeconds: 900, endpoint: undefined });
  });

  test('region: UPLOAD_STS_REGION, else UPLOAD_REGION, else the vendor default', () => {
    const base = { UPLOAD_PROVIDER: 'cos', UPLOAD_STS_ROLE_ARN: 'qcs::cam::uin/1:roleName/r', ...KEYS };
    expect(loadStsConfig(base)?.region).toBe('ap-guangzhou');
    expect(loadStsConfig({ ...base, UPLOAD_REGION: 'ap-shanghai' })?.region).toBe('ap-shanghai');
    expect(loadStsConfig({ ...base, UPLOAD_REGION: 'ap-shanghai', UPLOAD_STS_REGION: 'ap-beijing' })?.region).toBe('ap-beijing');
  });

  test('UPLOAD_STS_ENDPOINT accepts a host (https) or an http(s) origin', () => {
    const base = { UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: 'acs:ram::1:role/r', ...KEYS };
    expect(loadStsConfig({ ...base, UPLOAD_STS_ENDPOINT: 'sts.cn-shanghai.aliyuncs.com' })?.endpoint?.href).toBe(
      'https://sts.cn-shanghai.aliyuncs.com/',
    );
    expect(loadStsConfig({ ...base, UPLOAD_STS_ENDPOINT: 'http://127.0.0.1:9000' })?.endpoint?.host).toBe('127.0.0.1:9000');
  });

  test.each<[Record<string, string>, RegExp]>([
    [{ UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: 'uploader' }, /UPLOAD_STS_ROLE_ARN "uploader" is not a role ARN; expected one of: acs:ram::/],
    [{ UPLOAD_PROVIDER: 'cos', UPLOAD_STS_ROLE_ARN: 'acs:ram::1:role/r' }, /alibaba role, which cannot sign uploads for UPLOAD_PROVIDER=cos; use it with UPLOAD_PROVIDER=oss or oss-v1/],
    [{ UPLOAD_PROVIDER: 'obs', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r' }, /UPLOAD_PROVIDER=obs/],
    [{ UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r' }, /UPLOAD_PROVIDER=local/],
    [{ UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', UPLOAD_STS_DURATION_SECONDS: '600' }, /UPLOAD_STS_DURATION_SECONDS must be a whole number from 900 to 43200, got "600"/],
    [{ UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', UPLOAD_STS_DURATION_SECONDS: '1e4' }, /UPLOAD_STS_DURATION_SECONDS/],
    [{ UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', UPLOAD_STS_ENDPOINT: 'ftp://x' }, /UPLOAD_STS_ENDPOINT "ftp:\/\/x" must be an http\(s\) origin/],
    [{ UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', UPLOAD_STS_ENDPOINT: 'https://sts.x/path' }, /UPLOAD_STS_ENDPOINT/],
  ])('refuses %j', (env, message) => {
    expect(() => loadStsConfig({ ...KEYS, ...env })).toThrow(StsConfigError);
    expect(() => loadStsConfig({ ...KEYS, ...env })).toThrow(message);
  });

  test('needs the long-term keys that may assume the role, and never echoes the secret', () => {
    const env = { UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: 'acs:ram::1:role/r', UPLOAD_ACCESS_KEY_SECRET: 'very-secret-value' };
    expect(() => loadStsConfig(env)).toThrow(/needs UPLOAD_ACCESS_KEY_ID and UPLOAD_ACCESS_KEY_SECRET/);
    const badDuration = { ...env, UPLOAD_ACCESS_KEY_ID: 'x', UPLOAD_STS_DURATION_SECONDS: 'abc' };
    expect(() => loadStsConfig(badDuration)).toThrow(/UPLOAD_STS_DURATION_SECONDS/);
    expect(() => loadStsConfig(badDuration)).not.toThrow(/very-secret-value/);
  });

  test('reads UPLOAD_PROVIDER in any case, as the rest of the configuration does', () => {
    expect(loadStsConfig({ UPLOAD_PROVIDER: 'S3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', ...KEYS })).toBeDefined();
  });

  test.each([
    'https://AKID:hunter2secret@sts.example.com',
    'https://AKID:hunter2secret@sts.example.com/x',
    'AKID:hunter2secret@sts.example.com',
  ])('refuses an endpoint with user info (%s) without repeating it', (endpoint) => {
    const env = { UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: 'acs:ram::1:role/r', ...KEYS, UPLOAD_STS_ENDPOINT: endpoint };
    expect(() => loadStsConfig(env)).toThrow(/UPLOAD_STS_ENDPOINT must not carry user info/);
    expect(() => loadStsConfig(env)).not.toThrow(/hunter2secret/);
  });

  test('credentials must outlive a ticket plus the refresh margin', () => {
    const config = loadStsConfig({ UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', ...KEYS })!;
    const scope = { bucket: 'b', region: 'us-east-1', keyPrefix: 'uploads/' };
    expect(() => stsCredentialSource(config, scope, { ticketTtlSeconds: 600 })).not.toThrow();
    expect(() => stsCredentialSource(config, scope, { ticketTtlSeconds: 900 })).toThrow(
      /UPLOAD_STS_DURATION_SECONDS \(900\) must be longer than 960 s/,
    );
  });
});
