// GET /api/credentials on a real signer whose AssumeRole goes through Alibaba's SDK to
// a local STS stand-in: one fresh prefix and one scoped session per request, behind the
// same bearer-token check as every /api/* route, and nothing secret when STS fails.
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import type { CredentialsResponse } from '../../../typings/credentials';
import { loadConfig } from '../../../cloud-signer/src/config';
import { createSignerServer } from '../../../cloud-signer/src/server';
import { createAssumeRole, loadStsConfig } from '../../../cloud-signer/src/sts';
import { nodeCrypto } from '../../../cloud-signer/src/node-crypto';
import { signClientTicket } from '../../../miniprogram/shared/signing/client/client-signer';
import { cryptoJs } from '../../../miniprogram/shared/signing/crypto-js/crypto-js';
import { ossDialect } from '../../../miniprogram/shared/signing/dialects/oss';
import { deniedReply, okReply, startStandIn, type StandIn } from '../../support/sts-stand-in';
import { openSignerEnv } from '../../support/open-signer-env';

const NOW = new Date('2026-11-22T10:00:00Z');
const LONG_TERM_SECRET = 'LongTermSecret-must-never-leak-0123456789';
const AUTH_TOKEN = 'test-token-0123456789abcdef';
const ENV = {
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_ACCESS_KEY_ID: 'LTAIlongterm',
  UPLOAD_ACCESS_KEY_SECRET: LONG_TERM_SECRET,
  UPLOAD_STS_ROLE_ARN: 'acs:ram::123456789012:role/uploader',
  UPLOAD_AUTH_TOKENS: AUTH_TOKEN,
  HOST: '127.0.0.1',
};

let standIn: StandIn;
let refuse = false;
const logged: string[] = [];

async function listen(server: http.Server): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startSignerWithSts(withSts = true, quotas: Record<string, string> = {}) {
  const env = { ...ENV, UPLOAD_STS_ENDPOINT: standIn.endpoint };
  const config = loadConfig({ ...openSignerEnv(env), ...quotas });
  const assumeRole = withSts ? createAssumeRole(loadStsConfig(env)!) : undefined;
  return listen(createSignerServer({ config, assumeRole, now: () => NOW, log: (line) => logged.push(line) }));
}

const authorized = { headers: { Authorization: `Bearer ${AUTH_TOKEN}` } };

beforeAll(async () => {
  standIn = await startStandIn('alibaba', (_call, n) =>
    refuse
      ? deniedReply('alibaba', `not allowed (${LONG_TERM_SECRET})`)
      : okReply('alibaba', {
          accessKeyId: `STS.Key${n}`,
          accessKeySecret: `TempSecret${n}`,
          securityToken: `Token${n}`,
          expiration: new Date(NOW.getTime() + 900_000),
        }),
  );
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.calls.length = 0;
  refuse = false;
  logged.length = 0;
});

test('grants credentials limited to a fresh per-request prefix, not cached anywhere', async () => {
  const signer = await startSignerWithSts();
  try {
    const res = await fetch(`${signer.origin}/api/credentials`, authorized);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const grant = (await res.json()) as CredentialsResponse;

    expect(grant).toMatchObject({
      serverTime: NOW.toISOString(),
      provider: 'oss',
      method: 'post',
      bucket: 'examplebucket',
      region: 'cn-hangzhou',
      endpoint: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com',
      publicBaseUrl: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com',
      ticketTtlSeconds: 600,
      credentials: {
        accessKeyId: 'STS.Key1',
        accessKeySecret: 'TempSecret1',
        securityToken: 'Token1',
        expiration: '2026-11-22T10:15:00.000Z',
      },
      limits: { maxBytes: 20971520, allowedTypes: ['image/*'] },
    });
    expect(grant.keyPrefix).toMatch(/^uploads\/service\/client\/2026\/11\/22\/[0-9a-f]{16}\/$/);
    // The session the STS issued is limited to exactly that prefix.
    const policy = JSON.parse(standIn.calls[0].params.Policy);
    expect(policy.Statement).toEqual([
      { Effect: 'Allow', Action: ['oss:PutObject'], Resource: [`acs:oss:*:*:examplebucket/${grant.keyPrefix}*`] },
    ]);

    // A second app gets its own folder and its own session.
    const second = (await (await fetch(`${signer.origin}/api/credentials`, authorized)).json()) as CredentialsResponse;
    expect(second.keyPrefix).not.toBe(grant.keyPrefix);
    expect(second.credentials.accessKeyId).toBe('STS.Key2');
    expect(standIn.calls).toHaveLength(2);

    // And the grant is enough for the app to sign what the signer would.
    const file = { size: 1234, contentType: 'image/png', extension: 'png' };
    const options = { dialect: ossDialect, random: '00112233aabbccdd', now: new Date(grant.serverTime) };
    const ticket = signClientTicket(grant, file, { ...options, crypto: cryptoJs });
    expect(ticket.key).toBe(`${grant.keyPrefix}00112233aabbccdd.png`);
    expect(ticket).toEqual(signClientTicket(grant, file, { ...options, crypto: nodeCrypto }));
  } finally {
    await signer.close();
  }
});

