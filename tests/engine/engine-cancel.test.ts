import { flush, json, photo } from '../support/fake-transport';
import { setup } from '../support/engine-harness';
import type { HttpResponse } from '../../miniprogram/shared/core/ports';

describe('engine: cancel, remove, and nothing ends silent', () => {
  test('cancel during upload aborts the task, settles cancelled once, and frees the slot', async () => {
    const { engine, fake, log } = setup({ concurrency: 1 });
    const { accepted } = await engine.add([photo(100, 'a.jpg'), photo(100, 'b.jpg')]);
    const a = await fake.nextUpload();
    a.progress(50, 100);
    engine.cancel(accepted[0].id);
    expect(a.aborted).toBe(true);
    expect(engine.items()[0]).toMatchObject({ status: 'cancelled', percent: 0 });

    const b = await fake.nextUpload(); // the freed slot goes to the next file
    b.succeed();
    await flush();
    expect(log.filter((l) => l.startsWith('settled'))).toEqual(['settled a.jpg cancelled', 'settled b.jpg done']);
  });

  test('a cancelled upload never reports done, even if the transport answers 2xx afterwards', async () => {
    const { engine, fake, settled } = setup();
    fake.rejectOnAbort = false;
    const { accepted } = await engine.add([photo(100, 'late.jpg')]);
    const upload = await fake.nextUpload();
    engine.cancel(accepted[0].id);
    upload.respond(204);
    upload.progress(100, 100);
    await flush();
    expect(engine.items()[0].status).toBe('cancelled');
    expect(settled.map((i) => i.status)).toEqual(['cancelled']);
  });

  test('a file cancelled before its turn never starts', async () => {
    const { engine, fake } = setup({ concurrency: 1 });
    const { accepted } = await engine.add([photo(10, 'first.jpg'), photo(10, 'second.jpg'), photo(10, 'third.jpg')]);
    const first = await fake.nextUpload();
    engine.cancel(accepted[1].id);
    first.succeed();
    (await fake.nextUpload()).succeed();
    await flush();
    expect(fake.uploads.map((u) => u.request.fileName)).toEqual(['first.jpg', 'third.jpg']);
    expect(engine.items().map((i) => i.status)).toEqual(['done', 'cancelled', 'done']);
  });

  test('files cancelled while their tickets are on the way are not uploaded when the tickets arrive', async () => {
    const { engine, fake } = setup();
    let answer!: (response: HttpResponse) => void;
    const tickets = fake.routes['POST /api/tickets'];
    fake.routes['POST /api/tickets'] = (request) =>
      new Promise<HttpResponse>((resolve) => {
        answer = resolve;
      }).then(() => tickets(request));
    await engine.add([photo(), photo()]);
    await flush();
    engine.cancelAll();
    answer(json(200, {}));
    await flush();
    expect(fake.uploads).toHaveLength(0);
    expect(engine.progress()).toMatchObject({ total: 2, cancelled: 2, percent: 0 });
  });

  test('cancel during a retry pause ends the file at once, without waiting out the delay', async () => {
    const { engine, fake } = setup({ concurrency: 1, sleep: () => new Promise<void>(() => undefined) });
    const { accepted } = await engine.add([photo(10, 'waits.jpg'), photo(10, 'after.jpg')]);
    (await fake.nextUpload()).fail('network');
    await flush();
    expect(engine.items()[0].status).toBe('uploading'); // pausing before the retry
    engine.cancel(accepted[0].id);
    const after = await fake.nextUpload();
    expect(after.request.fileName).toBe('after.jpg');
    expect(engine.items()[0].status).toBe('cancelled');
  });

  test('all files failing: each ends failed with its reason, none silent', async () => {
    const { engine, fake, settled } = setup({ retry: { delays: [] } });
    await engine.add([photo(), photo(), photo()]);
    for (let i = 0; i < 3; i += 1) (await fake.nextUpload()).respond(403, '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    await flush();
    expect(settled.map((i) => [i.status, i.error?.reason])).toEqual([
      ['failed', 'denied'],
      ['failed', 'denied'],
      ['failed', 'denied'],
    ]);
    expect(engine.progress()).toMatchObject({ failed: 3, percent: 0 });
  });

  test('a transport that throws instead of rejecting still ends the file failed, and the queue goes on', async () => {
    const { engine, fake } = setup({ concurrency: 1 });
    const upload = fake.upload.bind(fake);
    let calls = 0;
    fake.upload = (request) => {
      calls += 1;
      if (calls === 1) throw new Error('adapter bug');
      return upload(request);
    };
    await engine.add([photo(10, 'boom.jpg'), photo(10, 'fine.jpg')]);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(engine.items().map((i) => [i.status, i.error?.reason])).toEqual([
      ['failed', 'unknown'],
      ['done', undefined],
    ]);
  });

  test('retry of a cancelled file re-uses its ticket and uploads it', async () => {
    const { engine, fake } = setup();
    const { accepted } = await engine.add([photo(10, 'again.jpg')]);
    await fake.nextUpload();
    engine.cancel(accepted[0].id);
    engine.retry(accepted[0].id);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(engine.items()[0].status).toBe('done');
    expect(fake.ticketRequests()).toHaveLength(1);
  });

  test('remove cancels a running upload and forgets the item; done items can be removed too', async () => {
    const { engine, fake } = setup();
    const { accepted } = await engine.add([photo(10, 'keep.jpg'), photo(10, 'drop.jpg')]);
    const keep = await fake.nextUpload();
    const drop = await fake.nextUpload();
    engine.remove(accepted[1].id);
    expect(drop.aborted).toBe(true);
    keep.succeed();
    await flush();
    expect(engine.items().map((i) => i.file.name)).toEqual(['keep.jpg']);
    engine.remove(accepted[0].id);
    expect(engine.items()).toEqual([]);
    expect(engine.progress()).toMatchObject({ total: 0, percent: 0 });
  });

  test('cancel and retry of unknown or finished items do nothing', async () => {
    const { engine, fake } = setup();
    const { accepted } = await engine.add([photo()]);
    (await fake.nextUpload()).succeed();
    await flush();
    engine.cancel(accepted[0].id);
    engine.retry(accepted[0].id);
    engine.cancel('nope');
    engine.retry('nope');
    engine.remove('nope');
    await flush();
    expect(engine.items()[0].status).toBe('done');
    expect(fake.uploads).toHaveLength(1);
  });

  test('the items a page gets are copies: changing one does not change the engine', async () => {
    const { engine } = setup();
    const { accepted } = await engine.add([photo()]);
    (accepted[0] as { status: string }).status = 'done';
    expect(engine.items()[0].status).not.toBe('done');
  });
});
