import { TransportError } from '../../miniprogram/shared/core/ports';
import { flush, json, photo, s3Error, type FakeUpload } from '../support/fake-transport';
import { cardView } from '../../miniprogram/shared/ui/upload-view';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { setup } from '../support/engine-harness';

const POLICY_EXPIRED = s3Error('AccessDenied', 'Invalid according to Policy: Policy expired.');

describe('engine: retries and fresh tickets', () => {
  test('transient failures are retried with the policy delays, then fail as retryable', async () => {
    const { engine, fake, sleeps } = setup();
    await engine.add([photo(100, 't.jpg')]);
    (await fake.nextUpload()).fail('network');
    (await fake.nextUpload()).respond(503, s3Error('SlowDown', 'Please reduce your request rate.'));
    (await fake.nextUpload()).respond(429);
    (await fake.nextUpload()).fail('network');
    await flush();

    expect(sleeps).toEqual([1000, 3000, 8000]);
    const [item] = engine.items();
    expect(item).toMatchObject({ status: 'failed', attempts: 4 });
    expect(item.error).toEqual({ reason: 'network', message: '网络连接失败，请检查网络后重试', retryable: true });
    expect(fake.ticketRequests()).toHaveLength(1); // the same ticket served every retry
  });

  test.each([
    ['S3, OSS, OBS', 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.'],
    ['COS', 'RequestTimeOut', 'Request timeout.'],
    ['a body cut short', 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  ])('a store giving up on a slow or cut body (%s: 400 %s) is retried as a timeout, not refused for good', async (_store, code, message) => {
    const { engine, fake, sleeps } = setup();
    await engine.add([photo(1000, 'a.jpg')]);
    (await fake.nextUpload()).respond(400, s3Error(code, message));
    (await fake.nextUpload()).succeed();
    await flush();
    expect(sleeps).toEqual([1000]);
    expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  test('a timeout then success ends done after two attempts', async () => {
    const { engine, fake, sleeps } = setup({ retry: { delays: [250] } });
    await engine.add([photo()]);
    (await fake.nextUpload()).fail('timeout');
    (await fake.nextUpload()).succeed();
    await flush();
    expect(sleeps).toEqual([250]);
    expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  test('an expired policy gets a fresh single-file ticket and the new try uses it', async () => {
    const { engine, fake } = setup();
    await engine.add([photo(10, 'x.jpg'), photo(10, 'y.jpg')]);
    const [x, y] = [await fake.nextUpload(), await fake.nextUpload()];
    y.succeed();
    x.respond(403, POLICY_EXPIRED);
    const again = await fake.nextUpload();
    expect(fake.ticketRequests()).toEqual([['x.jpg', 'y.jpg'], ['x.jpg']]);
    expect(again.request.fields.Policy).toBe('policy-3');
    again.succeed();
    await flush();
    expect(engine.items().map((i) => [i.status, i.key])).toEqual([
      ['done', 'uploads/2026/11/22/3-x.jpg'],
      ['done', 'uploads/2026/11/22/2-y.jpg'],
    ]);
  });

  test('every ticket request for a file names it by the same idempotencyKey, and each file has its own', async () => {
    const { engine, fake } = setup();
    const bodies: { files: { name: string; idempotencyKey?: string }[] }[] = [];
    const tickets = fake.routes['POST /api/tickets'];
    let calls = 0;
    fake.routes['POST /api/tickets'] = (request) => {
      bodies.push(JSON.parse(request.body as string));
      // The fresh ticket's first answer is lost on the way back: asked again (signer-retry.ts).
      if (++calls === 2) throw new TransportError('timeout', 'request:fail timeout');
      return tickets(request);
    };
    await engine.add([photo(10, 'x.jpg'), photo(10, 'y.jpg')]);
    const [x, y] = [await fake.nextUpload(), await fake.nextUpload()];
    y.succeed();
    x.respond(403, POLICY_EXPIRED);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(engine.items().map((i) => i.status)).toEqual(['done', 'done']);
    const keyOf = (name: string) => bodies.flatMap((b) => b.files).filter((f) => f.name === name).map((f) => f.idempotencyKey);
    expect(keyOf('x.jpg')).toHaveLength(3);
    expect(new Set(keyOf('x.jpg')).size).toBe(1);
    expect(keyOf('x.jpg')[0]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(keyOf('y.jpg')[0]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(keyOf('y.jpg')[0]).not.toBe(keyOf('x.jpg')[0]);
  });

  test('the fresh ticket of a file already going, refused once by a busy signer (429) or lost on the way, is asked again, and the file goes', async () => {
    const { engine, fake, sleeps } = setup();
    const tickets = fake.routes['POST /api/tickets'];
    let calls = 0;
    fake.routes['POST /api/tickets'] = (request) => {
      calls += 1;
      if (calls === 2) return { statusCode: 429, body: JSON.stringify({ error: { code: 'RateLimited', message: 'Slow down.' } }), headers: { 'retry-after': '2' } };
      if (calls === 3) throw new TransportError('network', 'request:fail interrupted');
      return tickets(request);
    };
    await engine.add([photo(10, 'x.jpg')]);
    (await fake.nextUpload()).respond(403, POLICY_EXPIRED);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(engine.items()[0]).toMatchObject({ status: 'done' });
    expect(calls).toBe(4);
    expect(sleeps).toEqual([2000, 3000]);
  });

  test.each([
    ['RequestTimeTooSkewed', 403, s3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.')],
    ['ExpiredToken', 400, s3Error('ExpiredToken', 'The provided token has expired.')],
    ['Request has expired (COS/OSS)', 403, s3Error('AccessDenied', 'Request has expired')],
  ])('%s gets fresh tickets, a bounded number of times, then fails as expired', async (_, status, body) => {
    const { engine, fake, sleeps } = setup();
    await engine.add([photo()]);
    for (let i = 0; i < 3; i += 1) (await fake.nextUpload()).respond(status, body);
    await flush();
    expect(fake.ticketRequests()).toHaveLength(3); // the batch's + 2 fresh ones
    expect(sleeps).toEqual([]);
    expect(engine.items()[0].error).toMatchObject({ reason: 'expired', retryable: true, status, code: body.match(/<Code>(\w+)/)?.[1] });
    expect(engine.items()[0].error?.message).toBe('上传凭证已过期，请重试');
  });

  test('a ticket that went stale while queued (by the signer clock) is renewed before its upload starts', async () => {
    const { engine, fake, clock } = setup({ concurrency: 1 });
    await engine.add([photo(10, 'slow.jpg'), photo(10, 'next.jpg')]);
    const slow = await fake.nextUpload();
    clock.advance(11 * 60 * 1000); // longer than the 10-minute ticket
    slow.succeed();
    const next = await fake.nextUpload();
    expect(fake.ticketRequests()).toEqual([['slow.jpg', 'next.jpg'], ['next.jpg']]);
    expect(next.request.fields.Policy).toBe('policy-3');
  });

  test('a signer with a short ticket lifetime does not cause needless renewals', async () => {
    const { engine, fake } = setup();
    fake.ticketTtlMs = 20_000; // shorter than the 30 s margin
    await engine.add([photo()]);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(fake.ticketRequests()).toHaveLength(1);
    expect(engine.items()[0].status).toBe('done');
  });

  test('a phone clock an hour off does not make a fresh ticket look expired (judged by serverTime)', async () => {
    const { engine, fake } = setup();
    fake.serverSkewMs = -60 * 60 * 1000; // the phone is an hour ahead of the signer
    await engine.add([photo()]);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(fake.ticketRequests()).toHaveLength(1);
    expect(engine.items()[0].status).toBe('done');
  });

  test.each([
    ['too large', 400, s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'), 'tooLarge', '文件超过 20 MB 上限，请压缩后再传', false],
    ['bad signature', 403, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match'), 'denied', '存储服务拒绝了这次上传（SignatureDoesNotMatch），请重试；仍失败请联系管理员', true],
    ['wrong type', 403, s3Error('AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]'), 'typeNotAllowed', '这种格式的图片不能上传', false],
    ['size condition', 403, s3Error('AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["content-length-range", 1, 20971520]'), 'tooLarge', '文件超过 20 MB 上限，请压缩后再传', false],
  ])('a policy violation (%s) is not retried and says why', async (_, status, body, reason, message, retryable) => {
    const { engine, fake, sleeps } = setup();
    await engine.add([photo()]);
    (await fake.nextUpload()).respond(status, body);
    await flush();
    expect(engine.items()[0]).toMatchObject({ status: 'failed', attempts: 1, error: { reason, message, retryable, status } });
    expect(sleeps).toEqual([]);
    expect(fake.ticketRequests()).toHaveLength(1);
  });

  test('the platform refusing the domain or the file is reported plainly and not retried', async () => {
    const { engine, fake } = setup();
    await engine.add([photo(), photo()]);
    (await fake.nextUpload()).fail('domain', 'uploadFile:fail url not in domain list');
    (await fake.nextUpload()).fail('file', 'uploadFile:fail file not found');
    await flush();
    expect(engine.items().map((i) => i.error)).toEqual([
      { reason: 'domain', retryable: false, message: '域名 bucket.test 不在小程序的合法域名列表中，请在后台添加后重试' },
      { reason: 'file', retryable: false, message: '无法读取这个文件，请重新选择' },
    ]);
  });

  test('manual retry of a transient failure reuses the ticket; of a denial asks for a fresh one', async () => {
    const { engine, fake } = setup({ retry: { delays: [] } });
    const { accepted } = await engine.add([photo(10, 'net.jpg'), photo(10, 'sig.jpg')]);
    (await fake.nextUpload()).fail('network');
    (await fake.nextUpload()).respond(403, s3Error('SignatureDoesNotMatch', 'no'));
    await flush();
    expect(engine.progress().failed).toBe(2);

    engine.retryAllFailed();
    const [net, sig] = [await fake.nextUpload(), await fake.nextUpload()];
    expect(fake.ticketRequests()).toEqual([['net.jpg', 'sig.jpg'], ['sig.jpg']]); // one request for the retried batch
    expect(net.request.fields.Policy).toBe('policy-1');
    expect(sig.request.fields.Policy).toBe('policy-3');
    net.succeed();
    sig.succeed();
    await flush();
    expect(accepted.map((i) => engine.items().find((x) => x.id === i.id)?.status)).toEqual(['done', 'done']);
    expect(engine.items().map((i) => [i.attempts, i.error])).toEqual([[2, undefined], [2, undefined]]); // attempts count every transfer started
  });

  test('retry all sends again only what may work: a file the store refused as too large stays failed, unsent', async () => {
    const { engine, fake } = setup({ retry: { delays: [] } });
    await engine.add([photo(10, 'net.jpg'), photo(10, 'big.jpg')]);
    (await fake.nextUpload()).fail('network');
    (await fake.nextUpload()).respond(400, s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
    await flush();

    engine.retryAllFailed();
    (await fake.nextUpload()).succeed();
    await flush();
    expect(fake.uploads.map((u) => u.request.fileName)).toEqual(['net.jpg', 'big.jpg', 'net.jpg']);
    expect(engine.items().map((i) => [i.file.name, i.status, i.error?.reason])).toEqual([
      ['net.jpg', 'done', undefined],
      ['big.jpg', 'failed', 'tooLarge'],
    ]);
  });

  test('manual retry of a file whose ticket is near expiry gets a fresh ticket', async () => {
    const { engine, fake, clock } = setup({ retry: { delays: [] } });
    const { accepted } = await engine.add([photo(10, 'late.jpg')]);
    (await fake.nextUpload()).fail('timeout');
    await flush();
    clock.advance(9 * 60 * 1000 + 45 * 1000); // 15 s left: under the 30 s margin
    engine.retry(accepted[0].id);
    const again = await fake.nextUpload();
    expect(fake.ticketRequests()).toEqual([['late.jpg'], ['late.jpg']]);
    expect(again.request.fields.Policy).toBe('policy-2');
  });

  test('a store 5xx after the signer answered keeps its status and code in the message', async () => {
    const { engine, fake } = setup({ retry: { delays: [] }, lang: 'en' });
    fake.routes['GET /healthz'] = () => json(200, fake.health());
    await engine.add([photo()]);
    (await fake.nextUpload()).respond(500, s3Error('InternalError', 'We encountered an internal error.'));
    await flush();
    expect(engine.items()[0].error).toEqual({
      reason: 'server',
      status: 500,
      code: 'InternalError',
      retryable: true,
      message: 'The server had a temporary problem (HTTP 500, InternalError). Try again in a moment.',
    });
  });

  describe('with the app in the background (the platforms cut requests a few seconds after a hide)', () => {
    test('a photo cut while hidden waits, using no retry, and goes again with the same ticket when the app shows', async () => {
      const { engine, fake, sleeps } = setup();
      await engine.add([photo(1000, 'a.jpg')]);
      const first = await fake.nextUpload();
      first.progress(300, 1000);
      engine.setAppVisible(false); // the person switched to a chat
      first.fail('network', 'uploadFile:fail interrupted');
      await flush();
      expect(engine.items()[0]).toMatchObject({ status: 'paused', pausedBy: 'background' });
      expect(engine.items()[0].error).toBeUndefined();
      expect(sleeps).toEqual([]);
      expect(fake.uploads).toHaveLength(1); // nothing is tried while hidden

      engine.setAppVisible(true);
      (await fake.nextUpload()).succeed();
      await flush();
      expect(engine.items()[0]).toMatchObject({ status: 'done' });
      expect(fake.ticketRequests()).toHaveLength(1);
    });

    test('a cut noticed only once the app is back goes again at once, not counted as a retry', async () => {
      const { engine, fake, sleeps } = setup();
      await engine.add([photo(1000, 'a.jpg')]);
      const first = await fake.nextUpload();
      engine.setAppVisible(false);
      engine.setAppVisible(true);
      first.fail('timeout');
      (await fake.nextUpload()).succeed();
      await flush();
      expect(sleeps).toEqual([]);
      expect(engine.items()[0]).toMatchObject({ status: 'done', attempts: 2 });
    });

    test('a fresh ticket cut while hidden waits for the app to show too, then the photo goes', async () => {
      const { engine, fake } = setup();
      const tickets = fake.routes['POST /api/tickets'];
      let calls = 0;
      fake.routes['POST /api/tickets'] = (request) => {
        calls += 1;
        if (calls === 2) throw new TransportError('network', 'request:fail interrupted');
        return tickets(request);
      };
      await engine.add([photo(1000, 'a.jpg')]);
      const first = await fake.nextUpload();
      engine.setAppVisible(false);
      first.respond(403, POLICY_EXPIRED); // the ticket expired: a fresh one is asked for, and that request is cut
      await flush();
      expect(engine.items()[0]).toMatchObject({ status: 'paused', pausedBy: 'background' });
      engine.setAppVisible(true);
      (await fake.nextUpload()).succeed();
      await flush();
      expect(engine.items()[0]).toMatchObject({ status: 'done' });
      expect(calls).toBe(3);
    });

    test('a store refusal while hidden still fails as it says (only cuts wait)', async () => {
      const { engine, fake } = setup();
      await engine.add([photo(1000, 'a.jpg')]);
      const first = await fake.nextUpload();
      engine.setAppVisible(false);
      first.respond(403, s3Error('AccessDenied', 'Access Denied'));
      await flush();
      expect(engine.items()[0]).toMatchObject({ status: 'failed', error: { reason: 'denied' } });
    });
  });
});

describe('engine: a failed try waiting for the next one says why, and when', () => {
  /** A sleep the test ends by hand, so the engine can be looked at while it waits. */
  function heldSleeps() {
    const waits: Array<{ ms: number; end: () => void }> = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => void waits.push({ ms, end: resolve }));
    return { waits, sleep };
  }
  const zh = uiMessages('zh');
  const en = uiMessages('en');

  test('a dropped connection: the item keeps its last percent and says it retries in 1 s; the note goes when the next try starts', async () => {
    const { waits, sleep } = heldSleeps();
    const { engine, fake, clock } = setup({ sleep });
    await engine.add([photo(1000, 'a.jpg')]);
    const first = await fake.nextUpload();
    first.progress(400, 1000);
    first.fail('network');
    await flush();
    const [waiting] = engine.items();
    expect(waiting).toMatchObject({ status: 'uploading', percent: 40, retrying: { reason: 'network', at: clock.now() + 1000 } });
    expect(waits.map((w) => w.ms)).toEqual([1000]);
    // The tile, at the pinned clock: the reason and the seconds left, counted down as time passes.
    const card = cardView(waiting, zh, clock.now());
    expect([card.statusText, card.noteText, card.overlayText, card.overlayHint]).toEqual(['网络中断，1 秒后重试', '网络中断', '40%', '1 秒后重试']);
    expect(card.label).toBe('a.jpg，网络中断，1 秒后重试');
    expect(cardView(waiting, en, clock.now()).statusText).toBe('Connection lost — retrying in 1 s');

    waits[0].end();
    await fake.nextUpload();
    const [again] = engine.items();
    expect(again).toMatchObject({ status: 'uploading', attempts: 2 });
    expect(again.retrying).toBeUndefined();
    expect(cardView(again, zh, clock.now()).noteText).toBe(cardView(again, zh, clock.now()).sizeText);
  });

  test.each([
    ['a timeout', (u: FakeUpload) => u.fail('timeout'), 'timeout', '上传超时，3 秒后重试', 'Timed out — retrying in 3 s'],
    ['a 5xx', (u: FakeUpload) => u.respond(503, s3Error('ServiceUnavailable', 'Please try again.')), 'server', '服务器暂时出错，3 秒后重试', 'Server error — retrying in 3 s'],
    ['a 429', (u: FakeUpload) => u.respond(429), 'busy', '服务器繁忙，3 秒后重试', 'Server busy — retrying in 3 s'],
  ] as const)('%s waits with its own reason', async (_what, failTry, reason, zhNote, enNote) => {
    const { waits, sleep } = heldSleeps();
    const { engine, fake, clock } = setup({ sleep, retry: { delays: [3000] } });
    await engine.add([photo(1000, 'a.jpg')]);
    failTry(await fake.nextUpload());
    await flush();
    const [item] = engine.items();
    expect(item.retrying).toEqual({ reason, at: clock.now() + 3000 });
    expect(cardView(item, zh, clock.now()).statusText).toBe(zhNote);
    expect(cardView(item, en, clock.now()).statusText).toBe(enNote);
    // The caption holds the reason alone: a tile is too narrow for the countdown, which is on the picture.
    expect(cardView(item, zh, clock.now()).noteText).toBe(zhNote.split('，')[0]);
    expect(cardView(item, en, clock.now()).noteText).toBe(enNote.split(' — ')[0]);
    expect(cardView(item, zh, clock.now() + 1000).statusText).toBe(zhNote.replace('3 秒', '2 秒'));
    // A moment before the try, it still says 1 s: seconds are rounded up.
    expect(cardView(item, zh, clock.now() + 2999).statusText).toBe(zhNote.replace('3 秒', '1 秒'));
    expect(waits).toHaveLength(1);
  });

  test("a store's Retry-After longer than the policy's pause is the countdown's end", async () => {
    const { sleep } = heldSleeps();
    const { engine, fake, clock } = setup({ sleep });
    await engine.add([photo(1000, 'a.jpg')]);
    (await fake.nextUpload()).respond(503, '', { 'retry-after': '5' });
    await flush();
    const [item] = engine.items();
    expect(item.retrying).toEqual({ reason: 'server', at: clock.now() + 5000 });
    expect(cardView(item, zh, clock.now()).statusText).toBe('服务器暂时出错，5 秒后重试');
  });

  test('cancelled while it waits: no countdown is left behind', async () => {
    const { sleep } = heldSleeps();
    const { engine, fake } = setup({ sleep });
    await engine.add([photo(1000, 'a.jpg')]);
    (await fake.nextUpload()).fail('network');
    await flush();
    const [item] = engine.items();
    expect(item.retrying).toBeDefined();
    engine.cancel(item.id);
    expect(engine.items()[0]).toMatchObject({ status: 'cancelled' });
    expect(engine.items()[0].retrying).toBeUndefined();
  });
});
