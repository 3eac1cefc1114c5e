// Pause, resume, the background and the bar of a file in parts, through the engine's
// public surface over a scripted transport: the signer's multipart routes answer from
// here, each part PUT waits for the test, and the estimate's clock is moved by hand.
import { createUploadEngine, type EngineOptions } from '../../miniprogram/shared/core/engine';
import { MultipartState, type SavedUpload } from '../../miniprogram/shared/core/multipart-state';
import { ESTIMATE_TICK_MS } from '../../miniprogram/shared/core/multipart-transfer';
import { SIGNER_REQUEST_SLOTS, withRequestBudget } from '../../miniprogram/shared/core/request-budget';
import { PlatformError, TransportError, type FilePartRequest, type HttpResponse, type UploadTask } from '../../miniprogram/shared/core/ports';
import { FakeTransport, flush, json, MiB, photo, SIGNER, T0 } from '../support/fake-transport';
import { createManualTimers } from '../support/fake-timers';

const PART = 5 * MiB;
const SIZE = 6 * PART; // six parts, above the 20 MiB single-request limit

class FakePart {
  settled = false;
  aborted = false;
  readonly task: UploadTask;
  private resolve!: (r: HttpResponse) => void;
  private reject!: (e: TransportError) => void;
  constructor(readonly request: FilePartRequest) {
    const result = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.task = { result, abort: () => ((this.aborted = true), this.fail('aborted')) };
  }
  get partNumber() {
    return Number(/partNumber=(\d+)/.exec(this.request.url)?.[1]);
  }
  succeed() {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ statusCode: 200, body: '', headers: { etag: `"e${this.partNumber}"` } });
  }
  answer(statusCode: number, body: string) {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ statusCode, body, headers: {} });
  }
  fail(kind: 'network' | 'aborted') {
    if (this.settled) return;
    this.settled = true;
    this.reject(new TransportError(kind, `request:fail ${kind}`));
  }
}

function setup(options: Partial<EngineOptions> = {}) {
  const fake = new FakeTransport(() => T0);
  const parts: FakePart[] = [];
  const stored = new Set<number>();
  const transport = Object.assign(fake, {
    putPart: (request: FilePartRequest) => {
      const part = new FakePart(request);
      parts.push(part);
      void part.task.result.then(() => stored.add(part.partNumber), () => undefined);
      return part.task;
    },
  });
  const serverTime = new Date(T0).toISOString();
  const expiresAt = new Date(T0 + 3600_000).toISOString();
  fake.routes['GET /healthz'] = () => json(200, { ...fake.health(), multipart: { maxBytes: 2 * 1024 * MiB, partSize: PART } });
  fake.routes['POST /api/uploads'] = () =>
    json(200, { uploadToken: 'tok', key: 'uploads/big.mp4', partSize: PART, partCount: 6, expiresAt, serverTime, objectUrl: 'http://b/big.mp4', provider: 's3', contentType: 'video/mp4', size: SIZE });
  fake.routes['POST /api/uploads/parts'] = (r) =>
    json(200, { serverTime, parts: (JSON.parse(r.body!).partNumbers as number[]).map((n) => ({ partNumber: n, url: `http://b/big.mp4?partNumber=${n}`, headers: {}, size: PART, expiresAt })) });
  fake.routes['POST /api/uploads/list'] = () => json(200, { parts: [...stored].map((n) => ({ partNumber: n, etag: `"e${n}"`, size: PART })) });
  fake.routes['POST /api/uploads/complete'] = () => json(200, { key: 'uploads/big.mp4', objectUrl: 'http://b/big.mp4', size: SIZE });
  const clock = createManualTimers(1_000);
  const sleeps: number[] = [];
  const engine = createUploadEngine({
    signerUrl: SIGNER,
    transport,
    now: () => T0,
    sleep: async (ms) => void sleeps.push(ms),
    timers: clock.timers,
    concurrency: 3,
    retry: { delays: [1000] },
    ...options,
  });
  const percents: number[] = [];
  engine.on('change', (item) => percents.push(item.percent));
  const settle = async () => {
    for (let i = 0; i < 20; i++) await flush();
  };
  const video = { ...photo(SIZE, 'big.mp4', 'video/mp4'), kind: 'video' as const };
  fake.limits = { ...fake.limits, allowedTypes: ['image/*', 'video/*'] };
  return { engine, fake, parts, clock, sleeps, percents, settle, video, inFlight: () => parts.filter((p) => !p.settled) };
}

