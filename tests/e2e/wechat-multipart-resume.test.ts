// Pause, resume and 继续上传 of a large file, end to end with nothing faked but the
// phone: the real upload page (miniprogram-simulate), the real services, engine and
// WeChat adapter over the Node-backed `wx` (ranged readFile, wx.request PUTs, real
// HTTP), and the real signer with its dev bucket. The network is real; what the test
// steers is only when part PUTs leave (a slow link: later parts are held before they
// are sent, as requests still in flight), so every pause lands mid-way whatever the
// machine's speed. Assertions read the rendered page, the phone's storage, and the
// bytes the bucket stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
// From node:timers, not the global: jest's jsdom environment has no setImmediate.
import { setImmediate } from 'node:timers';
import simulate from 'miniprogram-simulate';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { startSignerProcess, type SignerProcess } from '../support/signer-process';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { postJson } from '../support/api-helpers';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices, type Services } from '../../miniprogram/services';
import { uiMessages } from '../../miniprogram/shared/ui/index';

const MINIPROGRAM = path.resolve(__dirname, '../../miniprogram');
const UPLOAD_PAGE = path.join(MINIPROGRAM, 'pages/upload/index');
const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const FILE_BYTES = 7 * PART_BYTES + 12_345;
const PART_COUNT = Math.ceil(FILE_BYTES / PART_BYTES); // 8
/** Parts that leave before the link "slows down": the rest wait, in flight, until released. */
const FREE_PARTS = 3;
/** The + tile's sheet when photos and videos are allowed: 拍照, 从相册选择, 从聊天选择文件. */
const CHATS = 2;
const PAGE_NOW = new Date(2026, 10, 22, 10, 3).getTime();
const zh = uiMessages('zh');
const SAVED_PREFIX = 'multipart-upload:';

jest.setTimeout(120_000);

let pageId: string;
let dir: string;
let bigFile: string;
let signer: SignerProcess;

beforeAll(async () => {
  pageId = simulate.load(UPLOAD_PAGE, { rootPath: MINIPROGRAM });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multipart-resume-'));
  bigFile = path.join(dir, 'clip.mp4');
  fs.writeFileSync(bigFile, randomBytes(FILE_BYTES));
  signer = await startSignerProcess({ UPLOAD_ALLOWED_TYPES: 'video/mp4,image/jpeg', UPLOAD_MULTIPART_PART_BYTES: String(PART_BYTES) });
});

afterAll(async () => {
  await signer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const partOf = (url: string) => Number(/[?&]partNumber=(\d+)/.exec(url)?.[1]);
const isPartPut = (o: WechatMiniprogram.RequestOption) => o.method === 'PUT' && o.url.includes('partNumber=');

interface Held {
  part: number;
  send(): void;
  cut(errMsg: string): void;
}

/**
 * Part PUTs through wx.request, counted: `sent` are those whose bytes went on the wire,
 * `stored` those the store accepted. After `freeParts` have been sent, the next ones
 * are held before they leave (a slow link) until `release()`; the app still sees them
 * in flight, and aborting one ends it with "request:fail abort", as WeChat does.
 */
const realRequests = new WeakMap<NodeWx, NodeWx['request']>();
function partsNetwork(wx: NodeWx, freeParts = Infinity) {
  // A later launch counts afresh over the Node wx's own request, not over the last launch's counter.
  if (!realRequests.has(wx)) realRequests.set(wx, wx.request);
  const real = realRequests.get(wx)!;
  const stats = { sent: [] as number[], stored: new Set<number>(), held: [] as Held[], open: 0, freeParts };
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (!isPartPut(o)) return real(o);
    const part = partOf(o.url);
    stats.open += 1;
    let closed = false;
    const close = () => {
      if (!closed) stats.open -= 1;
      closed = true;
    };
    let task: WechatMiniprogram.RequestTask | undefined;
    const send = () => {
      stats.sent.push(part);
      task = real({
        ...o,
        success: (res) => {
          close();
          if (res.statusCode === 200) stats.stored.add(part);
          o.success?.(res);
        },
        fail: (err) => {
          close();
          o.fail?.(err);
        },
      });
    };
    const held: Held = {
      part,
      send,
      cut: (errMsg) => {
        stats.held = stats.held.filter((h) => h !== held);
        close();
        setImmediate(() => o.fail?.({ errMsg } as WechatMiniprogram.RequestFailCallbackErr));
      },
    };
    if (stats.sent.length >= stats.freeParts) stats.held.push(held);
    else send();
    return {
      abort: () => {
        if (task) return task.abort();
        if (stats.held.includes(held)) held.cut('request:fail abort');
      },
    } as WechatMiniprogram.RequestTask;
  }) as typeof wx.request;
  return {
    stats,
    /** The link is fast again: held parts leave, and so do the next ones. */
    release() {
      stats.freeParts = Infinity;
      const waiting = stats.held.splice(0);
      waiting.forEach((h) => h.send());
    },
  };
}

interface Launch {
  services: Services;
  page: ReturnType<typeof simulate.render>;
  /** The page closes and the app with it: what was in flight is lost (as when the app is killed). */
  close(): void;
}

