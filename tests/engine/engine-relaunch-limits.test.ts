// A photo left unsent by one launch (上次没有传完, sent in one request then) is planned again on
// 继续上传 against the limits the signer gives the launch that continues it: the single-request
// limit or the type allow-list may have changed meanwhile. Two engines over one storage play
// the two launches, through the engine's public surface over a scripted signer.
import { createUploadEngine } from '../../miniprogram/shared/core/engine';
import { TransportError, type FilePartRequest, type HttpResponse, type KeyValueStore, type UploadTask } from '../../miniprogram/shared/core/ports';
import type { UploadItem } from '../../miniprogram/shared/core/types';
import type { MultipartLimits } from '../../typings/multipart';
import type { UploadLimits } from '../../typings/ticket';
import { FakeTransport, flush, json, LIMITS, MiB, photo, SIGNER, T0 } from '../support/fake-transport';

const PART = 5 * MiB;
const SIZE = 15 * MiB; // within the first launch's 20 MiB single-request limit

function memoryStorage(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key) as string) as T) : undefined),
    set: (key, value) => void values.set(key, JSON.stringify(value)),
    remove: (key) => void values.delete(key),
    keys: () => [...values.keys()],
  };
}

/** One launch: a scripted signer with these limits, whose part PUTs all succeed. */
function launch(storage: KeyValueStore, limits: UploadLimits, multipart?: MultipartLimits) {
  const fake = new FakeTransport(() => T0);
  fake.limits = limits;
  const partsPut: number[] = [];
  const transport = Object.assign(fake, {
    putPart: (request: FilePartRequest): UploadTask => {
      const partNumber = Number(/partNumber=(\d+)/.exec(request.url)?.[1]);
      partsPut.push(partNumber);
      const result: Promise<HttpResponse> = Promise.resolve({ statusCode: 200, body: '', headers: { etag: `"e${partNumber}"` } });
      return { result, abort: () => undefined };
    },
  });
  const serverTime = new Date(T0).toISOString();
  const expiresAt = new Date(T0 + 3600_000).toISOString();
  const partCount = Math.ceil(SIZE / PART);
  fake.routes['GET /healthz'] = () => json(200, { ...fake.health(), ...(multipart ? { multipart } : {}) });
  fake.routes['POST /api/uploads'] = () =>
    json(200, { uploadToken: 'tok', key: 'uploads/p.jpg', partSize: PART, partCount, expiresAt, serverTime, objectUrl: 'http://b/p.jpg', provider: 's3', contentType: 'image/jpeg', size: SIZE });
  fake.routes['POST /api/uploads/parts'] = (r) =>
    json(200, { serverTime, parts: (JSON.parse(r.body!).partNumbers as number[]).map((n) => ({ partNumber: n, url: `http://b/p.jpg?partNumber=${n}`, headers: {}, size: PART, expiresAt })) });
  fake.routes['POST /api/uploads/list'] = () => json(200, { parts: [] });
  fake.routes['POST /api/uploads/complete'] = () => json(200, { key: 'uploads/p.jpg', objectUrl: 'http://b/p.jpg', size: SIZE });
  const engine = createUploadEngine({ signerUrl: SIGNER, transport, storage, now: () => T0, sleep: async () => undefined, retry: { delays: [1000] }, stall: false });
  const settle = async () => {
    for (let i = 0; i < 30; i++) await flush();
  };
  const paths = () => fake.requests.map((r) => `${r.method} ${r.url.replace(SIGNER, '')}`);
  return { engine, fake, partsPut, settle, paths };
}

/** The first launch: the photo is added, its single upload starts, and the app is ended before it finishes. */
async function leftUnsent(storage: KeyValueStore, type = 'image/jpeg'): Promise<string> {
  const first = launch(storage, LIMITS, { maxBytes: 2048 * MiB, partSize: PART });
  await first.engine.add([photo(SIZE, type === 'image/jpeg' ? 'IMG_0001.jpg' : 'IMG_0001.png', type)]);
  await first.settle();
  expect(first.fake.ticketRequests()).toHaveLength(1); // one request: it fit the limit then
  expect(first.partsPut).toEqual([]);
  // A new launch finds it under 上次没有传完.
  const probe = launch(storage, LIMITS);
  const [row] = probe.engine.unfinished();
  expect(row).toMatchObject({ bytesDone: 0, totalBytes: SIZE });
  return row.id;
}

const statusOf = (item: UploadItem | undefined) => item && { status: item.status, inParts: item.inParts === true, reason: item.error?.reason, retryable: item.error?.retryable };

