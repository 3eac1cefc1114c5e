// Rate limit and daily quotas in one signer (in-process counters), over real HTTP with
// the dev bucket. A batch that would pass a quota is refused whole (nothing ticketed,
// nothing counted); with a byte quota each ticket allows exactly the declared size,
// which the dev bucket enforces like S3. The audit log gets one line per ticket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askTickets, decodePolicy, photo, postJson, type Reply } from '../../support/api-helpers';
import { CredentialsUnavailableError, type CredentialSource } from '../../../cloud-signer/src/credentials';
import { startSigner, type RunningSigner } from '../../support/signer';

const DAY = new Date('2026-11-22T18:00:00.000Z');
let clock = DAY;
const now = () => clock;

async function login(signer: RunningSigner, code: string) {
  const reply = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code });
  expect(reply.status).toBe(200);
  return { authorization: `Bearer ${reply.json.token}` };
}
const files = (count: number, size = 1000) => ({ files: Array.from({ length: count }, (_, i) => photo({ name: `p${i}.jpg`, size })) });
const expect429 = (reply: Reply, code: string) => {
  expect({ status: reply.status, code: reply.json.error.code }).toEqual({ status: 429, code });
  expect(reply.json.tickets).toBeUndefined();
  expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
};

describe('a daily file quota of 5', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_QUOTA_FILES_PER_DAY: '5' }, { now });
  });
  afterAll(() => signer.close());
  beforeEach(() => {
    clock = DAY;
  });

  test('a batch that would pass it is refused whole, counts nothing, and a smaller one still fits', async () => {
    const alice = await login(signer, 'dev:quota-alice');
    expect((await askTickets(signer.origin, files(3), alice)).json.tickets).toHaveLength(3);
    const refused = await askTickets(signer.origin, files(3), alice);
    expect429(refused, 'FileQuotaExceeded');
    // Retry-After: until midnight UTC, 6 hours from the pinned clock.
    expect(Number(refused.headers['retry-after'])).toBe(6 * 3600);
    expect(refused.json.error.message).toMatch(/5 files/);
    expect((await askTickets(signer.origin, files(2), alice)).json.tickets).toHaveLength(2);
    expect429(await askTickets(signer.origin, files(1), alice), 'FileQuotaExceeded');
  });

  test('each user has its own quota, and it starts again on the next UTC day', async () => {
    const bob = await login(signer, 'dev:quota-bob');
    const carol = await login(signer, 'dev:quota-carol');
    expect((await askTickets(signer.origin, files(5), bob)).status).toBe(200);
    expect429(await askTickets(signer.origin, files(1), bob), 'FileQuotaExceeded');
    expect((await askTickets(signer.origin, files(5), carol)).status).toBe(200);
    clock = new Date('2026-11-23T00:00:01.000Z');
    // The session of yesterday evening has expired by now: a new day, a new login.
    expect((await askTickets(signer.origin, files(5), await login(signer, 'dev:quota-bob'))).status).toBe(200);
  });

  test('anonymous callers share a quota per client IP', async () => {
    expect((await askTickets(signer.origin, files(5))).status).toBe(200);
    expect429(await askTickets(signer.origin, files(1)), 'FileQuotaExceeded');
  });
});

describe('a daily byte quota', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_QUOTA_BYTES_PER_DAY: '10000' }, { now: () => new Date() });
  });
  afterAll(() => signer.close());

  test('counts declared sizes, and each ticket allows exactly its declared size', async () => {
    const dave = await login(signer, 'dev:bytes-dave');
    const reply = await askTickets(signer.origin, files(2, 4000), dave);
    expect(reply.status).toBe(200);
    for (const ticket of reply.json.tickets) {
      expect(decodePolicy(ticket.fields).conditions).toContainEqual(['content-length-range', 4000, 4000]);
      expect(ticket.maxBytes).toBe(4000);
    }
    expect429(await askTickets(signer.origin, files(1, 2001), dave), 'ByteQuotaExceeded');
    expect((await askTickets(signer.origin, files(1, 2000), dave)).status).toBe(200);
  });

  test('the dev bucket refuses a body larger or smaller than the declared size', async () => {
    const erin = await login(signer, 'dev:bytes-erin');
    const [ticket] = (await askTickets(signer.origin, files(1, 1000), erin)).json.tickets;
    const send = async (bytes: number) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.fields as Record<string, string>)) form.append(name, value);
      form.append(ticket.fileField, new Blob([Buffer.alloc(bytes, 1)], { type: ticket.contentType }), 'p.jpg');
      const response = await fetch(ticket.url, { method: 'POST', body: form });
      return { status: response.status, text: await response.text() };
    };
    expect(await send(1001)).toMatchObject({ status: 400, text: expect.stringContaining('EntityTooLarge') });
    expect(await send(999)).toMatchObject({ status: 400, text: expect.stringContaining('EntityTooSmall') });
    expect((await send(1000)).status).toBe(ticket.successStatus);
  });
});