describe('the bar of a file in parts', () => {
  it('adds an estimate of the parts in flight from the measured pace, capped below their size, never moving back', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    expect(s.inFlight()).toHaveLength(3);
    // No part finished yet: nothing measured, so nothing is guessed.
    s.clock.advance(5 * ESTIMATE_TICK_MS);
    await s.settle();
    expect(s.engine.items()[0].bytesSent).toBe(0);

    s.clock.advance(1000);
    s.parts[0].succeed(); // 5 MiB in 6.5 s of this clock
    await s.settle();
    const afterOne = s.engine.items()[0].bytesSent;
    expect(afterOne).toBeGreaterThanOrEqual(PART);
    s.clock.advance(2 * ESTIMATE_TICK_MS);
    await s.settle();
    const moving = s.engine.items()[0].bytesSent;
    expect(moving).toBeGreaterThan(afterOne);

    // However long they take, the parts in flight never count as more than 90% of themselves
    // (the README's figure, written out: bounds taken from ESTIMATE_CAP would follow any cap, even one past the part).
    s.clock.advance(600_000);
    await s.settle();
    const capped = s.engine.items()[0].bytesSent;
    expect(capped).toBeLessThanOrEqual(PART + 3 * Math.floor(PART * 0.9) + 1);
    expect(capped).toBeGreaterThan(PART + 2 * PART * 0.9);

    // A part that fails takes its estimate away, but the bar does not move back.
    s.inFlight()[0].fail('network');
    await s.settle();
    expect(s.engine.items()[0].bytesSent).toBe(capped);
    expect(s.percents).toEqual([...s.percents].sort((a, b) => a - b));
  });
});

describe('the time a part may take', () => {
  // The README's figures, written out rather than imported, so a changed constant fails here.
  const PART_TIMEOUT_FLOOR_MS = 60_000;
  const SLOWEST_PART_BYTES_PER_MS = (16 * 1024) / 1000; // 16 KiB/s
  it('is the floor plus its bytes at the slowest working pace, then three times what the measured pace predicts', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    const slowest = PART_TIMEOUT_FLOOR_MS + Math.ceil(PART / SLOWEST_PART_BYTES_PER_MS);
    expect(slowest).toBeGreaterThan(5 * 60_000); // 5 MiB may take over 5 minutes before anything is measured
    expect(s.parts.map((p) => p.request.timeoutMs)).toEqual([slowest, slowest, slowest]);

    s.clock.advance(10_000);
    s.parts[0].succeed(); // 5 MiB in 10 s on one connection
    await s.settle();
    expect(s.parts[3].request.timeoutMs).toBe(PART_TIMEOUT_FLOOR_MS + 3 * 10_000);
  });

  it('is never longer than the slowest working pace allows, however slow the parts so far were', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    s.clock.advance(900_000);
    s.parts[0].succeed(); // 5 MiB in 15 minutes: three times that is more than the slowest pace allows
    await s.settle();
    expect(s.parts[3].request.timeoutMs).toBe(PART_TIMEOUT_FLOOR_MS + Math.ceil(PART / SLOWEST_PART_BYTES_PER_MS));
  });

  it("an engine's own timeout wins", async () => {
    const s = setup({ timeoutMs: 5_000 });
    await s.engine.add([s.video]);
    await s.settle();
    expect(s.parts.map((p) => p.request.timeoutMs)).toEqual([5_000, 5_000, 5_000]);
  });
});

