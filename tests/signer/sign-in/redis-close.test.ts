// Closing a signer whose Redis never came (or went away) lets the process end at once. Between
// reconnect attempts ioredis's socket has already closed; its disconnect() then arms a 2 s
// timer to destroy that socket, cleared only by a 'close' event that already happened
// (redis/ioredis#1247), so the timer held a shutdown, or a jest run, for 2 s. Checked
// through the public surface: a real signer, a port nothing listens on, and every timer
// created while it closes.
import { createHook } from 'node:async_hooks';
import { askTickets, photo } from '../../support/api-helpers';
import { freePort, startRedis } from '../../support/redis-server';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(30_000);

const settings = (port: number) => ({
  UPLOAD_REDIS_URL: `redis://127.0.0.1:${port}`,
  UPLOAD_SESSION_SECRET: 'shared-session-secret-of-32-characters-or-more',
  UPLOAD_QUOTA_FILES_PER_DAY: '10',
  UPLOAD_RATE_PER_MINUTE: '100',
});

/** Closes the signer; resolves with the timers made meanwhile that still hold the event loop 100 ms later. */
async function timersHeldAfterClose(signer: RunningSigner): Promise<string[]> {
  const made = new Map<number, { timer: NodeJS.Timeout; stack: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout') made.set(id, { timer: resource as NodeJS.Timeout, stack: new Error().stack ?? '' });
    },
    destroy(id) {
      made.delete(id);
    },
  }).enable();
  try {
    await signer.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    hook.disable();
  }
  // Node marks a timer that fired or was cleared `_destroyed` at once (the destroy hook comes later).
  const pending = (timer: NodeJS.Timeout) => !(timer as unknown as { _destroyed: boolean })._destroyed;
  // Jest's own reporter ticks a status-line timer in this process when it runs in band (as CI
  // does); that timer is the test runner's, not the signer's.
  const runners = (stack: string) => /node_modules[\\/](@jest|jest-)/.test(stack);
  return [...made.values()]
    .filter(({ timer, stack }) => pending(timer) && timer.hasRef() && !runners(stack))
    .map(({ stack }) => stack);
}

test('a Redis that never came: close leaves no timer holding the process', async () => {
  const signer = await startSigner(settings(await freePort()));
  // One request, answered 503 after the connect timeout: ioredis is now between attempts.
  const answer = await askTickets(signer.origin, { files: [photo()] });
  expect(answer.status).toBe(503);
  const held = await timersHeldAfterClose(signer);
  expect(held).toEqual([]);
});

test('a Redis that was there: close still ends the connection, and leaves no timer either', async () => {
  const port = await freePort();
  const redis = await startRedis(port);
  try {
    const signer = await startSigner(settings(port));
    const answer = await askTickets(signer.origin, { files: [photo()] });
    expect(answer.status).toBe(200);
    expect(await timersHeldAfterClose(signer)).toEqual([]);
  } finally {
    await redis.stop();
  }
});
