// Large files end to end with nothing faked but the phone: the real engine and WeChat
// adapter over a Node-backed `wx` (readFile by position/length and wx.request PUTs with
// an ArrayBuffer body, all real I/O), the real signer and its dev bucket. A 200 MB file
// goes up in parts and reads back with the same SHA-256; the network cut at ~60% and the
// app "relaunched" (a new engine, the same storage) sends again only the parts that were
// in flight; a part URL that expired mid-way is signed again; a complete whose answer
// was lost is asked again, and the file ends done, stored once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { createUploadEngine, type PickedFile, type UploadEngineApi, type UploadItem } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx, READ_FILE_MAX_BYTES, type NodeWx } from '../support/node-wx';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';

jest.setTimeout(120_000);

const MIB = 1024 * 1024;
const FILE_BYTES = 200 * 1000 * 1000 + 12_345; // the 200 MB
const PART_BYTES = 5 * MIB;
const PART_COUNT = Math.ceil(FILE_BYTES / PART_BYTES); // 39
const CONCURRENCY = 3;
const TICKET_TTL_SECONDS = 120;

let dir: string;
let bigFile: string;
let signer: RunningSigner;
let clock: Date | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multipart-e2e-'));
  bigFile = path.join(dir, 'clip.mp4');
  fs.writeFileSync(bigFile, randomBytes(FILE_BYTES));
  signer = await startSigner(
    {
      UPLOAD_ALLOWED_TYPES: 'video/mp4,image/jpeg',
      UPLOAD_MULTIPART_PART_BYTES: String(PART_BYTES),
      UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS),
    },
    // The signer (and its dev bucket) read this clock; undefined means the wall clock.
    { now: () => clock ?? new Date() },
  );
});

afterAll(async () => {
  await signer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  clock = undefined;
});

const file = (): PickedFile => ({ path: bigFile, size: FILE_BYTES, name: 'clip.mp4', type: 'video/mp4', kind: 'video' });
const isPartPut = (o: WechatMiniprogram.RequestOption) => o.method === 'PUT' && o.url.includes('partNumber=');

/** A phone session: the Node wx installed as `wx`, and an engine made the way the app makes it. */
function launch(wx: NodeWx, retryDelays: number[] = [10], on: RunningSigner = signer): { engine: UploadEngineApi; close(): void } {
  const uninstall = installNodeWx(wx);
  const platform = createWechatPlatform();
  const engine = createUploadEngine({
    signerUrl: on.origin,
    transport: platform,
    storage: platform.storage,
    concurrency: CONCURRENCY,
    retry: { delays: retryDelays },
  });
  return { engine, close: uninstall };
}

async function settled(engine: UploadEngineApi): Promise<UploadItem> {
  await waitUntil(() => engine.items().every((item) => ['done', 'failed', 'cancelled'].includes(item.status)), 'the file to settle', 90_000);
  return engine.items()[0];
}

/** Wraps wx.request to count part PUTs and, once `cutAfter` parts have been stored, to drop the network. */
function network(wx: NodeWx, cutAfter = Infinity) {
  const stats = { stored: 0, attempted: 0, failed: 0, cut: false, sent: new Set<number>(), storedParts: new Set<number>() };
  const partOf = (url: string) => Number(/[?&]partNumber=(\d+)/.exec(url)?.[1]);
  const inFlight = new Set<WechatMiniprogram.RequestTask>();
  const real = wx.request;
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (!isPartPut(o)) return real(o);
    stats.attempted += 1;
    if (stats.cut) {
      stats.failed += 1;
      setImmediate(() => o.fail?.({ errMsg: 'request:fail network is down' } as WechatMiniprogram.RequestFailCallbackErr));
      return { abort: () => undefined } as WechatMiniprogram.RequestTask;
    }
    // Bytes that actually went on the wire for this part.
    stats.sent.add(partOf(o.url));
    const task: WechatMiniprogram.RequestTask = real({
      ...o,
      success: (res) => {
        inFlight.delete(task);
        if (res.statusCode === 200) {
          stats.stored += 1;
          stats.storedParts.add(partOf(o.url));
        }
        if (stats.stored >= cutAfter && !stats.cut) {
          // The connection drops: what is still on the wire is lost.
          stats.cut = true;
          for (const other of inFlight) other.abort();
        }
        o.success?.(res);
      },
      fail: (err) => {
        inFlight.delete(task);
        stats.failed += 1;
        o.fail?.(err);
      },
    });
    inFlight.add(task);
    return task;
  }) as typeof wx.request;
  return stats;
}

