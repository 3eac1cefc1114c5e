// The daily quotas on a Redis Cluster. A batch is admitted by one Lua script over both of a
// caller's daily counters (files and bytes); Redis Cluster runs a script only when all its
// keys hash to one slot, else it answers CROSSSLOT, which the signer can only turn into 503
// LimitsUnavailable for every ticket. The counters carry the caller in a hash tag
// (`mdu:files:{user:…}:<day>`) so all keys of one call share a slot. A real one-node cluster
// (every slot on one redis-server, cluster_state:ok), reached through ioredis.Cluster, over
// the public HTTP surface with a pinned clock. Files the app may ask for again are remembered
// by the same script (`mdu:retry:{user:…}:<idempotency key>`), in the same slot.
import { Cluster } from 'ioredis';
import { askTickets, photo, postJson } from '../../support/api-helpers';
import { startRedisCluster, type RunningRedis } from '../../support/redis-server';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-22T10:00:00.000Z');
const SECRET = 'shared-session-secret-of-32-characters-or-more';
const batch = (count: number, size = 1000) => ({ files: Array.from({ length: count }, (_, i) => photo({ name: `p${i}.jpg`, size })) });

let cluster: RunningRedis;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

async function login(origin: string, code: string): Promise<Record<string, string>> {
  const reply = await postJson(origin, '/api/sessions', { platform: 'wechat', code });
  expect(reply.status).toBe(200);
  return { authorization: `Bearer ${reply.json.token}` };
}

/** Both quotas on, so every admission runs the two-counter script. */
async function quotaOfFive(origin: string, code: string): Promise<void> {
  const auth = await login(origin, code);
  const first = await askTickets(origin, batch(3), auth);
  expect([first.status, first.json.error?.code, first.json.tickets?.length]).toEqual([200, undefined, 3]);
  const over = await askTickets(origin, batch(3), auth);
  expect([over.status, over.json.error?.code]).toEqual([429, 'FileQuotaExceeded']);
  expect((await askTickets(origin, batch(2), auth)).json.tickets).toHaveLength(2);
  expect((await askTickets(origin, batch(1), auth)).json.error?.code).toBe('FileQuotaExceeded');
}

describe('a signer given an ioredis.Cluster client', () => {
  let client: Cluster;
  let signer: RunningSigner;
  beforeAll(async () => {
    client = new Cluster([{ host: '127.0.0.1', port: cluster.port }], { enableOfflineQueue: true });
    await client.ping();
    signer = await startSigner(
      {
        UPLOAD_REDIS_URL: cluster.url,
        UPLOAD_SESSION_SECRET: SECRET,
        UPLOAD_QUOTA_FILES_PER_DAY: '5',
        UPLOAD_QUOTA_BYTES_PER_DAY: '1000000',
        UPLOAD_RATE_PER_MINUTE: '100',
      },
      { now: () => NOW, guard: { redis: client } },
    );
  });
  afterAll(async () => {
    await signer?.close();
    client?.disconnect();
  });

  test('admits batches against both daily counters (no CROSSSLOT → 503) and refuses past the quota', async () => {
    await quotaOfFive(signer.origin, 'dev:cluster-alice');
  });

  test('every key of one caller lands in one slot, named readably with the caller as hash tag', async () => {
    const bob = await login(signer.origin, 'dev:cluster-bob');
    // A file the app may ask for again: its idempotency key is remembered in the same script, in the same slot.
    const again = { files: [photo({ name: 'a.jpg', size: 1000, idempotencyKey: 'cluster-bob-file-0001' })] };
    const first = await askTickets(signer.origin, again, bob);
    expect((await askTickets(signer.origin, again, bob)).json.tickets[0].key).toBe(first.json.tickets[0].key);
    const keys = (await client.keys('mdu:*')).sort();
    const daily = keys.filter((key) => /^mdu:(files|bytes|retry):/.test(key));
    expect(daily.length).toBeGreaterThanOrEqual(5);
    expect(daily).toContainEqual(expect.stringMatching(/^mdu:retry:\{user:[0-9a-f]{24}\}:cluster-bob-file-0001$/));
    for (const key of daily) expect(key).toMatch(/^mdu:(files|bytes):\{user:[0-9a-f]{24}\}:2026-11-22$|^mdu:retry:\{user:[0-9a-f]{24}\}:[\w-]+$/);
    const byCaller = new Map<string, number[]>();
    for (const key of daily) {
      const caller = /\{([^}]*)\}/.exec(key)![1];
      byCaller.set(caller, [...(byCaller.get(caller) ?? []), Number(await client.cluster('KEYSLOT', key))]);
    }
    for (const slots of byCaller.values()) expect(new Set(slots).size).toBe(1);
  });
});

describe('UPLOAD_REDIS_CLUSTER=true: the signer makes its own ioredis.Cluster from the URL of one node', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner(
      {
        UPLOAD_REDIS_URL: cluster.url,
        UPLOAD_REDIS_CLUSTER: 'true',
        UPLOAD_SESSION_SECRET: SECRET,
        UPLOAD_QUOTA_FILES_PER_DAY: '5',
        UPLOAD_QUOTA_BYTES_PER_DAY: '1000000',
        UPLOAD_RATE_PER_MINUTE: '100',
      },
      { now: () => NOW },
    );
  });
  afterAll(() => signer?.close());

  test('tickets are counted there, and the quota holds', async () => {
    await quotaOfFive(signer.origin, 'dev:cluster-carol');
  });
});