describe('pause and resume', () => {
  it('pausing aborts the parts in flight, keeps the stored bytes on the bar, and frees the queue for others', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    await s.engine.add([photo(1000, 'small.jpg')]);
    await s.settle();
    expect(s.fake.uploads).toHaveLength(0); // the photo waits: three parts hold the queue
    s.parts[0].succeed();
    await s.settle();
    const id = s.engine.items()[0].id;
    expect(s.engine.items()[0].inParts).toBe(true);
    s.engine.pause(id);
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'paused', pausedBy: 'person', bytesSent: PART });
    expect(s.inFlight()).toEqual([]);
    expect(s.parts.filter((p) => p.aborted).length).toBeGreaterThan(0);
    expect(s.fake.uploads).toHaveLength(1); // the photo got the room
    expect(s.engine.progress().paused).toBe(1);

    const sent = s.parts.length;
    s.engine.resume(id);
    await s.settle();
    expect(s.engine.items()[0].status).toBe('uploading');
    expect(s.fake.requests.some((r) => r.url.endsWith('/api/uploads/list'))).toBe(true);
    expect(s.parts.slice(sent).map((p) => p.partNumber)).not.toContain(1);
  });

  it('paused while its complete runs, a file is not sent again: the resume hears from the list that the object is made', async () => {
    const s = setup();
    let creates = 0;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = (r) => ((creates += 1), create(r));
    let answerComplete!: () => void;
    let assembled = false;
    const complete = s.fake.routes['POST /api/uploads/complete'];
    s.fake.routes['POST /api/uploads/complete'] = async (r) => {
      await new Promise<void>((resolve) => (answerComplete = resolve));
      assembled = true;
      return complete(r);
    };
    // What the signer answers once the upload made its object (routes/uploads.ts, list).
    const list = s.fake.routes['POST /api/uploads/list'];
    s.fake.routes['POST /api/uploads/list'] = (r) =>
      assembled ? json(200, { parts: [], partSize: PART, partCount: 6, assembled: { key: 'uploads/big.mp4', objectUrl: 'http://b/big.mp4', size: SIZE } }) : list(r);
    await s.engine.add([s.video]);
    for (let i = 0; i < 6; i++) {
      await s.settle();
      s.inFlight().forEach((p) => p.succeed());
    }
    await s.settle();
    expect(s.parts).toHaveLength(6);
    expect(s.fake.requests.filter((r) => r.url.endsWith('/api/uploads/complete'))).toHaveLength(1);

    const id = s.engine.items()[0].id;
    s.engine.pause(id);
    answerComplete();
    await s.settle();
    expect(s.engine.items()[0].status).toBe('paused');

    // Paused again while the resume's list is on the wire: still nothing is sent again.
    let answerList!: () => void;
    const assembledList = s.fake.routes['POST /api/uploads/list'];
    s.fake.routes['POST /api/uploads/list'] = async (r) => {
      await new Promise<void>((resolve) => (answerList = resolve));
      return assembledList(r);
    };
    s.engine.resume(id);
    await s.settle();
    s.engine.pause(id);
    answerList();
    await s.settle();
    expect(s.engine.items()[0].status).toBe('paused');
    s.fake.routes['POST /api/uploads/list'] = assembledList;

    s.engine.resume(id);
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'done', objectUrl: 'http://b/big.mp4' });
    expect(creates).toBe(1);
    expect(s.parts).toHaveLength(6);
  });

  it('a part the store gave up on as too slow (400 RequestTimeout) is sent again, and the file completes', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    s.inFlight()[0].answer(400, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeout</Code><Message>Your socket connection to the server was not read from or written to within the timeout period.</Message></Error>');
    for (let round = 0; round < 4; round++) {
      await s.settle();
      for (const part of s.inFlight()) part.succeed();
    }
    await s.settle();
    expect(s.sleeps).toEqual([1000]);
    expect(s.engine.items()[0]).toMatchObject({ status: 'done' });
    expect(s.parts.map((p) => p.partNumber).sort((a, b) => a - b)).toEqual([1, 1, 2, 3, 4, 5, 6]);
  });

  it('with the app\'s storage full (nothing can be saved to continue it later), the file still goes up in parts', async () => {
    // WeChat's setStorageSync throws once the app's 10 MB of storage is used (the adapter reports a PlatformError).
    const full = {
      get: () => undefined,
      set: () => {
        throw new PlatformError('unknown', 'setStorageSync:fail exceed storage max size 10Mb');
      },
      remove: () => undefined,
      keys: () => [],
    };
    const s = setup({ storage: full });
    let creates = 0;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = (r) => ((creates += 1), create(r));
    await s.engine.add([s.video]);
    for (let round = 0; round < 3; round++) {
      await s.settle();
      for (const part of s.inFlight()) part.succeed();
    }
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'done', objectUrl: 'http://b/big.mp4' });
    expect(creates).toBe(1);
    expect(s.parts).toHaveLength(6);
  });

  it('removed while its upload is being started, a file leaves nothing saved and the started upload is aborted', async () => {
    const s = setup();
    let answerCreate!: () => void;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = async (r) => {
      await new Promise<void>((resolve) => (answerCreate = resolve));
      return create(r);
    };
    await s.engine.add([s.video]);
    await s.settle();
    s.engine.remove(s.engine.items()[0].id);
    answerCreate();
    await s.settle();
    expect(s.engine.items()).toEqual([]);
    expect(s.engine.unfinished()).toEqual([]);
    expect(s.parts).toEqual([]);
    expect(s.fake.requests.filter((r) => r.url.endsWith('/api/uploads/abort')).map((r) => JSON.parse(r.body!))).toEqual([{ uploadToken: 'tok' }]);
  });

  it('a single-request file cannot be paused (nothing of it would be kept): pause leaves it going', async () => {
    const s = setup();
    await s.engine.add([photo(1000, 'small.jpg')]);
    await s.settle();
    s.engine.pause(s.engine.items()[0].id);
    expect(s.engine.items()[0]).toMatchObject({ status: 'uploading' });
    expect(s.engine.items()[0].inParts).toBeUndefined();
  });

  it('a part cut while the app is hidden pauses the file instead of retrying or failing; showing the app resumes it', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    s.engine.setAppVisible(false);
    s.inFlight().forEach((p) => p.fail('network'));
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'paused', pausedBy: 'background' });
    expect(s.engine.items()[0].error).toBeUndefined();
    expect(s.sleeps).toEqual([]); // no backoff spent in the background

    s.engine.setAppVisible(true);
    await s.settle();
    expect(s.engine.items()[0].status).toBe('uploading');
    expect(s.inFlight()).toHaveLength(3);
  });

  it('a cut noticed only after the app is back is sent again at once, not counted as a retry', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    s.engine.setAppVisible(false);
    s.engine.setAppVisible(true);
    s.inFlight()[0].fail('network');
    await s.settle();
    expect(s.engine.items()[0].status).toBe('uploading');
    expect(s.sleeps).toEqual([]);
    expect(s.inFlight()).toHaveLength(3);
  });
});

