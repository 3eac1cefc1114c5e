// Private buckets (/healthz privateBucket: true): a finished upload's plain objectUrl
// would answer 403, so the engine asks POST /api/object-urls for signed links, one
// request per batch once its last file has ended. A failure leaves the uploads done
// with a plain, retryable link message. Public buckets never make that request.
import { TransportError, type HttpRequest } from '../../miniprogram/shared/core/ports';
import { MAX_KEYS_PER_LINKS_REQUEST } from '../../miniprogram/shared/contract/index';
import { BUCKET, flush, json, photo, SIGNER } from '../support/fake-transport';
import { setup } from '../support/engine-harness';

const LINK_TTL_MS = 3600_000;

function privateSetup() {
  const harness = setup();
  const { fake, clock } = harness;
  const health = fake.health();
  fake.routes['GET /healthz'] = () => json(200, { ...health, privateBucket: true });
  let signed = 0;
  fake.routes['POST /api/object-urls'] = (request) => {
    const { keys } = JSON.parse(request.body ?? '{}') as { keys: string[] };
    const serverTime = new Date(clock.now() + fake.serverSkewMs);
    return json(200, {
      serverTime: serverTime.toISOString(),
      urls: keys.map((key) => {
        signed += 1;
        return { key, url: `${BUCKET}/${key}?X-Amz-Signature=sig${signed}`, expiresAt: new Date(serverTime.getTime() + LINK_TTL_MS).toISOString() };
      }),
    });
  };
  const linkRequests = () => fake.requests.filter((r) => r.url === `${SIGNER}/api/object-urls`).map((r: HttpRequest) => JSON.parse(r.body ?? '{}').keys as string[]);
  return { ...harness, linkRequests };
}

test('public bucket: links are the tickets\' objectUrl and /api/object-urls is never called', async () => {
  const { engine, fake } = setup();
  await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg')]);
  (await fake.nextUpload()).succeed();
  (await fake.nextUpload()).succeed();
  await flush();
  expect(engine.items().map((i) => i.objectUrl)).toEqual([`${BUCKET}/uploads/2026/11/22/1-a.jpg`, `${BUCKET}/uploads/2026/11/22/2-b.jpg`]);
  expect(engine.items().every((i) => i.link === undefined)).toBe(true);
  expect(fake.requests.map((r) => r.url)).not.toContain(`${SIGNER}/api/object-urls`);
});

test('private bucket: one /api/object-urls request for the batch once its last file ended', async () => {
  const { engine, fake, linkRequests, clock } = privateSetup();
  await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg'), photo(10, 'c.jpg')]);
  const uploads = [await fake.nextUpload(), await fake.nextUpload(), await fake.nextUpload()];
  uploads[0].succeed();
  uploads[1].succeed();
  await flush();
  // Done, but no link yet: the plain objectUrl of a private bucket would be a 403.
  expect(engine.items()[0]).toMatchObject({ status: 'done', key: 'uploads/2026/11/22/1-a.jpg', link: { state: 'signing' } });
  expect(engine.items()[0].objectUrl).toBeUndefined();
  expect(linkRequests()).toEqual([]);

  uploads[2].respond(403, '<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>');
  await flush();
  expect(linkRequests()).toEqual([['uploads/2026/11/22/1-a.jpg', 'uploads/2026/11/22/2-b.jpg']]);
  expect(engine.items().map((i) => [i.status, i.objectUrl, i.link?.state])).toEqual([
    ['done', `${BUCKET}/uploads/2026/11/22/1-a.jpg?X-Amz-Signature=sig1`, 'ready'],
    ['done', `${BUCKET}/uploads/2026/11/22/2-b.jpg?X-Amz-Signature=sig2`, 'ready'],
    ['failed', undefined, undefined],
  ]);
  expect(engine.items()[0].link?.expiresAt).toBe(clock.now() + LINK_TTL_MS);
});