describe('继续上传 of a photo sent in one request, after the limits changed', () => {
  it('goes in parts when the single-request limit fell below its size, even when tapped before the limits arrived', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, { ...LIMITS, maxBytes: 10 * MiB }, { maxBytes: 2048 * MiB, partSize: PART });
    // The page lists the row at load, while /healthz is still on its way.
    const item = second.engine.continueSaved(id);
    expect(item?.status).toBe('waiting');
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    expect(second.fake.uploads).toHaveLength(0);
    expect(second.paths()).toEqual(expect.arrayContaining(['GET /healthz', 'POST /api/uploads', 'POST /api/uploads/complete']));
    expect(second.partsPut.sort()).toEqual([1, 2, 3]);
    expect(statusOf(second.engine.items()[0])).toEqual({ status: 'done', inParts: true, reason: undefined, retryable: undefined });
    expect(second.engine.unfinished()).toEqual([]);
  });

  it('is marked in parts from the start when the limits are already known (so the card offers 暂停)', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, { ...LIMITS, maxBytes: 10 * MiB }, { maxBytes: 2048 * MiB, partSize: PART });
    await second.engine.loadLimits();
    expect(second.engine.continueSaved(id)?.inParts).toBe(true);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    expect(statusOf(second.engine.items()[0])?.status).toBe('done');
  });

  it('is refused, saying the new limit, when it is now too large and parts are not offered', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, { ...LIMITS, maxBytes: 10 * MiB });
    second.engine.continueSaved(id);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    expect(second.fake.uploads).toHaveLength(0);
    const [item] = second.engine.items();
    expect(statusOf(item)).toEqual({ status: 'failed', inParts: false, reason: 'tooLarge', retryable: false });
    expect(item.error?.message).toMatch(/10 MB/);
    // Refused for good: not offered again at the next launch.
    expect(second.engine.unfinished()).toEqual([]);
  });

  it('is refused, naming what may be uploaded, when its type is no longer allowed', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage, 'image/png');
    const second = launch(storage, { ...LIMITS, allowedTypes: ['image/jpeg'] }, { maxBytes: 2048 * MiB, partSize: PART });
    await second.engine.loadLimits();
    second.engine.continueSaved(id);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    expect(second.partsPut).toEqual([]);
    const [item] = second.engine.items();
    expect(statusOf(item)).toEqual({ status: 'failed', inParts: false, reason: 'typeNotAllowed', retryable: false });
    expect(item.error?.message).toMatch(/JPEG/);
    expect(second.engine.unfinished()).toEqual([]);
  });

  it('with the limits unchanged, is sent again in one request, as before', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, LIMITS, { maxBytes: 2048 * MiB, partSize: PART });
    second.engine.continueSaved(id);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([['IMG_0001.jpg']]);
    expect(second.partsPut).toEqual([]);
    (await second.fake.nextUpload()).succeed();
    await second.settle();
    expect(statusOf(second.engine.items()[0])?.status).toBe('done');
  });

  it('fails as retryable, saying why, when the signer cannot be reached for the limits', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, LIMITS);
    second.fake.routes['GET /healthz'] = () => Promise.reject(new TransportError('network', 'request:fail'));
    second.engine.continueSaved(id);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    const [item] = second.engine.items();
    expect(item.status).toBe('failed');
    expect(item.error?.retryable).toBe(true);
    // Still offered at the next launch, and a retry plans it once the signer answers.
    expect(second.engine.unfinished()).toEqual([]); // listed in this engine's grid now…
    expect(launch(storage, LIMITS).engine.unfinished()).toHaveLength(1); // …and kept for a later launch
  });

  it('a retry after the signer could not be reached plans it against the limits it then gives', async () => {
    const storage = memoryStorage();
    const id = await leftUnsent(storage);
    const second = launch(storage, { ...LIMITS, maxBytes: 10 * MiB }, { maxBytes: 2048 * MiB, partSize: PART });
    const health = second.fake.routes['GET /healthz'];
    second.fake.routes['GET /healthz'] = () => Promise.reject(new TransportError('network', 'request:fail'));
    second.engine.continueSaved(id);
    await second.settle();
    const [failed] = second.engine.items();
    expect(failed.status).toBe('failed');
    second.fake.routes['GET /healthz'] = health;
    second.engine.retry(failed.id);
    await second.settle();
    expect(second.fake.ticketRequests()).toEqual([]);
    expect(second.partsPut.sort()).toEqual([1, 2, 3]);
    expect(statusOf(second.engine.items()[0])).toMatchObject({ status: 'done', inParts: true });
  });
});