/** One launch of the app on this phone: the Node wx installed as `wx`, fresh services, the upload page opened. */
async function launch(wx: NodeWx): Promise<Launch> {
  const uninstall = installNodeWx(wx);
  const services = buildServices({ config: { ...appConfig, signerUrl: signer.origin }, now: () => PAGE_NOW });
  setServices(services);
  const page = simulate.render(pageId);
  page.attach(document.createElement('parent-wrapper'));
  await (page.instance as unknown as { onLoad(): Promise<void> }).onLoad();
  return {
    services,
    page,
    close: () => {
      (page.instance as unknown as { onUnload(): void }).onUnload();
      page.detach();
      // The app is gone: nothing of this engine runs on (its requests in flight end with it).
      services.engine.cancelAll();
      setServices(undefined);
      uninstall();
    },
  };
}

const text = (node: { dom?: unknown } | undefined) => ((node?.dom as HTMLElement | undefined)?.textContent ?? '').trim();

function tile(session: Launch) {
  const cell = session.page.querySelectorAll('.grid-cell').find((c) => !!c.querySelector('.tile'));
  if (!cell) return undefined;
  const item = session.services.engine.items()[0];
  return {
    cell,
    status: item?.status,
    overlay: text(cell.querySelector('.overlay-text')),
    hint: text(cell.querySelector('.overlay-hint')),
    action: text(cell.querySelector('.action-text')),
    tapAction: () => cell.querySelector('.action')!.dispatchEvent('tap'),
  };
}

function resumeRows(session: Launch) {
  // The simulator finds nodes from the page, not inside a plain view: rows are matched by index.
  const all = (selector: string) => session.page.querySelectorAll(selector);
  const names = all('.resume-name');
  const notes = all('.resume-note');
  const data = (session.page.data as { resumable: Array<{ fileGone: boolean }> }).resumable;
  const continues = all('.btn-continue');
  return all('.resume-row').map((row, i) => ({
    row,
    name: text(names[i]),
    note: text(notes[i]),
    // A row whose file is gone has no 继续上传: the buttons before it count only rows that have one.
    continueButton: data[i]?.fileGone ? undefined : continues[data.slice(0, i).filter((r) => !r.fileGone).length],
    discardButton: all('.btn-discard')[i],
  }));
}

/** The + tile, 从聊天选择文件, and the big file. */
function addBigFile(wx: NodeWx, session: Launch) {
  wx.node.planMessageFiles([{ path: bigFile }]);
  wx.node.planSheet(CHATS);
  session.page.querySelector('.add-tile')!.dispatchEvent('tap');
}

const savedKeys = (wx: NodeWx) => [...wx.node.storage.keys()].filter((k) => k.startsWith(SAVED_PREFIX));

async function expectStoredBytesMatch(session: Launch) {
  const item = session.services.engine.items()[0];
  expect(item.status).toBe('done');
  const stored = await httpGet(item.objectUrl!);
  expect([stored.status, sha256(stored.body)]).toEqual([200, sha256OfFile(bigFile)]);
}

/** Launch 1 gets the first parts stored and is closed with the next ones in flight. */
async function leaveUnfinished(wx: NodeWx) {
  const first = partsNetwork(wx, FREE_PARTS);
  const session = await launch(wx);
  addBigFile(wx, session);
  await waitUntil(() => first.stats.stored.size === FREE_PARTS && first.stats.held.length > 0, 'the first parts are stored, the next in flight', 60_000);
  session.close();
  expect(savedKeys(wx)).toHaveLength(1);
  return first.stats;
}