test('a link failure leaves the upload done with a plain, retryable message; retry signs again', async () => {
  const { engine, fake, linkRequests } = privateSetup();
  const sign = fake.routes['POST /api/object-urls'];
  fake.routes['POST /api/object-urls'] = () => json(503, { error: { code: 'InternalError', message: 'busy' } });
  const changes: string[] = [];
  engine.on('change', (item) => changes.push(`${item.file.name} ${item.status} ${item.link?.state ?? '-'}`));
  await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg')]);
  (await fake.nextUpload()).succeed();
  (await fake.nextUpload()).succeed();
  await flush();

  const [a, b] = engine.items();
  expect(a.status).toBe('done');
  expect(a.link?.state).toBe('failed');
  expect(a.link?.error).toMatchObject({ reason: 'server', status: 503, retryable: true });
  expect(a.link?.error?.message).toBe('文件已上传，但没能取得访问链接（HTTP 503, InternalError）。请点“重试”再取链接');
  expect(a.objectUrl).toBeUndefined();
  expect(changes).toContain('a.jpg done failed');

  fake.routes['POST /api/object-urls'] = sign;
  engine.retry(b.id);
  await flush();
  expect(linkRequests()).toEqual([[a.key, b.key], [b.key]]);
  expect(engine.items()[1]).toMatchObject({ status: 'done', link: { state: 'ready' } });
  expect(engine.items()[1].objectUrl).toContain('X-Amz-Signature=');
  // Retrying links never uploads again.
  expect(fake.uploads).toHaveLength(2);

  engine.retryAllFailed();
  await flush();
  expect(linkRequests()).toEqual([[a.key, b.key], [b.key], [a.key]]);
  expect(engine.items().map((i) => i.link?.state)).toEqual(['ready', 'ready']);
});

test('an unreachable signer says so in the link message (English)', async () => {
  const { engine, fake } = setup({ lang: 'en' });
  const health = fake.health();
  fake.routes['GET /healthz'] = () => json(200, { ...health, privateBucket: true });
  fake.routes['POST /api/object-urls'] = () => {
    throw new TransportError('network', 'request:fail');
  };
  await engine.add([photo(10, 'a.jpg')]);
  (await fake.nextUpload()).succeed();
  await flush();
  expect(engine.items()[0].link?.error?.message).toBe(
    'Uploaded, but its link could not be fetched (cannot reach the upload service). Tap Retry to fetch the link again.',
  );
});

test('objectLinks: cached until shortly before expiry, then signed again from the key', async () => {
  const { engine, fake, linkRequests, clock } = privateSetup();
  await engine.add([photo(10, 'a.jpg')]);
  (await fake.nextUpload()).succeed();
  await flush();
  const key = engine.items()[0].key!;
  expect(linkRequests()).toHaveLength(1);

  expect((await engine.objectLinks([key])).get(key)).toBe(engine.items()[0].objectUrl);
  // Five minutes before expiry, written out: a margin taken from the code would pass with none at all.
  clock.advance(LINK_TTL_MS - 5 * 60_000 - 1);
  await engine.objectLinks([key]);
  expect(linkRequests()).toHaveLength(1);

  clock.advance(2);
  const fresh = (await engine.objectLinks([key])).get(key);
  expect(linkRequests()).toEqual([[key], [key]]);
  expect(fresh).toMatch(/sig2$/);
});

test('objectLinks: a phone clock that is off does not make links look fresh or stale', async () => {
  const { engine, fake, linkRequests, clock } = privateSetup();
  fake.serverSkewMs = -2 * 3600_000; // the phone is two hours ahead of the signer
  await engine.objectLinks(['uploads/2026/11/22/x.jpg']);
  clock.advance(60_000);
  await engine.objectLinks(['uploads/2026/11/22/x.jpg']);
  expect(linkRequests()).toHaveLength(1);
});

test('objectLinks: many keys go in requests of at most the signer\'s limit', async () => {
  const { engine, linkRequests } = privateSetup();
  const keys = Array.from({ length: MAX_KEYS_PER_LINKS_REQUEST + 50 }, (_, i) => `uploads/2026/11/22/${i}.jpg`);
  const links = await engine.objectLinks(keys);
  expect(links.size).toBe(keys.length);
  expect(linkRequests().map((k) => k.length)).toEqual([MAX_KEYS_PER_LINKS_REQUEST, 50]);
});

