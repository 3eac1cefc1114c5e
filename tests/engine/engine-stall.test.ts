// Issue 9 B: an upload is judged by its progress, not by a total timeout. Quiet for
// 5 s, the item is marked slow (the card says it waits for the network); quiet for
// 15 s, the try is cut and retried; bytes that keep moving are never cut. The stall
// clock is the harness's manual timers: nothing here waits on real time.
import { flush, photo } from '../support/fake-transport';
import { setup } from '../support/engine-harness';
import { cardView } from '../../miniprogram/shared/ui/upload-view';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';

const zh = uiMessages('zh');
const en = uiMessages('en');

test('a try that sends nothing is called slow at 5 s, cut at 15 s and retried; the card says plainly that it waits', async () => {
  const { engine, fake, stallClock, sleeps } = setup();
  await engine.add([photo(1000, 'quiet.jpg')]);
  const first = await fake.nextUpload();
  first.progress(300, 1200);

  stallClock.advance(4_999);
  expect(engine.items()[0].slow).toBeUndefined();
  stallClock.advance(1);
  const [slow] = engine.items();
  expect(slow).toMatchObject({ status: 'uploading', slow: true, percent: 25 });
  expect(cardView(slow, zh).statusText).toBe('网络很慢，正在等待…');
  expect(cardView(slow, en).statusText).toBe('Waiting for the network…');

  stallClock.advance(10_000);
  expect(first.aborted).toBe(true);
  const second = await fake.nextUpload();
  expect(sleeps).toEqual([1000]);
  // Still waiting for the network until bytes move again.
  expect(cardView(engine.items()[0], zh).statusText).toBe('网络很慢，正在等待…');
  second.progress(600, 1200);
  expect(engine.items()[0].slow).toBeUndefined();
  expect(cardView(engine.items()[0], zh).statusText).toBe('上传中');
  second.succeed();
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 2 });
  expect(stallClock.pendingCount()).toBe(0);
});

test('sitting at 99% with every byte sent and no answer is a stall too', async () => {
  const { engine, fake, stallClock } = setup({ retry: { delays: [] } });
  await engine.add([photo(1000)]);
  const upload = await fake.nextUpload();
  upload.progress(1200, 1200);
  expect(engine.items()[0].percent).toBe(99);
  stallClock.advance(15_000);
  await flush();
  expect(upload.aborted).toBe(true);
  expect(engine.items()[0]).toMatchObject({ status: 'failed', error: { reason: 'timeout', code: 'Stalled', retryable: true } });
  expect(engine.items()[0].error?.message).toBe('上传超时，请在网络较好时重试');
});

test('a slow but steady upload is never cut, and the platform timeout is only a far backstop', async () => {
  const { engine, fake, stallClock } = setup();
  await engine.add([photo(20 * 1024 * 1024, 'big.jpg')]);
  const upload = await fake.nextUpload();
  expect(upload.request.timeoutMs).toBe(30 * 60 * 1000); // the README's 30-minute backstop
  // Ten minutes at 35 KB/s: a few bytes every 4 s.
  for (let t = 1; t <= 150; t += 1) {
    stallClock.advance(4_000);
    upload.progress(t * 140_000, 21_000_000);
  }
  expect(upload.aborted).toBe(false);
  expect(engine.items()[0].slow).toBeUndefined();
  upload.succeed();
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 1 });
});

test('stalling on every try fails after the retries, within about a minute of quiet, not 4 x 60 s', async () => {
  const { engine, fake, stallClock, sleeps } = setup();
  await engine.add([photo()]);
  for (let i = 0; i < 4; i += 1) {
    await fake.nextUpload();
    stallClock.advance(15_000);
    await flush();
  }
  expect(fake.uploads.map((u) => u.aborted)).toEqual([true, true, true, true]);
  expect(sleeps).toEqual([1000, 3000, 8000]);
  expect(engine.items()[0]).toMatchObject({ status: 'failed', attempts: 4, error: { reason: 'timeout', retryable: true } });
  expect(engine.items()[0].slow).toBeUndefined();
});

test('a transport whose abort() never settles still moves on after a stall', async () => {
  const { engine, fake, stallClock } = setup({ retry: { delays: [0] } });
  fake.rejectOnAbort = false;
  await engine.add([photo()]);
  await fake.nextUpload();
  stallClock.advance(15_000);
  const second = await fake.nextUpload();
  second.succeed();
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 2 });
});