describe('a signer call in the middle of an upload in parts that fails once', () => {
  const RATE_LIMITED = { statusCode: 429, body: JSON.stringify({ error: { code: 'RateLimited', message: 'More than 120 requests in a minute.' } }), headers: { 'retry-after': '3' } };
  /** Finishes every part as it is sent, until the file ends. */
  async function finish(s: ReturnType<typeof setup>) {
    for (let round = 0; round < 6; round++) {
      await s.settle();
      for (const part of s.inFlight()) part.succeed();
    }
    await s.settle();
  }

  it.each([
    ['start (POST /api/uploads)', 'POST /api/uploads'],
    ['part URLs (POST /api/uploads/parts)', 'POST /api/uploads/parts'],
    ['complete (POST /api/uploads/complete)', 'POST /api/uploads/complete'],
  ])('%s rate limited (429, Retry-After 3 s): waited for, asked again, and the file is stored', async (_label, route) => {
    const s = setup();
    const answer = s.fake.routes[route];
    let calls = 0;
    s.fake.routes[route] = (r) => (++calls === 1 ? RATE_LIMITED : answer(r));
    await s.engine.add([s.video]);
    await finish(s);
    expect(s.engine.items()[0]).toMatchObject({ status: 'done', objectUrl: 'http://b/big.mp4' });
    expect(calls).toBe(2);
    expect(s.sleeps).toEqual([3000]);
  });

  it('a dropped request for part URLs is asked again; the parts already in flight are not cut', async () => {
    const s = setup({ retry: { delays: [1000, 3000] } });
    const sign = s.fake.routes['POST /api/uploads/parts'];
    let signs = 0;
    s.fake.routes['POST /api/uploads/parts'] = (r) => {
      signs += 1;
      if (signs === 2) throw new TransportError('network', 'request:fail interrupted');
      return sign(r);
    };
    await s.engine.add([s.video]);
    await s.settle();
    // Part 1's URL expired on the store: a second signing is needed, and its request is dropped.
    s.inFlight()[0].answer(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    await finish(s);
    expect(s.engine.items()[0]).toMatchObject({ status: 'done' });
    expect(signs).toBe(3);
    expect(s.parts.filter((p) => p.aborted)).toEqual([]);
  });

  it('part URLs the signer keeps refusing (503) fail the file after one lane\'s retries, not after every lane\'s', async () => {
    const s = setup();
    let signs = 0;
    s.fake.routes['POST /api/uploads/parts'] = () => ((signs += 1), json(503, { error: { code: 'StoreError', message: 'Busy.' } }));
    await s.engine.add([s.video]);
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'failed' });
    expect(signs).toBe(2); // the first try and the policy's one retry
    expect(s.sleeps).toEqual([1000]);
  });

  it('cancelled during a long Retry-After, the file lets go of its queue slots at once: the next file\'s parts go', async () => {
    const s = setup({ sleep: () => new Promise<void>(() => undefined) }); // a wait that would never end by itself
    const sign = s.fake.routes['POST /api/uploads/parts'];
    let signs = 0;
    s.fake.routes['POST /api/uploads/parts'] = (r) => (++signs === 1 ? RATE_LIMITED : sign(r));
    await s.engine.add([s.video]);
    await s.settle();
    s.engine.cancel(s.engine.items()[0].id);
    await s.settle();
    await s.engine.add([{ ...s.video, path: 'wxfile://tmp_other.mp4', name: 'other.mp4' }]);
    await s.settle();
    expect(s.engine.items().map((i) => i.status)).toEqual(['cancelled', 'uploading']);
    expect(s.inFlight()).toHaveLength(3);
  });

  it('a refusal that asking again cannot change still fails the file at once', async () => {
    const s = setup();
    s.fake.routes['POST /api/uploads'] = () => json(400, { error: { code: 'TypeNotAllowed', message: 'No.' } });
    await s.engine.add([s.video]);
    await s.settle();
    expect(s.engine.items()[0]).toMatchObject({ status: 'failed' });
    expect(s.sleeps).toEqual([]);
  });

  it('cancelled while it waits to ask again, the file stays cancelled and nothing more is asked', async () => {
    let wake!: () => void;
    const s = setup({ sleep: () => new Promise<void>((resolve) => (wake = resolve)) });
    let calls = 0;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = (r) => (++calls === 1 ? RATE_LIMITED : create(r));
    await s.engine.add([s.video]);
    await s.settle();
    s.engine.cancel(s.engine.items()[0].id);
    wake();
    await s.settle();
    expect(s.engine.items()[0].status).toBe('cancelled');
    expect(calls).toBe(1);
  });
});

