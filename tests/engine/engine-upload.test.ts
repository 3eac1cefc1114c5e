import { MAX_CONCURRENCY } from '../../miniprogram/shared/core/engine';
import { BUCKET, flush, MiB, photo, SIGNER } from '../support/fake-transport';
import { setup } from '../support/engine-harness';

describe('engine: a batch from pick to links', () => {
  test('one health check, one ticket request for the batch, then every file done with its key and link', async () => {
    const { engine, fake, settled } = setup({ authToken: 'secret-token' });
    const files = [photo(1000, 'a.jpg'), photo(2000, 'b.png', 'image/png'), photo(3000, 'c.jpg')];

    const { accepted, rejected } = await engine.add(files);
    expect(rejected).toEqual([]);
    expect(accepted.map((i) => i.status)).toEqual(['waiting', 'waiting', 'waiting']);

    const uploads = [await fake.nextUpload(), await fake.nextUpload(), await fake.nextUpload()];
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${SIGNER}/healthz`, `POST ${SIGNER}/api/tickets`]);
    const ticketCall = fake.requests[1];
    expect(ticketCall.headers?.Authorization).toBe('Bearer secret-token');
    expect(JSON.parse(ticketCall.body ?? '')).toEqual({
      files: [
        { name: 'a.jpg', size: 1000, type: 'image/jpeg', idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
        { name: 'b.png', size: 2000, type: 'image/png', idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
        { name: 'c.jpg', size: 3000, type: 'image/jpeg', idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
      ],
    });

    const first = uploads[0].request;
    expect(first).toMatchObject({ method: 'POST', url: BUCKET, filePath: 'wxfile://tmp/a.jpg', fileName: 'a.jpg', fileField: 'file' });
    expect(first.fields).toEqual({ key: 'uploads/2026/11/22/1-a.jpg', Policy: 'policy-1', 'X-Amz-Signature': 'sig-1' });

    uploads.forEach((u) => u.succeed());
    await flush();

    expect(engine.items().map((i) => [i.status, i.key, i.objectUrl, i.percent])).toEqual([
      ['done', 'uploads/2026/11/22/1-a.jpg', `${BUCKET}/uploads/2026/11/22/1-a.jpg`, 100],
      ['done', 'uploads/2026/11/22/2-b.png', `${BUCKET}/uploads/2026/11/22/2-b.png`, 100],
      ['done', 'uploads/2026/11/22/3-c.jpg', `${BUCKET}/uploads/2026/11/22/3-c.jpg`, 100],
    ]);
    expect(settled.map((i) => i.status)).toEqual(['done', 'done', 'done']);
    expect(engine.progress()).toMatchObject({ total: 3, done: 3, bytesSent: 6000, totalBytes: 6000, percent: 100 });
  });

  test('limits are fetched once and reused by later batches', async () => {
    const { engine, fake } = setup();
    await engine.add([photo()]);
    await engine.add([photo()]);
    await flush();
    expect(fake.requests.filter((r) => r.url.endsWith('/healthz'))).toHaveLength(1);
    expect(fake.ticketRequests()).toHaveLength(2);
  });

  test('files that break the limits are refused with the real limit in the message and never sent', async () => {
    const { engine, fake } = setup();
    fake.limits = { maxBytes: 20 * MiB, maxFiles: 2, allowedTypes: ['image/*'] };
    const big = photo(25 * MiB, 'big.jpg');
    const video = { ...photo(5000, 'clip.mp4', 'video/mp4'), kind: 'video' as const };
    const empty = photo(0, 'empty.jpg');
    const ok = [photo(10, 'ok1.jpg'), photo(10, 'ok2.jpg'), photo(10, 'third.jpg')];

    const { accepted, rejected } = await engine.add([big, ok[0], video, empty, ok[1], ok[2]]);

    expect(accepted.map((i) => i.file.name)).toEqual(['ok1.jpg', 'ok2.jpg']);
    expect(rejected.map((r) => [r.file.name, r.reason, r.message])).toEqual([
      ['big.jpg', 'tooLarge', '文件超过 20 MB 上限（此文件 25 MB）'],
      ['clip.mp4', 'typeNotAllowed', '视频不能上传，只能上传照片'],
      ['empty.jpg', 'empty', '文件是空的（0 字节），无法上传'],
      ['third.jpg', 'tooMany', '一次最多上传 2 个文件，请分批添加'],
    ]);
    await flush();
    expect(fake.ticketRequests()).toEqual([['ok1.jpg', 'ok2.jpg']]);
  });

  test('English messages when lang is en; a type is guessed from the name when the platform gave none', async () => {
    const { engine, fake } = setup({ lang: 'en' });
    const { rejected, accepted } = await engine.add([photo(21 * MiB, 'x.jpg'), photo(5, 'chat.png', '')]);
    expect(rejected[0].message).toBe('The file is larger than the 20 MB limit (this one is 21 MB).');
    expect(accepted.map((i) => i.file.name)).toEqual(['chat.png']);
    await flush();
    expect(JSON.parse(fake.requests[1].body ?? '').files).toEqual([{ name: 'chat.png', size: 5, type: 'image/png', idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) }]);
  });

  test('a big batch asks for tickets in requests of at most 20 files', async () => {
    const { engine, fake } = setup();
    fake.limits = { ...fake.limits, maxFiles: 45 };
    await engine.add(Array.from({ length: 45 }, () => photo()));
    await flush();
    expect(fake.ticketRequests().map((names) => names.length)).toEqual([20, 20, 5]);
  });

  test('never more uploads in flight than the concurrency, and the queue drains in order', async () => {
    const { engine, fake } = setup({ concurrency: 2 });
    await engine.add(Array.from({ length: 7 }, (_, i) => photo(100, `p${i}.jpg`)));
    const order: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const upload = await fake.nextUpload();
      order.push(upload.request.fileName);
      await flush();
      expect(fake.inFlight).toBeLessThanOrEqual(2);
      upload.succeed();
    }
    await flush();
    expect(fake.maxInFlight).toBe(2);
    expect(order).toEqual(['p0.jpg', 'p1.jpg', 'p2.jpg', 'p3.jpg', 'p4.jpg', 'p5.jpg', 'p6.jpg']);
    expect(engine.progress().done).toBe(7);
  });

  test('a concurrency above what WeChat allows is clamped', async () => {
    const { engine, fake } = setup({ concurrency: 50 });
    await engine.add(Array.from({ length: 12 }, () => photo()));
    await flush();
    expect(fake.inFlight).toBe(MAX_CONCURRENCY);
    expect(MAX_CONCURRENCY).toBeLessThan(10);
  });

  test('progress is normalised to the file size, and change fires only when the integer percent moves', async () => {
    const { engine, fake, log } = setup();
    const [{ id }] = (await engine.add([photo(1000, 'p.jpg')])).accepted;
    const upload = await fake.nextUpload();
    log.length = 0;
    // The platform counts the multipart body (1300 bytes), not the file (1000).
    upload.progress(650, 1300);
    upload.progress(651, 1300);
    upload.progress(655, 1300);
    expect(engine.items()[0]).toMatchObject({ bytesSent: 504, totalBytes: 1000, percent: 50 }); // 655 / 1300 of 1000 bytes
    upload.progress(1300, 1300);
    expect(engine.items()[0].percent).toBe(99); // sent, not yet stored
    upload.succeed();
    await flush();
    expect(log).toEqual(['change p.jpg uploading 50', 'change p.jpg uploading 99', 'change p.jpg done 100', 'settled p.jpg done']);
    expect(engine.items()[0].id).toBe(id);
  });

  test('events come in order: waiting, uploading, percent, done, settled', async () => {
    const { engine, fake, log } = setup();
    await engine.add([photo(100, 'e.jpg')]);
    const upload = await fake.nextUpload();
    upload.progress(30, 100);
    upload.succeed();
    await flush();
    expect(log).toEqual([
      'change e.jpg waiting 0',
      'change e.jpg uploading 0',
      'change e.jpg uploading 30',
      'change e.jpg done 100',
      'settled e.jpg done',
    ]);
  });

  test('a PUT ticket is sent as a PUT with its headers and no form fields; any 2xx is success', async () => {
    const { engine, fake } = setup();
    fake.routes['POST /api/tickets'] = () => ({
      statusCode: 200,
      headers: {},
      body: JSON.stringify({
        serverTime: new Date(Date.parse('2026-11-22T10:00:00Z')).toISOString(),
        tickets: [fake.ticket('r.jpg', { method: 'PUT', url: `${BUCKET}/k.jpg?X-Amz-Signature=abc`, fields: {}, headers: { 'Content-Type': 'image/jpeg' }, successStatus: 201 })],
      }),
    });
    await engine.add([photo(10, 'r.jpg')]);
    const upload = await fake.nextUpload();
    expect(upload.request).toMatchObject({ method: 'PUT', url: `${BUCKET}/k.jpg?X-Amz-Signature=abc`, headers: { 'Content-Type': 'image/jpeg' }, fields: {} });
    upload.respond(200);
    await flush();
    expect(engine.items()[0].status).toBe('done');
  });

  test('progress() counts statuses and weighs percent by bytes, leaving cancelled files out', async () => {
    const { engine, fake } = setup({ concurrency: 3 });
    const { accepted } = await engine.add([photo(1000, 'small.jpg'), photo(3000, 'large.jpg'), photo(500, 'gone.jpg')]);
    const [small, large] = [await fake.nextUpload(), await fake.nextUpload()];
    await fake.nextUpload();
    engine.cancel(accepted[2].id);
    small.succeed();
    large.progress(1500, 3000);
    await flush();
    expect(engine.progress()).toEqual({
      total: 3,
      waiting: 0,
      uploading: 1,
      paused: 0,
      done: 1,
      failed: 0,
      cancelled: 1,
      bytesSent: 2500,
      totalBytes: 4000,
      percent: 62,
    });
  });
});