describe('a large file in parts on the WeChat upload page', () => {
  it('暂停 stops every request of it, keeps the stored parts; 继续 finishes it with the same bytes, nothing sent twice', async () => {
    const wx = createNodeWx();
    const net = partsNetwork(wx, FREE_PARTS);
    const session = await launch(wx);
    try {
      addBigFile(wx, session);
      await waitUntil(() => tile(session)?.status === 'uploading', 'the tile uploads', 30_000);
      // Only a file in parts has the button; it says 暂停 while going.
      await waitUntil(() => tile(session)?.action === zh.pause, 'the tile offers 暂停', 30_000);
      await waitUntil(() => net.stats.stored.size === FREE_PARTS && net.stats.held.length > 0, 'parts in flight after the first are stored', 60_000);
      tile(session)!.tapAction();

      await waitUntil(() => tile(session)?.status === 'paused' && tile(session)?.action === zh.resume, 'the tile is paused and offers 继续', 10_000);
      // No request of it is left in flight: the held parts were aborted, none is on the wire.
      await waitUntil(() => net.stats.open === 0 && wx.node.network.active === 0, 'no requests in flight', 10_000);
      expect(net.stats.held).toEqual([]);
      const t = tile(session)!;
      expect(t.overlay.startsWith(zh.status.paused)).toBe(true);
      expect(t.hint).toBe(zh.tapToResume);
      // The bar keeps the stored parts (not 0, not the estimate of those cut).
      const item = session.services.engine.items()[0];
      expect(item.bytesSent).toBe(FREE_PARTS * PART_BYTES);
      expect(savedKeys(wx)).toHaveLength(1);
      expect(text(session.page.querySelector('.summary-cancelled'))).toBe(zh.pausedCount(1));

      net.release();
      tile(session)!.tapAction();
      await waitUntil(() => session.services.engine.items()[0].status === 'done', 'the file is done', 60_000);
      await expectStoredBytesMatch(session);
      // Every part went on the wire once: the parts stored before the pause were not sent again.
      expect([...net.stats.sent].sort((a, b) => a - b)).toEqual(Array.from({ length: PART_COUNT }, (_, i) => i + 1));
      expect(savedKeys(wx)).toEqual([]);
      expect(wx.node.network.maxConcurrent).toBeLessThanOrEqual(10);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('going to the background cuts it without failing it: paused, then resumed when the app shows again', async () => {
    const wx = createNodeWx();
    const net = partsNetwork(wx, FREE_PARTS);
    const session = await launch(wx);
    try {
      addBigFile(wx, session);
      await waitUntil(() => net.stats.stored.size === FREE_PARTS && net.stats.held.length > 0, 'parts in flight after the first are stored', 60_000);
      wx.node.hideApp();
      // Some seconds after onHide WeChat cuts the app's requests.
      for (const held of [...net.stats.held]) held.cut('request:fail interrupted');
      await waitUntil(() => tile(session)?.status === 'paused', 'the file is paused, not failed', 10_000);
      expect(session.services.engine.items()[0].error).toBeUndefined();
      expect(text(session.page.querySelector('.summary-failed'))).toBe('');

      net.release();
      wx.node.showApp();
      await waitUntil(() => session.services.engine.items()[0].status === 'done', 'the file is done after the app shows again', 60_000);
      await expectStoredBytesMatch(session);
      expect(new Set(net.stats.sent).size).toBe(PART_COUNT);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('the next launch lists it with how far it got; 继续上传 finishes it sending only the parts the store lacked', async () => {
    const wx = createNodeWx();
    const first = await leaveUnfinished(wx);

    const second = partsNetwork(wx);
    const session = await launch(wx);
    try {
      const rows = resumeRows(session);
      expect(rows.map((r) => [r.name, r.note])).toEqual([
        ['clip.mp4', zh.resumeProgress(FREE_PARTS * PART_BYTES, FILE_BYTES)],
      ]);
      expect(text(session.page.querySelector('.resume-title'))).toBe(zh.resumeTitle);
      expect(text(rows[0].continueButton)).toBe(zh.continueUpload);
      expect(text(rows[0].discardButton)).toBe(zh.discard);
      expect(tile(session)).toBeUndefined();

      rows[0].continueButton!.dispatchEvent('tap');
      await waitUntil(() => session.services.engine.items()[0]?.status === 'done', 'the continued file is done', 60_000);
      expect(resumeRows(session)).toEqual([]);
      await expectStoredBytesMatch(session);
      // Sent again: only what the store did not hold, which is at most the parts that were in flight.
      expect(second.stats.sent.length).toBe(PART_COUNT - first.stored.size);
      expect(second.stats.sent.filter((n) => first.stored.has(n))).toEqual([]);
      expect(savedKeys(wx)).toEqual([]);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('放弃 asks, then abandons the upload on the store and clears it from the phone', async () => {
    const wx = createNodeWx();
    await leaveUnfinished(wx);
    const [key] = savedKeys(wx);
    const { uploadToken } = JSON.parse(wx.node.storage.get(key)!) as { uploadToken: string };

    partsNetwork(wx);
    const session = await launch(wx);
    try {
      expect(resumeRows(session)).toHaveLength(1);
      resumeRows(session)[0].discardButton!.dispatchEvent('tap');
      await waitUntil(() => resumeRows(session).length === 0, 'the row goes', 15_000);
      expect(wx.node.modals.at(-1)).toMatchObject({ title: zh.discardConfirmTitle, content: zh.discardConfirm });
      expect(savedKeys(wx)).toEqual([]);
      // Asked as the same person (the dev login's one local user): the store no longer has it.
      const signedIn = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: 'another-login' });
      const bearer = { Authorization: `Bearer ${(signedIn.json as { token: string }).token}` };
      const listed = await postJson(signer.origin, '/api/uploads/list', { uploadToken }, bearer);
      expect([listed.status, (listed.json as { error: { code: string } }).error.code]).toEqual([410, 'UploadExpired']);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('says plainly when the file is gone from the phone, and offers only 放弃', async () => {
    const wx = createNodeWx();
    await leaveUnfinished(wx);
    // The platform cleaned its temp files between launches.
    fs.rmSync(wx.node.diskPath(wx.node.picked[0].tempPath));

    partsNetwork(wx);
    const session = await launch(wx);
    try {
      const [row] = resumeRows(session);
      expect(row.note).toBe(zh.resumeFileGone(FILE_BYTES));
      expect(row.continueButton).toBeUndefined();
      expect(text(row.discardButton)).toBe(zh.discard);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });
});