describe('a saved upload past its token\'s life', () => {
  it('is forgotten and aborted on the store (its parts would stay there otherwise)', async () => {
    const data = new Map<string, unknown>();
    const storage = { get: <T>(k: string) => data.get(k) as T | undefined, set: (k: string, v: unknown) => void data.set(k, v), remove: (k: string) => void data.delete(k), keys: () => [...data.keys()] };
    const expired: SavedUpload = {
      uploadToken: 'old-token',
      key: 'uploads/big.mp4',
      objectUrl: 'http://b/big.mp4',
      partSize: PART,
      partCount: 6,
      size: SIZE,
      expiresAtMs: T0 - 1,
      name: 'big.mp4',
      path: 'wxfile://tmp_big.mp4',
    };
    new MultipartState(storage).save(expired, expired);
    const s = setup({ storage });
    expect(s.engine.unfinished()).toEqual([]);
    await s.settle();
    expect(data.size).toBe(0);
    expect(s.fake.requests.filter((r) => r.url.endsWith('/api/uploads/abort')).map((r) => JSON.parse(r.body!))).toEqual([{ uploadToken: 'old-token' }]);
  });
});

describe('a signer that no longer knows the upload', () => {
  it.each([
    ['parts', 'InvalidUploadToken', 400],
    ['complete', 'InvalidUploadToken', 400],
    ['complete', 'UploadExpired', 410],
  ])('its %s answering %s mid-way starts the file again at once, once, and it is stored', async (step, code, status) => {
    const s = setup();
    let creates = 0;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = (r) => ((creates += 1), create(r));
    // A restart with a new secret between the start and this step: the first upload's token is refused.
    const route = `POST /api/uploads/${step}`;
    const real = s.fake.routes[route];
    let refused = 0;
    s.fake.routes[route] = (r) => {
      if (creates === 1) {
        refused += 1;
        return json(status, { error: { code, message: 'The upload token is not one this signer issued, or it was altered.' } });
      }
      return real(r);
    };
    await s.engine.add([s.video]);
    for (let i = 0; i < 20 && s.engine.items()[0].status === 'uploading'; i++) {
      await s.settle();
      s.inFlight().forEach((p) => p.succeed());
    }
    await s.settle();
    expect(refused).toBeGreaterThan(0);
    expect(creates).toBe(2);
    expect(s.engine.items()[0]).toMatchObject({ status: 'done', objectUrl: 'http://b/big.mp4' });
    expect(s.engine.items()[0].error).toBeUndefined();
  });

  it('refused again after starting over, the file fails: one restart, never a loop', async () => {
    const s = setup();
    s.fake.routes['POST /api/uploads/parts'] = () => json(400, { error: { code: 'InvalidUploadToken', message: 'no' } });
    let creates = 0;
    const create = s.fake.routes['POST /api/uploads'];
    s.fake.routes['POST /api/uploads'] = (r) => ((creates += 1), create(r));
    await s.engine.add([s.video]);
    await s.settle();
    expect(creates).toBe(2);
    expect(s.engine.items()[0].status).toBe('failed');
  });
});

