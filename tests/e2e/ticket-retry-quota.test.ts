// A ticket request whose answer is lost (the signer ticketed the photo, the phone heard a
// timeout) and that the person then retries must not count the photo twice against the daily
// file quota: the app sends the same idempotencyKey for the file on every request, and the
// signer answers the retry with a fresh ticket for the key it picked first, uncounted. Real
// signer and dev bucket on a pinned clock, a quota of 2 files, the real engine and WeChat
// adapter over the Node-backed wx, whose first ticket answer is dropped on the way back.
import fs from 'node:fs';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { createUploadEngine, type UploadEngineApi, type UploadItem } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx } from '../support/node-wx';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { startSigner, type RunningSigner } from '../support/signer';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-22T10:00:00.000Z');
let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_QUOTA_FILES_PER_DAY: '2' }, { now: () => NOW });
});
afterAll(() => signer?.close());

const picked = (path: string) => ({ path, size: fs.statSync(path).size, name: path.split('/').pop()!, type: 'image/png', kind: 'image' as const });
const settledItem = async (engine: UploadEngineApi, index: number): Promise<UploadItem> => {
  await waitUntil(() => ['done', 'failed', 'cancelled'].includes(engine.items()[index]?.status ?? ''), `file ${index + 1} to settle`, 30_000);
  return engine.items()[index];
};

it('a photo whose ticket answer was lost and is retried counts once: the quota of 2 still takes a second photo', async () => {
  const wx = createNodeWx();
  const real = wx.request;
  const ticketBodies: { files: { idempotencyKey?: string }[] }[] = [];
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (o.method === 'POST' && o.url.endsWith('/api/tickets')) {
      ticketBodies.push(JSON.parse(String(o.data)));
      if (ticketBodies.length === 1) {
        // The signer answers (and counts the photo), but the answer never reaches the phone.
        const lost = { errMsg: 'request:fail timeout', errno: 5, exception: undefined, useHttpDNS: false } as unknown as WechatMiniprogram.RequestFailCallbackErr;
        return real({ ...o, success: () => o.fail?.(lost), complete: () => o.complete?.(lost) });
      }
    }
    return real(o);
  }) as typeof wx.request;
  const uninstall = installNodeWx(wx);
  try {
    const platform = createWechatPlatform();
    const engine = createUploadEngine({ signerUrl: signer.origin, transport: platform, storage: platform.storage, retry: { delays: [10] } });
    const [first, second, third] = photoPaths();
    await engine.add([picked(first)]);
    const lost = await settledItem(engine, 0);
    expect([lost.status, lost.error?.retryable]).toEqual(['failed', true]);

    engine.retry(lost.id);
    await waitUntil(() => engine.items()[0].status === 'done', 'the retried photo to be stored', 30_000);
    const stored = engine.items()[0];
    expect(sha256((await httpGet(stored.objectUrl!)).body)).toBe(sha256OfFile(first));
    // Both requests named the photo by the same key.
    const [asked, askedAgain] = ticketBodies.map((body) => body.files[0].idempotencyKey);
    expect(asked).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(askedAgain).toBe(asked);

    // Counted once: the quota of 2 takes one more photo, and then no more.
    await engine.add([picked(second)]);
    expect((await settledItem(engine, 1)).status).toBe('done');
    await engine.add([picked(third)]);
    const refused = await settledItem(engine, 2);
    expect([refused.status, refused.error?.reason]).toEqual(['failed', 'quota']);
    // Each photo had its own key.
    expect(new Set(ticketBodies.map((body) => body.files[0].idempotencyKey)).size).toBe(3);
  } finally {
    uninstall();
    wx.node.dispose();
  }
});
