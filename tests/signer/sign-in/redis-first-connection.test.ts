// A signer started while its Redis is still connecting (a deploy, a restart under traffic, a
// Redis across the network) holds its first counted requests until the first connection, at
// most the 2 s connect timeout, instead of answering them 503 LimitsUnavailable, which the app
// would then wait out for 5 s each. A real redis-server on a loopback port started after the signer.
import { askTickets, photo } from '../../support/api-helpers';
import { freePort, startRedis, type RunningRedis } from '../../support/redis-server';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(30_000);
let redis: RunningRedis | undefined;
let signer: RunningSigner | undefined;
afterEach(async () => {
  await signer?.close();
  await redis?.stop();
  signer = undefined;
  redis = undefined;
});

const settings = (port: number) => ({
  UPLOAD_REDIS_URL: `redis://127.0.0.1:${port}`,
  UPLOAD_SESSION_SECRET: 'shared-session-secret-of-32-characters-or-more',
  UPLOAD_QUOTA_FILES_PER_DAY: '10',
  UPLOAD_RATE_PER_MINUTE: '100',
});

test('the first ticket request waits for Redis to connect, and is answered with its tickets', async () => {
  const port = await freePort();
  signer = await startSigner(settings(port));
  const asked = askTickets(signer.origin, { files: [photo()] });
  // Redis comes up a moment after the signer: ioredis reconnects every 200 ms or so meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 300));
  redis = await startRedis(port);
  const answer = await asked;
  expect(answer.status).toBe(200);
  expect(answer.json.tickets).toHaveLength(1);
});

test('a Redis that never comes is 503 LimitsUnavailable after the connect timeout, never a ticket', async () => {
  signer = await startSigner(settings(await freePort()));
  const started = Date.now();
  const answer = await askTickets(signer.origin, { files: [photo()] });
  expect([answer.status, answer.json.error?.code]).toEqual([503, 'LimitsUnavailable']);
  expect(answer.json.tickets).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(5000);
});
