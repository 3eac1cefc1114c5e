// A batch past a quota is refused whole and counts nothing (README "A batch past a quota is
// refused whole"), so it must not take from the quota of a batch that fits, even for the
// moment it is counted and given back: the app shows a refused batch "today's limit is
// reached, try tomorrow", with no retry. Parallel batches of one person, at two signers
// sharing a real redis-server, and at one signer counting in memory.
import { askTickets, photo, postJson } from '../../support/api-helpers';
import { startRedis, type RunningRedis } from '../../support/redis-server';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(60_000);

const QUOTA = 5;
const NOW = new Date('2026-11-22T10:00:00.000Z');
const batch = (count: number) => ({ files: Array.from({ length: count }, (_, i) => photo({ name: `p${i}.jpg`, size: 1000 })) });

async function login(origin: string, code: string): Promise<Record<string, string>> {
  const reply = await postJson(origin, '/api/sessions', { platform: 'wechat', code });
  expect(reply.status).toBe(200);
  return { authorization: `Bearer ${reply.json.token}` };
}

/** Round after round, a fresh user sends batches too large for the quota and, among them, one that fits. */
async function parallelRounds(origins: string[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const auth = await login(origins[0], `dev:parallel-${origins.length}-${round}`);
    const tooLarge = Array.from({ length: 40 }, (_, i) => askTickets(origins[i % origins.length], batch(QUOTA + 1), auth));
    const fits = askTickets(origins[round % origins.length], batch(QUOTA), auth);
    const refusals = await Promise.all(tooLarge);
    expect(refusals.map((r) => r.json.error?.code)).toEqual(Array(40).fill('FileQuotaExceeded'));
    const answer = await fits;
    expect([answer.status, answer.json.error?.code, answer.json.tickets?.length]).toEqual([200, undefined, QUOTA]);
    // And it really was counted: the quota is now used up.
    expect((await askTickets(origins[0], batch(1), auth)).json.error?.code).toBe('FileQuotaExceeded');
  }
}

describe('two signers sharing Redis', () => {
  let redis: RunningRedis;
  const signers: RunningSigner[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      UPLOAD_REDIS_URL: redis.url,
      UPLOAD_SESSION_SECRET: 'shared-session-secret-of-32-characters-or-more',
      UPLOAD_QUOTA_FILES_PER_DAY: String(QUOTA),
      UPLOAD_QUOTA_BYTES_PER_DAY: '12000',
    };
    for (let i = 0; i < 2; i++) signers.push(await startSigner(env, { now: () => NOW }));
  });
  afterAll(async () => {
    for (const signer of signers) await signer.close();
    await redis?.stop();
  });

  test('a batch that fits is ticketed while too-large batches of the same person are refused in parallel', async () => {
    await parallelRounds(
      signers.map((s) => s.origin),
      5,
    );
  });

  test('a batch past the byte quota counts neither files nor bytes; one that fits both is ticketed', async () => {
    const [a, b] = signers.map((s) => s.origin);
    const auth = await login(a, 'dev:parallel-bytes');
    const tooHeavy = await askTickets(a, { files: [photo({ name: 'a.jpg', size: 7000 }), photo({ name: 'b.jpg', size: 5001 })] }, auth);
    expect(tooHeavy.json.error?.code).toBe('ByteQuotaExceeded');
    expect((await askTickets(b, { files: [photo({ size: 12000 - 4 * 1000 })] }, auth)).status).toBe(200);
    expect((await askTickets(a, batch(4), auth)).json.tickets).toHaveLength(4);
    expect((await askTickets(b, { files: [photo({ size: 1 })] }, auth)).json.error?.code).toBe('FileQuotaExceeded');
  });
});

describe('one signer counting in memory', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_QUOTA_FILES_PER_DAY: String(QUOTA), UPLOAD_QUOTA_BYTES_PER_DAY: '1000000' }, { now: () => NOW });
  });
  afterAll(() => signer.close());

  test('a batch that fits is ticketed while too-large batches of the same person are refused in parallel', async () => {
    await parallelRounds([signer.origin], 5);
  });
});
