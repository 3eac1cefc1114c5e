// A ticket request asked again after its answer was lost (a timeout, a dropped connection,
// a proxy's 5xx) must not count the same files twice against the daily quotas. The app sends
// an `idempotencyKey` per file, the same on every request for that file; the signer remembers
// it for the ticket lifetime, per caller, and a file it remembers gets a fresh ticket for the
// key it picked the first time, without being counted again. Over the public HTTP surface,
// with a pinned clock, counted in a real redis-server and in the signer's memory.
import { askTickets, photo, postJson, type Reply } from '../../support/api-helpers';
import { formFor, request as bucketRequest } from '../../support/bucket-harness';
import { startRedis, type RunningRedis } from '../../support/redis-server';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(60_000);

const DAY = new Date('2026-11-22T10:00:00.000Z');
let clock = DAY;
const later = (seconds: number) => (clock = new Date(DAY.getTime() + seconds * 1000));
const TTL = 600;
const QUOTA_FILES = 3;
const SIZE = 1000;

/** A file the app would send: the same key on every request for it. */
const file = (idempotencyKey: string | undefined, overrides: Record<string, unknown> = {}) =>
  photo({ name: 'IMG_1.jpg', size: SIZE, ...(idempotencyKey === undefined ? {} : { idempotencyKey }), ...overrides });
const keyOf = (n: number) => `file-${String(n).padStart(4, '0')}-0123456789abcdef`;
const keysOf = (reply: Reply): string[] => reply.json.tickets.map((t: { key: string }) => t.key);

async function login(origin: string, code: string): Promise<Record<string, string>> {
  const reply = await postJson(origin, '/api/sessions', { platform: 'wechat', code });
  expect(reply.status).toBe(200);
  return { authorization: `Bearer ${reply.json.token}` };
}
const expectTickets = (reply: Reply, count: number) =>
  expect([reply.status, reply.json.error?.code, reply.json.tickets?.length]).toEqual([200, undefined, count]);
const expectRefused = (reply: Reply, status: number, code: string) => expect([reply.status, reply.json.error?.code]).toEqual([status, code]);

const places: [string, () => Promise<{ env: Record<string, string>; stop(): Promise<void> }>][] = [
  [
    'counted in Redis',
    async () => {
      const redis: RunningRedis = await startRedis();
      return { env: { UPLOAD_REDIS_URL: redis.url, UPLOAD_SESSION_SECRET: 'shared-session-secret-of-32-characters-or-more' }, stop: () => redis.stop() };
    },
  ],
  ['counted in memory', async () => ({ env: {}, stop: async () => undefined })],
];