test('needs the bearer token like every /api/* route, and GET', async () => {
  const signer = await startSignerWithSts();
  try {
    const anonymous = await fetch(`${signer.origin}/api/credentials`);
    expect(anonymous.status).toBe(401);
    const post = await fetch(`${signer.origin}/api/credentials`, { ...authorized, method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(standIn.calls).toHaveLength(0);
  } finally {
    await signer.close();
  }
});

test('answers 404 NotConfigured when temporary credentials are not configured', async () => {
  const signer = await startSignerWithSts(false);
  try {
    const res = await fetch(`${signer.origin}/api/credentials`, authorized);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('NotConfigured');
    expect(body.error.message).toMatch(/UPLOAD_STS_ROLE_ARN is not set/);
  } finally {
    await signer.close();
  }
});

describe('while a daily quota is on, no grant: its credentials could upload past the quota', () => {
  test.each([
    ['the cloud defaults (1000 files and 5 GiB a day)', { UPLOAD_QUOTA_FILES_PER_DAY: '', UPLOAD_QUOTA_BYTES_PER_DAY: '' }, /UPLOAD_QUOTA_FILES_PER_DAY, UPLOAD_QUOTA_BYTES_PER_DAY/],
    ['a file quota only', { UPLOAD_QUOTA_FILES_PER_DAY: '50' }, /\(UPLOAD_QUOTA_FILES_PER_DAY\)/],
    ['a byte quota only', { UPLOAD_QUOTA_BYTES_PER_DAY: '1000000' }, /\(UPLOAD_QUOTA_BYTES_PER_DAY\)/],
  ])('%s: 403 QuotaNotEnforceable naming the variable, and STS is not called', async (_name, quotas, names) => {
    const signer = await startSignerWithSts(true, quotas);
    try {
      const res = await fetch(`${signer.origin}/api/credentials`, authorized);
      expect(res.status).toBe(403);
      const body = await res.json();
      expect(body.error.code).toBe('QuotaNotEnforceable');
      expect(body.error.message).toMatch(names);
      expect(body.error.message).toMatch(/\/api\/tickets/);
      expect(standIn.calls).toHaveLength(0);
      // Tickets, which the quota does count, are still issued.
      const tickets = await fetch(`${signer.origin}/api/tickets`, {
        method: 'POST',
        headers: { ...authorized.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] }),
      });
      expect(tickets.status).toBe(200);
    } finally {
      await signer.close();
    }
  });

  test('with both quotas at 0 the grant is given', async () => {
    const signer = await startSignerWithSts(true, { UPLOAD_QUOTA_FILES_PER_DAY: '0', UPLOAD_QUOTA_BYTES_PER_DAY: '0' });
    try {
      expect((await fetch(`${signer.origin}/api/credentials`, authorized)).status).toBe(200);
    } finally {
      await signer.close();
    }
  });
});

test('an STS refusal is a 502 that says what happened and leaks no secret, in the answer or the log', async () => {
  refuse = true;
  const signer = await startSignerWithSts();
  try {
    const res = await fetch(`${signer.origin}/api/credentials`, authorized);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text).error.message).toMatch(/could not obtain temporary credentials/);
    expect(text).not.toContain(LONG_TERM_SECRET);
    expect(logged.join('\n')).toMatch(/Alibaba Cloud STS AssumeRole failed/);
    expect(logged.join('\n')).not.toContain(LONG_TERM_SECRET);
  } finally {
    await signer.close();
  }
});