test('a malformed /api/object-urls answer is a failed link, not a wrong one', async () => {
  const { engine, fake } = privateSetup();
  fake.routes['POST /api/object-urls'] = () => json(200, { serverTime: new Date().toISOString(), urls: [{ key: 'other', url: 'http://x/y', expiresAt: new Date().toISOString() }] });
  await engine.add([photo(10, 'a.jpg')]);
  (await fake.nextUpload()).succeed();
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'done', link: { state: 'failed', error: { reason: 'badResponse' } } });
  expect(engine.items()[0].objectUrl).toBeUndefined();
});

describe('a key the signer refuses as another sign-in\'s (403 Forbidden naming its index)', () => {
  /** The signer's answer for a batch holding keys outside the caller's folder: all of them named (the first as `index`). */
  function refusingForeign(harness: ReturnType<typeof privateSetup>) {
    const sign = harness.fake.routes['POST /api/object-urls'];
    harness.fake.routes['POST /api/object-urls'] = (request) => {
      const { keys } = JSON.parse(request.body ?? '{}') as { keys: string[] };
      const indexes = keys.flatMap((key, i) => (key.startsWith('uploads/anonymous/') ? [i] : []));
      if (indexes.length === 0) return sign(request);
      const error = { code: 'Forbidden', message: 'Keys are not one of your uploads.', index: indexes[0], ...(indexes.length > 1 ? { indexes } : {}) };
      return json(403, { error });
    };
  }

  test('the others are still signed, in one more request; the refused ones are left out', async () => {
    const harness = privateSetup();
    refusingForeign(harness);
    const own = ['uploads/u1/2026/11/22/a.jpg', 'uploads/u1/2026/11/22/b.jpg'];
    const foreign = ['uploads/anonymous/2026/11/22/c.jpg', 'uploads/anonymous/2026/11/22/d.jpg'];
    const links = await harness.engine.objectLinks([own[0], foreign[0], own[1], foreign[1]]);
    expect([...links.keys()]).toEqual(own);
    expect(harness.linkRequests()).toEqual([[own[0], foreign[0], own[1], foreign[1]], own]);
    // The own links are cached; the refused keys are asked again (the caller may have changed since), once.
    expect([...(await harness.engine.objectLinks([...own, ...foreign])).keys()]).toEqual(own);
    expect(harness.linkRequests()).toEqual([[own[0], foreign[0], own[1], foreign[1]], own, foreign]);
  });

  test('a signer naming one refused key at a time (index alone) is followed key by key', async () => {
    const harness = privateSetup();
    const sign = harness.fake.routes['POST /api/object-urls'];
    harness.fake.routes['POST /api/object-urls'] = (request) => {
      const { keys } = JSON.parse(request.body ?? '{}') as { keys: string[] };
      const index = keys.findIndex((key) => key.startsWith('uploads/anonymous/'));
      return index < 0 ? sign(request) : json(403, { error: { code: 'Forbidden', message: 'Not yours.', index } });
    };
    const links = await harness.engine.objectLinks(['uploads/anonymous/x.jpg', 'uploads/u1/a.jpg', 'uploads/anonymous/y.jpg']);
    expect([...links.keys()]).toEqual(['uploads/u1/a.jpg']);
    expect(harness.linkRequests()).toHaveLength(3);
  });

  test('a batch whose link is refused so ends with a link failure that says why, not to retry', async () => {
    const harness = privateSetup();
    refusingForeign(harness);
    const tickets = harness.fake.routes['POST /api/tickets'];
    harness.fake.routes['POST /api/tickets'] = async (request) => {
      const answer = await tickets(request);
      const body = JSON.parse(answer.body);
      for (const ticket of body.tickets) ticket.key = ticket.key.replace('uploads/', 'uploads/anonymous/');
      return { ...answer, body: JSON.stringify(body) };
    };
    await harness.engine.add([photo(10, 'a.jpg')]);
    (await harness.fake.nextUpload()).succeed();
    await flush();
    expect(harness.engine.items()[0]).toMatchObject({
      status: 'done',
      link: { state: 'failed', error: { reason: 'denied', retryable: false, message: '文件已上传，但不是用当前登录的账号传的，取不到访问链接' } },
    });
    // 全部重试 leaves it: asking again cannot change the signer's answer.
    const asked = harness.linkRequests().length;
    harness.engine.retryAllFailed();
    await flush();
    expect(harness.linkRequests()).toHaveLength(asked);
  });
});
