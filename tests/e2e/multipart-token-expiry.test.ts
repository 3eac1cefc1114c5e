// An upload in parts whose token runs out while it is going (its last parts sent just
// before the token's end, the complete just after): the signer answers 410 UploadExpired
// and the app starts the file again. The first upload must not stay open on the store
// with its parts, billed until a lifecycle rule finds it: the signer takes an expired
// token for an abort (routes/uploads.ts), and the app must give it. Real signer and dev
// bucket on a pinned clock, the real engine and WeChat adapter over the Node-backed wx.
import fs from 'node:fs';
import path from 'node:path';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { createUploadEngine, type UploadItem, type UploadEngineApi } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx } from '../support/node-wx';
import { videoInParts } from '../support/video-in-parts';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const FILE_BYTES = 4 * PART_BYTES + 99;
const TOKEN_TTL_SECONDS = 60;

let clock = new Date('2026-11-22T10:00:00.000Z');
const video = videoInParts('multipart-expiry-', { fileBytes: FILE_BYTES, partBytes: PART_BYTES }, { UPLOAD_MULTIPART_TTL_SECONDS: String(TOKEN_TTL_SECONDS) }, { now: () => clock });

/** Uploads in parts the dev bucket holds open (neither completed nor aborted). */
const openUploads = () => fs.readdirSync(path.join(video.signer.dataDir, 'multipart'));

async function settled(engine: UploadEngineApi): Promise<UploadItem> {
  await waitUntil(() => engine.items().length > 0 && engine.items().every((i) => ['done', 'failed', 'cancelled'].includes(i.status)), 'the file to settle', 40_000);
  return engine.items()[0];
}

it('aborts the upload whose token ran out mid-way when it starts the file again', async () => {
  const wx = createNodeWx();
  const real = wx.request;
  let completes = 0;
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (o.method === 'POST' && o.url.endsWith('/api/uploads/complete') && ++completes === 1) {
      // Every part was sent in time; the complete arrives after the token's end.
      clock = new Date(clock.getTime() + (TOKEN_TTL_SECONDS + 1) * 1000);
    }
    return real(o);
  }) as typeof wx.request;
  const uninstall = installNodeWx(wx);
  try {
    const platform = createWechatPlatform();
    const engine = createUploadEngine({ signerUrl: video.signer.origin, transport: platform, storage: platform.storage, retry: { delays: [10] } });
    await engine.add([{ path: video.path, size: FILE_BYTES, name: 'clip.mp4', type: 'video/mp4', kind: 'video' }]);
    const item = await settled(engine);
    expect(item.status).toBe('done');
    expect(completes).toBe(2);
    expect(sha256((await httpGet(item.objectUrl!)).body)).toBe(sha256OfFile(video.path));
    // The first upload, its four parts stored, was given up on the store, not left open.
    await waitUntil(() => openUploads().length === 0, 'the first upload to be aborted', 5_000).catch(() => undefined);
    expect(openUploads()).toEqual([]);
  } finally {
    uninstall();
    wx.node.dispose();
  }
});