describe.each(places)('a ticket request asked again, %s', (_name, place) => {
  let signer: RunningSigner;
  let stopPlace: () => Promise<void>;
  let caller = 0;
  /** A fresh person per test: each has the whole quota. */
  const person = () => login(signer.origin, `dev:retry-${_name.replace(/\W/g, '')}-${++caller}`);
  beforeAll(async () => {
    const started = await place();
    stopPlace = started.stop;
    signer = await startSigner(
      {
        ...started.env,
        UPLOAD_QUOTA_FILES_PER_DAY: String(QUOTA_FILES),
        UPLOAD_QUOTA_BYTES_PER_DAY: String(100 * SIZE),
        UPLOAD_TICKET_TTL_SECONDS: String(TTL),
      },
      { now: () => clock },
    );
  });
  afterAll(async () => {
    await signer?.close();
    await stopPlace?.();
  });
  beforeEach(() => {
    clock = DAY;
  });

  test('the same files asked again are not counted again, and get fresh tickets for the same keys', async () => {
    const alice = await person();
    const batch = { files: [file(keyOf(1)), file(keyOf(2))] };
    const first = await askTickets(signer.origin, batch, alice);
    expectTickets(first, 2);
    // The answer was lost; the app asks again 8 s later, and once more after a minute.
    later(8);
    const again = await askTickets(signer.origin, batch, alice);
    expectTickets(again, 2);
    expect(keysOf(again)).toEqual(keysOf(first));
    expect(Date.parse(again.json.tickets[0].expiresAt)).toBe(DAY.getTime() + (8 + TTL) * 1000);
    later(60);
    expect(keysOf(await askTickets(signer.origin, batch, alice))).toEqual(keysOf(first));
    // Two of three counted: one more file fits, a second does not.
    expectTickets(await askTickets(signer.origin, { files: [file(keyOf(3))] }, alice), 1);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(4))] }, alice), 429, 'FileQuotaExceeded');
    // With the quota used up, a file already counted is still ticketed.
    expect(keysOf(await askTickets(signer.origin, { files: [file(keyOf(2))] }, alice))).toEqual([keysOf(first)[1]]);
  });

  test('the ticket of a retry is valid: the file can be stored with it under the first key', async () => {
    const bob = await person();
    const first = await askTickets(signer.origin, { files: [file(keyOf(1))] }, bob);
    later(30);
    const again = await askTickets(signer.origin, { files: [file(keyOf(1))] }, bob);
    const ticket = again.json.tickets[0];
    expect(ticket.key).toBe(first.json.tickets[0].key);
    const form = formFor(ticket, Buffer.alloc(SIZE, 7));
    const stored = await bucketRequest(ticket.url, {
      method: 'POST',
      body: form.body,
      headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) },
    });
    expect(stored.status).toBeGreaterThanOrEqual(200);
    expect(stored.status).toBeLessThan(300);
  });

  test('a batch with remembered files and new ones counts only the new ones; refused whole, it remembers nothing new', async () => {
    const carol = await person();
    expectTickets(await askTickets(signer.origin, { files: [file(keyOf(1)), file(keyOf(2))] }, carol), 2);
    // 1 counted already, 3 and 4 new: 2 + 2 would pass the quota of 3, so the batch is refused whole.
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(1)), file(keyOf(3)), file(keyOf(4))] }, carol), 429, 'FileQuotaExceeded');
    // Neither 3 nor 4 was remembered or counted: one of them still fits, alongside a retry of 1 and 2.
    const mixed = await askTickets(signer.origin, { files: [file(keyOf(2)), file(keyOf(4)), file(keyOf(1))] }, carol);
    expectTickets(mixed, 3);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(3))] }, carol), 429, 'FileQuotaExceeded');
  });

  test('a file asked for without a key, or after the ticket lifetime, is counted again', async () => {
    const dave = await person();
    expectTickets(await askTickets(signer.origin, { files: [file(undefined)] }, dave), 1);
    expectTickets(await askTickets(signer.origin, { files: [file(undefined)] }, dave), 1);
    const first = await askTickets(signer.origin, { files: [file(keyOf(1))] }, dave);
    expectTickets(first, 1);
    later(TTL + 1);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(1))] }, dave), 429, 'FileQuotaExceeded');
  });

  test("a key is the caller's own: another person sending it is counted, under their own folder", async () => {
    const erin = await person();
    const frank = await person();
    const erins = await askTickets(signer.origin, { files: [file(keyOf(1))] }, erin);
    const franks = await askTickets(signer.origin, { files: [file(keyOf(1))] }, frank);
    expectTickets(franks, 1);
    expect(keysOf(franks)[0]).not.toBe(keysOf(erins)[0]);
    expect(keysOf(franks)[0].split('/')[1]).not.toBe(keysOf(erins)[0].split('/')[1]);
    // Frank's file was counted: two more fit, then none.
    expectTickets(await askTickets(signer.origin, { files: [file(keyOf(2)), file(keyOf(3))] }, frank), 2);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(4))] }, frank), 429, 'FileQuotaExceeded');
  });

  test('the same key for another file (size or type) is refused 409, not answered with the first file’s ticket', async () => {
    const grace = await person();
    expectTickets(await askTickets(signer.origin, { files: [file(keyOf(1))] }, grace), 1);
    const bigger = await askTickets(signer.origin, { files: [file(keyOf(1), { size: SIZE + 1 })] }, grace);
    expectRefused(bigger, 409, 'IdempotencyKeyReused');
    expect(bigger.json.error.index).toBe(0);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(1), { name: 'a.png', type: 'image/png' })] }, grace), 409, 'IdempotencyKeyReused');
  });

  test('parallel copies of one request (the first still in flight) count the files once', async () => {
    const heidi = await person();
    const batch = { files: [file(keyOf(1)), file(keyOf(2))] };
    const replies = await Promise.all(Array.from({ length: 6 }, () => askTickets(signer.origin, batch, heidi)));
    for (const reply of replies) expect(keysOf(reply)).toEqual(keysOf(replies[0]));
    expectTickets(await askTickets(signer.origin, { files: [file(keyOf(3))] }, heidi), 1);
    expectRefused(await askTickets(signer.origin, { files: [file(keyOf(4))] }, heidi), 429, 'FileQuotaExceeded');
  });
});

describe('the idempotency key is checked', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_QUOTA_FILES_PER_DAY: '10' }, { now: () => DAY });
  });
  afterAll(() => signer?.close());

  test.each([
    ['too short', 'abc'],
    ['too long', 'k'.repeat(65)],
    ['a space', 'has a space-0123456789'],
    ['a non-ASCII letter', 'schlüssel-0123456789ab'],
    ['not a string', 1234567890123456789],
  ])('%s is a clear 400 naming the file', async (_name, bad) => {
    const reply = await askTickets(signer.origin, { files: [file(keyOf(1)), file(bad as string)] });
    expectRefused(reply, 400, 'InvalidIdempotencyKey');
    expect(reply.json.error.index).toBe(1);
    expect(reply.json.error.message).toMatch(/File 2/);
    expect(reply.json.error.message).toMatch(/16 to 64/);
  });

  test('two files of one request with the same key is a 400', async () => {
    const reply = await askTickets(signer.origin, { files: [file(keyOf(1)), file(keyOf(1), { name: 'b.jpg' })] });
    expectRefused(reply, 400, 'InvalidIdempotencyKey');
    expect(reply.json.error.index).toBe(1);
  });
});