describe('sharing the queue', () => {
  it('a photo added while a file goes in parts starts once one part ends, not after every part has started', async () => {
    const s = setup();
    await s.engine.add([s.video]);
    await s.settle();
    expect(s.inFlight().map((p) => p.partNumber)).toEqual([1, 2, 3]); // alone, the file fills the queue
    await s.engine.add([photo(1000, 'small.jpg')]);
    await s.settle();
    expect(s.fake.uploads).toHaveLength(0);
    s.parts[0].succeed();
    await s.settle();
    expect(s.fake.uploads).toHaveLength(1); // the photo took the slot part 1 left
    expect(s.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    s.parts[1].succeed();
    await s.settle();
    expect(s.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4]);
  });
});

describe('the request budget', () => {
  it('holds the signer calls to the slots the transfers leave of the platform\'s 10', async () => {
    const fake = new FakeTransport(() => T0);
    let open = 0;
    let most = 0;
    const answers: Array<() => void> = [];
    fake.routes['POST /api/slow'] = () =>
      new Promise((resolve) => {
        open += 1;
        most = Math.max(most, open);
        answers.push(() => ((open -= 1), resolve(json(200, {}))));
      });
    const wire = withRequestBudget(fake);
    expect(withRequestBudget(wire)).toBe(wire); // shared, not stacked
    const calls = Array.from({ length: 5 }, () => wire.request({ url: `${SIGNER}/api/slow`, method: 'POST', body: '{}' }));
    for (let answered = 0; answered < 5; answered++) {
      await flush();
      answers.shift()!();
    }
    await Promise.all(calls);
    expect(most).toBe(SIGNER_REQUEST_SLOTS);
    expect(SIGNER_REQUEST_SLOTS + 8).toBe(10);
  });
});
