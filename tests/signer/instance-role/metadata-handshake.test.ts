// How the signer talks to each cloud's metadata service at startup, through startSigner
// (the wiring npm start uses) against the loopback stand-ins: hardened mode first with a
// token on every read, plain mode only when UPLOAD_METADATA_ALLOW_PLAIN says so, the role
// discovered when UPLOAD_INSTANCE_ROLE is unset, and a plain refusal to start when the
// service is unreachable or names no role.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../../cloud-signer/src/config';
import { startMetadataStandIn, type MetadataCloud, type MetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner } from '../../support/signer';

const T0 = Date.parse('2030-03-01T08:00:00Z');
const clock = () => T0;

const TARGETS: Record<MetadataCloud, Record<string, string>> = {
  alibaba: { UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-hangzhou' },
  tencent: { UPLOAD_PROVIDER: 'cos', UPLOAD_BUCKET: 'examplebucket-1250000000', UPLOAD_REGION: 'ap-guangzhou' },
  huawei: { UPLOAD_PROVIDER: 'obs', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-north-4' },
  aws: { UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'us-east-1' },
};

const TOKEN_PATHS: Partial<Record<MetadataCloud, string>> = {
  alibaba: '/latest/api/token',
  huawei: '/meta-data/latest/api/token',
  aws: '/latest/api/token',
};

const started: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
  delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
});

async function standIn(cloud: MetadataCloud, options: Partial<Parameters<typeof startMetadataStandIn>[0]> = {}): Promise<MetadataStandIn> {
  const service = await startMetadataStandIn({ cloud, clock, epochMs: T0, rotateEveryMs: 20 * 60_000, lifetimeMs: 60 * 60_000, ...options });
  started.push(service);
  return service;
}

/** The AWS SDK reads its IMDS endpoint from the process environment only (its own test hook). */
function envFor(cloud: MetadataCloud, service: { origin: string }, extra: Record<string, string> = {}): Record<string, string> {
  if (cloud === 'aws') process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = service.origin;
  return {
    ...TARGETS[cloud],
    UPLOAD_CREDENTIALS: 'instance-role',
    ...(cloud === 'aws' ? {} : { UPLOAD_METADATA_ENDPOINT: service.origin }),
    ...extra,
  };
}

async function signerFor(env: Record<string, string>) {
  const signer = await startSigner(env, { now: () => new Date(T0) });
  started.push(signer);
  return signer;
}

async function startupError(env: Record<string, string>): Promise<string> {
  return startSigner(env, { now: () => new Date(T0) }).then(
    async (signer) => {
      await signer.close();
      throw new Error('the signer started');
    },
    (error: Error) => error.message,
  );
}

describe.each(['alibaba', 'huawei', 'aws'] as const)('%s: hardened mode', (cloud) => {
  test('asks for a token first and sends it with every read; the service refuses reads without one', async () => {
    const service = await standIn(cloud);
    await signerFor(envFor(cloud, service));
    expect(service.calls[0]).toMatchObject({ method: 'PUT', path: TOKEN_PATHS[cloud] });
    const reads = service.calls.filter((call) => call.method === 'GET');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((call) => call.token === `${cloud}-metadata-token-1`)).toBe(true);

    // The stand-in really enforces it: the same read without the token is a 401.
    const read = reads[reads.length - 1];
    expect((await fetch(service.origin + read.path)).status).toBe(401);
  });

  test('does not fall back to plain mode on its own when the token is refused', async () => {
    const service = await standIn(cloud, { tokens: 'unsupported' });
    expect(await startupError(envFor(cloud, service))).toMatch(cloud === 'aws' ? /no IMDSv2 token: PUT \/latest\/api\/token failed/ : /refused a hardened-mode token .*UPLOAD_METADATA_ALLOW_PLAIN/);
    expect(service.calls.filter((call) => call.method === 'GET')).toEqual([]);
  });

  test('uses plain mode where UPLOAD_METADATA_ALLOW_PLAIN=true allows it', async () => {
    const service = await standIn(cloud, { tokens: 'unsupported' });
    await signerFor(envFor(cloud, service, { UPLOAD_METADATA_ALLOW_PLAIN: 'true' }));
    const reads = service.calls.filter((call) => call.method === 'GET');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((call) => call.token === undefined)).toBe(true);
  });
});