describe('a large file in parts through the WeChat adapter', () => {
  it('uploads 200 MB in parts (wx.request PUTs, no uploadFile), within WeChat\'s request budget, and reads back the same bytes', async () => {
    const wx = createNodeWx();
    const parts = network(wx);
    const session = launch(wx);
    try {
      const progress: number[] = [];
      session.engine.on('change', (item) => progress.push(item.percent));
      const { accepted, rejected } = await session.engine.add([file()]);
      expect([accepted.length, rejected]).toEqual([1, []]);
      const item = await settled(session.engine);
      expect(item.status).toBe('done');
      expect(parts).toMatchObject({ stored: PART_COUNT, attempted: PART_COUNT });
      expect(wx.node.network.count('uploadFile')).toBe(0);
      expect(wx.node.network.maxConcurrent).toBeLessThanOrEqual(10);
      // The bar moves part by part, never backwards.
      expect(new Set(progress).size).toBeGreaterThan(PART_COUNT / 2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const stored = await httpGet(item.objectUrl!);
      expect([stored.status, sha256(stored.body)]).toEqual([200, sha256OfFile(bigFile)]);
      // Finished uploads leave nothing in storage, and no file descriptor open.
      expect([...wx.node.storage.keys()].filter((k) => k.startsWith('multipart-upload:'))).toEqual([]);
      expect(wx.node.openFiles.size).toBe(0);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('after the network is cut at ~60% and the app relaunched, sends again only the parts that were in flight', async () => {
    const wx = createNodeWx();
    const cutAfter = Math.round(PART_COUNT * 0.6);
    const first = network(wx, cutAfter);
    const before = launch(wx, []);
    let item: UploadItem;
    try {
      await before.engine.add([file()]);
      item = await settled(before.engine);
    } finally {
      before.close();
    }
    expect(item.status).toBe('failed');
    expect(first.stored).toBeGreaterThanOrEqual(cutAfter);
    // The upload is remembered in storage, not lost with the engine.
    expect([...wx.node.storage.keys()].filter((k) => k.startsWith('multipart-upload:'))).toHaveLength(1);

    // Relaunch: a new engine on the same storage, the network back.
    wx.request = createNodeWx().request;
    const second = network(wx);
    const after = launch(wx);
    try {
      await after.engine.add([file()]);
      item = await settled(after.engine);
    } finally {
      after.close();
      wx.node.dispose();
    }
    expect(item.status).toBe('done');
    // Only the parts the store did not hold were sent again. A part whose answer the cut
    // swallowed may still have landed (the store had the whole body): ListParts then says
    // so and it is not sent again, so up to CONCURRENCY fewer than the phone counted.
    expect(second.attempted).toBeLessThanOrEqual(PART_COUNT - first.stored);
    expect(second.attempted).toBeGreaterThanOrEqual(PART_COUNT - first.stored - CONCURRENCY);
    expect(second.attempted).toBeLessThanOrEqual(PART_COUNT - cutAfter);
    // Sent before the cut, lost with it, sent again after: only the parts that were in flight.
    const resent = [...second.sent].filter((n) => first.sent.has(n) && !first.storedParts.has(n));
    expect(resent.length).toBeLessThanOrEqual(CONCURRENCY);
    expect([...second.sent].filter((n) => first.storedParts.has(n))).toEqual([]);
    const stored = await httpGet(item.objectUrl!);
    expect(sha256(stored.body)).toBe(sha256OfFile(bigFile));
  });

  it('signs a part again when the store says its URL expired mid-way', async () => {
    const wx = createNodeWx();
    clock = new Date();
    const start = clock.getTime();
    const real = wx.request;
    let stored = 0;
    const refused: number[] = [];
    wx.request = ((o: WechatMiniprogram.RequestOption) => {
      if (!isPartPut(o)) return real(o);
      return real({
        ...o,
        success: (res) => {
          if (res.statusCode === 403) refused.push(res.statusCode);
          if (res.statusCode === 200 && ++stored === 2) {
            // Time passes on the store: every URL signed so far is past its expiry.
            clock = new Date(start + (TICKET_TTL_SECONDS + 60) * 1000);
          }
          o.success?.(res);
        },
      });
    }) as typeof wx.request;
    const session = launch(wx);
    try {
      await session.engine.add([file()]);
      const item = await settled(session.engine);
      expect(item.status).toBe('done');
      expect(refused.length).toBeGreaterThan(0);
      const signs = wx.node.network.log.filter((r) => r.url.endsWith('/api/uploads/parts')).length;
      expect(signs).toBeGreaterThanOrEqual(2);
      expect(sha256((await httpGet(item.objectUrl!)).body)).toBe(sha256OfFile(bigFile));
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('reads parts by descriptor, past readFile\'s 100 MB cap; a client without open/read reads them with readFile and meets that cap', async () => {
    expect(FILE_BYTES).toBeGreaterThan(READ_FILE_MAX_BYTES);
    // The cap is real in the stand-in: reading the whole file, or one range of it, is refused.
    const probe = createNodeWx({ fileReads: 'readFile-only' });
    await expect(probe.getFileSystemManager().readFile({ filePath: bigFile, position: 0, length: 1024 } as never)).rejects.toMatchObject({ errMsg: expect.stringMatching(/readFile:fail .*100M/) });
    probe.node.dispose();

    // A base library before 2.16.1: the same 200 MB file fails as a file that cannot be read, said once, nothing half-stored.
    const wx = createNodeWx({ fileReads: 'readFile-only' });
    const session = launch(wx);
    try {
      await session.engine.add([file()]);
      const item = await settled(session.engine);
      expect(item.status).toBe('failed');
      expect(item.error?.retryable).toBe(false);
      expect(wx.node.network.log.filter((r) => r.method === 'PUT')).toEqual([]);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('keeps the single POST and its limit on a platform that cannot PUT parts (Alipay: no ranged readFile)', async () => {
    const wx = createNodeWx();
    const uninstall = installNodeWx(wx);
    try {
      const platform = createWechatPlatform();
      const { putPart: _unused, ...withoutParts } = platform;
      const engine = createUploadEngine({ signerUrl: signer.origin, transport: withoutParts, storage: platform.storage });
      const { accepted, rejected } = await engine.add([file()]);
      expect(accepted).toEqual([]);
      expect(rejected).toMatchObject([{ reason: 'tooLarge' }]);
      // The reason names the single-request limit (UPLOAD_MAX_BYTES, 20 MB), not the multipart one.
      expect(rejected[0].message).toMatch(/20(\.0)?\s?MB/);
      expect(wx.node.network.log.filter((r) => r.method === 'PUT')).toEqual([]);
    } finally {
      uninstall();
      wx.node.dispose();
    }
  });

  it('abandons the upload on the store when the card is removed, and forgets it on the phone', async () => {
    const wx = createNodeWx();
    network(wx, 2);
    const session = launch(wx, []);
    try {
      await session.engine.add([file()]);
      const item = await settled(session.engine);
      expect(item.status).toBe('failed');
      const [key] = [...wx.node.storage.keys()].filter((k) => k.startsWith('multipart-upload:'));
      const saved = JSON.parse(wx.node.storage.get(key)!) as { uploadToken: string };
      session.engine.remove(item.id);
      expect(wx.node.storage.has(key)).toBe(false);
      // The store no longer has it: the token's upload is gone.
      await waitUntil(() => wx.node.network.log.some((r) => r.url.endsWith('/api/uploads/abort') && r.outcome === 200), 'the abort', 10_000);
      const listed = await fetch(`${signer.origin}/api/uploads/list`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ uploadToken: saved.uploadToken }),
      });
      expect([listed.status, (await listed.json()).error.code]).toEqual([410, 'UploadExpired']);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });
  it('asks again when the answer to complete is lost (the signer assembled the file): done, stored once, the same bytes', async () => {
    const small = path.join(dir, 'short-clip.mp4');
    fs.writeFileSync(small, randomBytes(2 * PART_BYTES + 4321));
    const wx = createNodeWx();
    const real = wx.request;
    const calls = { creates: 0, completes: 0 };
    wx.request = ((o: WechatMiniprogram.RequestOption) => {
      if (o.method === 'POST' && o.url.endsWith('/api/uploads')) calls.creates += 1;
      if (!(o.method === 'POST' && o.url.endsWith('/api/uploads/complete'))) return real(o);
      calls.completes += 1;
      if (calls.completes > 1) return real(o);
      // The request goes through and the signer completes the upload; its answer never arrives.
      return real({ ...o, success: () => o.fail?.({ errMsg: 'request:fail timeout' } as WechatMiniprogram.RequestFailCallbackErr) });
    }) as typeof wx.request;
    // Files over 1 MiB go in parts here, so three parts make the point quickly.
    const inParts = await startSigner({ UPLOAD_ALLOWED_TYPES: 'video/mp4', UPLOAD_MAX_BYTES: String(MIB), UPLOAD_MULTIPART_PART_BYTES: String(PART_BYTES) });
    const session = launch(wx, [10], inParts);
    try {
      await session.engine.add([{ path: small, size: fs.statSync(small).size, name: 'short-clip.mp4', type: 'video/mp4', kind: 'video' }]);
      const item = await settled(session.engine);
      expect(item.status).toBe('done');
      // One upload, asked to complete twice: the file was not started again.
      expect(calls).toEqual({ creates: 1, completes: 2 });
      const stored = await httpGet(item.objectUrl!);
      expect([stored.status, sha256(stored.body)]).toEqual([200, sha256OfFile(small)]);
      expect([...wx.node.storage.keys()].filter((k) => k.startsWith('multipart-upload:'))).toEqual([]);
    } finally {
      session.close();
      wx.node.dispose();
      await inParts.close();
    }
  });
});