test('PUT uploads (no progress until they end) are not watched; stall: false turns the watch off', async () => {
  const put = setup();
  put.fake.routes['POST /api/tickets'] = (request) => {
    const files = (JSON.parse(request.body ?? '{}') as { files: { name: string }[] }).files;
    const body = put.fake.ticketResponse({ files } as never);
    body.tickets = files.map((f) => put.fake.ticket(f.name, { method: 'PUT', successStatus: 200 }));
    return { statusCode: 200, body: JSON.stringify(body), headers: {} };
  };
  await put.engine.add([photo()]);
  const upload = await put.fake.nextUpload();
  put.stallClock.advance(60_000);
  expect(upload.aborted).toBe(false);
  expect(put.stallClock.pendingCount()).toBe(0);

  const off = setup({ stall: false });
  await off.engine.add([photo()]);
  const quiet = await off.fake.nextUpload();
  expect(off.stallClock.pendingCount()).toBe(0);
  expect(quiet.request.timeoutMs).toBeUndefined();
});

test('a custom stall policy is honoured', async () => {
  const { engine, fake, stallClock } = setup({ stall: { slowAfterMs: 1_000, stallAfterMs: 2_000 }, retry: { delays: [] } });
  await engine.add([photo()]);
  await fake.nextUpload();
  stallClock.advance(1_000);
  expect(engine.items()[0].slow).toBe(true);
  stallClock.advance(1_000);
  await flush();
  expect(engine.items()[0].status).toBe('failed');
});

test('a task that cannot report progress (no onProgressUpdate) is never cut for its silence, only at the old 60 s total', async () => {
  const { engine, fake, stallClock } = setup({ retry: { delays: [] } });
  const upload = fake.upload.bind(fake);
  fake.upload = (request) => ({ ...upload(request), reportsProgress: false });
  await engine.add([photo(5 * 1024 * 1024, 'steady.jpg')]);
  const first = await fake.nextUpload();
  // A steady upload on such a runtime sends for a while without a word: neither "slow" nor cut.
  stallClock.advance(59_999);
  expect(first.aborted).toBe(false);
  expect(engine.items()[0].slow).toBeUndefined();
  // Without progress it cannot be told from a dead one: the platforms' own 60 s default still ends it.
  stallClock.advance(1);
  await flush();
  expect(first.aborted).toBe(true);
  expect(engine.items()[0]).toMatchObject({ status: 'failed', error: { reason: 'timeout' } });
});

test('a slow steady upload whose answer comes 30 s after its last byte (a buffered uplink draining) is not cut', async () => {
  const { engine, fake, stallClock } = setup();
  await engine.add([photo(3_000_000, 'slow-link.jpg')]);
  const upload = await fake.nextUpload();
  for (let t = 1; t <= 30; t += 1) {
    stallClock.advance(4_000);
    upload.progress(t * 100_000, 3_000_000);
  }
  stallClock.advance(30_000);
  expect(upload.aborted).toBe(false);
  upload.succeed();
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 1 });
});

test('no stall timer outlives its try: cancelled mid-upload, failed by the store, or refused by the network', async () => {
  const { engine, fake, stallClock } = setup({ retry: { delays: [] } });
  await engine.add([photo(1000, 'cancelled.jpg'), photo(1000, 'refused.jpg'), photo(1000, 'offline.jpg')]);
  const [cancelled, refused, offline] = [await fake.nextUpload(), await fake.nextUpload(), await fake.nextUpload()];
  for (const upload of [cancelled, refused, offline]) upload.progress(100, 1200);
  expect(stallClock.pendingCount()).toBeGreaterThan(0);
  engine.cancel(engine.items()[0].id);
  refused.respond(403, '<Error><Code>AccessDenied</Code></Error>');
  offline.fail('network');
  await flush();
  expect(engine.items().map((item) => item.status)).toEqual(['cancelled', 'failed', 'failed']);
  expect(stallClock.pendingCount()).toBe(0);
  // Nothing fires later either: the clock moved far past every window changes nothing.
  stallClock.advance(10 * 60_000);
  expect(engine.items().map((item) => item.status)).toEqual(['cancelled', 'failed', 'failed']);
});