describe.each(['alibaba', 'tencent'] as const)('%s: the role', (cloud) => {
  const rolePath = cloud === 'alibaba' ? '/latest/meta-data/ram/security-credentials/' : '/latest/meta-data/cam/security-credentials/';

  test('is discovered from the listing when UPLOAD_INSTANCE_ROLE is unset', async () => {
    const service = await standIn(cloud, { role: 'OssUploader' });
    await signerFor(envFor(cloud, service));
    expect(service.calls.map((call) => call.path)).toEqual(expect.arrayContaining([rolePath, rolePath + 'OssUploader']));
  });

  test('is read directly when UPLOAD_INSTANCE_ROLE names it', async () => {
    const service = await standIn(cloud, { role: 'OssUploader' });
    await signerFor(envFor(cloud, service, { UPLOAD_INSTANCE_ROLE: 'OssUploader' }));
    expect(service.calls.map((call) => call.path)).not.toContain(rolePath);
  });

  test('missing: startup stops with what to do', async () => {
    const service = await standIn(cloud, { role: null });
    expect(await startupError(envFor(cloud, service))).toMatch(/names no role for this instance: (attach|bind) a (RAM|CAM) role/);
  });
});

test('huawei: an ECS without an agency stops startup with what to do', async () => {
  const service = await standIn('huawei', { role: null });
  expect(await startupError(envFor('huawei', service))).toMatch(/names no agency for this ECS: create an ECS agency in IAM/);
});

test('aws: an instance without an instance profile stops startup', async () => {
  const service = await standIn('aws', { role: null });
  expect(await startupError(envFor('aws', service))).toMatch(/AWS EC2 instance metadata \(IMDSv2\) gave no credentials/);
});

describe.each(['alibaba', 'tencent', 'huawei', 'aws'] as const)('%s: unreachable metadata service', (cloud) => {
  test('stops startup with a plain sentence', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const message = await startupError(envFor(cloud, { origin }));
    expect(message).toMatch(cloud === 'aws' ? /gave no credentials \(no IMDSv2 token/ : /cannot be reached .*works only on a cloud instance with a role attached/);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('configuration', () => {
  test.each<[Record<string, string>, RegExp]>([
    [{ ...TARGETS.alibaba, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_ACCESS_KEY_ID: 'AK', UPLOAD_ACCESS_KEY_SECRET: 'SK' }, /takes its keys from the instance role: unset UPLOAD_ACCESS_KEY_ID/],
    [{ UPLOAD_CREDENTIALS: 'instance-role' }, /needs a cloud UPLOAD_PROVIDER/],
    [{ ...TARGETS.alibaba, UPLOAD_CREDENTIALS: 'instance' }, /UPLOAD_CREDENTIALS must be one of keys, instance-role/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test.each<[Record<string, string>, RegExp]>([
    [{ ...TARGETS.aws, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_INSTANCE_ROLE: 'r' }, /not used with UPLOAD_PROVIDER=s3/],
    [{ ...TARGETS.aws, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_METADATA_ENDPOINT: 'http://127.0.0.1:1' }, /AWS_EC2_METADATA_SERVICE_ENDPOINT/],
    [{ ...TARGETS.alibaba, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_INSTANCE_ROLE: 'a/b' }, /UPLOAD_INSTANCE_ROLE must be a role name/],
    [{ ...TARGETS.alibaba, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_METADATA_ENDPOINT: 'ftp://x' }, /UPLOAD_METADATA_ENDPOINT must be an http origin/],
  ])('refuses at startup %j', async (env, message) => {
    expect(await startupError(env)).toMatch(message);
  });

  test.each(['http://operator:s3cr3t-pw@127.0.0.1:1', 'http://:s3cr3t-pw@127.0.0.1:1', 'http://127.0.0.1:1/?token=s3cr3t-pw'])(
    'refuses UPLOAD_METADATA_ENDPOINT %s without repeating what may be a secret',
    async (endpoint) => {
      const message = await startupError({ ...TARGETS.alibaba, UPLOAD_CREDENTIALS: 'instance-role', UPLOAD_METADATA_ENDPOINT: endpoint });
      expect(message).toMatch(/UPLOAD_METADATA_ENDPOINT must be an http origin/);
      expect(message).not.toContain('s3cr3t-pw');
    },
  );
});