describe('a rate limit of 3 requests a minute', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_RATE_PER_MINUTE: '3' }, { now });
  });
  afterAll(() => signer.close());

  test('the 4th ticket request of a user is 429 RateLimited with Retry-After; another user is not affected', async () => {
    const frank = await login(signer, 'dev:rate-frank');
    for (let i = 0; i < 3; i++) expect((await askTickets(signer.origin, files(1), frank)).status).toBe(200);
    const limited = await askTickets(signer.origin, files(1), frank);
    expect429(limited, 'RateLimited');
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    const grace = await login(signer, 'dev:rate-grace');
    expect((await askTickets(signer.origin, files(1), grace)).status).toBe(200);
  });

  test('logins are counted per client IP', async () => {
    // The two logins above and this run's own: the limit of 3 is reached at the 4th.
    let reply: Reply | undefined;
    for (let i = 0; i < 4; i++) reply = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: `dev:ip-${i}` });
    expect429(reply!, 'RateLimited');
  });
});

test('the audit log has one JSON line per ticket: time, user, IP, key, size, type, and no token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.log');
  const signer = await startSigner({ UPLOAD_AUDIT_LOG: path }, { now: () => DAY });
  try {
    const session = await postJson(signer.origin, '/api/sessions', { platform: 'alipay', code: 'dev:audited' });
    const token: string = session.json.token;
    const reply = await askTickets(signer.origin, { files: [photo({ size: 1234 }), photo({ name: 'b.png', type: 'image/png', size: 99 })] }, { authorization: `Bearer ${token}` });
    expect(reply.status).toBe(200);
    // The file stream writes in the background: wait for both lines, not for a time.
    let text = '';
    for (let i = 0; i < 200 && text.split('\n').length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = readFileSync(path, 'utf8');
    }
    const lines = text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { time: DAY.toISOString(), event: 'ticket', user: session.json.user.id, kind: 'user', platform: 'alipay', ip: '127.0.0.1', key: reply.json.tickets[0].key, size: 1234, type: 'image/jpeg' },
      { time: DAY.toISOString(), event: 'ticket', user: session.json.user.id, kind: 'user', platform: 'alipay', ip: '127.0.0.1', key: reply.json.tickets[1].key, size: 99, type: 'image/png' },
    ]);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
  } finally {
    await signer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an upload in parts gets its own audit line when it starts: event "upload", key, size, type', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.log');
  const signer = await startSigner({ UPLOAD_AUDIT_LOG: path, UPLOAD_ALLOWED_TYPES: 'video/mp4' }, { now: () => DAY });
  try {
    const authorization = await login(signer, 'dev:parts');
    const started = await postJson(signer.origin, '/api/uploads', { name: 'clip.mp4', size: 30_000_000, type: 'video/mp4' }, authorization);
    expect(started.status).toBe(200);
    let text = '';
    for (let i = 0; i < 200 && !text.includes('\n'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = readFileSync(path, 'utf8');
    }
    const [line] = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ time: DAY.toISOString(), event: 'upload', kind: 'user', platform: 'wechat', key: started.json.key, size: 30_000_000, type: 'video/mp4' });
    expect(text).not.toContain(started.json.uploadToken);
  } finally {
    await signer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('what could not be issued is not counted', () => {
  const S3_UNREACHABLE = {
    UPLOAD_PROVIDER: 's3',
    UPLOAD_BUCKET: 'examplebucket',
    UPLOAD_REGION: 'us-east-1',
    UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    UPLOAD_ACCESS_KEY_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    UPLOAD_ENDPOINT: 'http://127.0.0.1:1/examplebucket',
    UPLOAD_QUOTA_FILES_PER_DAY: '1',
  };

  test('an upload in parts the store would not start gives its file back to the quota', async () => {
    const signer = await startSigner(S3_UNREACHABLE, { now });
    try {
      const started = await postJson(signer.origin, '/api/uploads', { name: 'big.jpg', size: 30 * 1024 * 1024, type: 'image/jpeg' });
      expect(started.status).toBe(502);
      expect((await askTickets(signer.origin, files(1))).status).toBe(200);
      expect429(await askTickets(signer.origin, files(1)), 'FileQuotaExceeded');
    } finally {
      await signer.close();
    }
  });

  test('a batch whose temporary keys cannot be had (STS down) counts nothing', async () => {
    let down = true;
    const keys = { accessKeyId: 'ASIAEXAMPLE', accessKeySecret: 'temporary-secret-for-tests', securityToken: 'token' };
    const credentials: CredentialSource = {
      get: async () => {
        if (down) throw new CredentialsUnavailableError(new Error('STS AssumeRole could not be reached'));
        return keys;
      },
      current: () => (down ? undefined : keys),
    };
    const signer = await startSigner({ ...S3_UNREACHABLE, UPLOAD_QUOTA_FILES_PER_DAY: '2' }, { now, credentials });
    try {
      for (let i = 0; i < 3; i++) expect((await askTickets(signer.origin, files(2))).json.error.code).toBe('CredentialsUnavailable');
      // An upload in parts meets the same: 503 with Retry-After (the app waits and asks again), not a store error.
      const started = await postJson(signer.origin, '/api/uploads', { name: 'big.jpg', size: 30 * 1024 * 1024, type: 'image/jpeg' });
      expect([started.status, started.json.error.code, Number(started.headers['retry-after'])]).toEqual([503, 'CredentialsUnavailable', 2]);
      down = false;
      // The three refused batches took nothing: the whole quota is there once the keys are back.
      expect((await askTickets(signer.origin, files(2))).json.tickets).toHaveLength(2);
      expect429(await askTickets(signer.origin, files(1)), 'FileQuotaExceeded');
    } finally {
      await signer.close();
    }
  });
});
