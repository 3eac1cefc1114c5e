// An upload in parts on a phone whose storage is full (WeChat's 10 MB per app: setStorageSync
// throws). It cannot be continued after the app is closed, but within the run a pause, a
// retry and a removal must still know the upload it started: 继续 goes on from the parts the
// store holds instead of starting a second upload and sending every part again, and the
// first upload is not left open on the store with nobody holding its token. Real signer and
// dev bucket, the real engine and WeChat adapter over the Node-backed wx.
import fs from 'node:fs';
import path from 'node:path';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { createUploadEngine, type UploadEngineApi } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { videoInParts } from '../support/video-in-parts';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const FILE_BYTES = 6 * PART_BYTES + 5;
const PART_COUNT = 7;
const CONCURRENCY = 2;

const video = videoInParts('multipart-storage-full-', { fileBytes: FILE_BYTES, partBytes: PART_BYTES });

/** Uploads in parts the dev bucket holds open (neither completed nor aborted), other than those of earlier tests. */
let earlier = new Set<string>();
const openUploads = () => fs.readdirSync(path.join(video.signer.dataDir, 'multipart')).filter((id) => !earlier.has(id));
beforeEach(() => {
  earlier = new Set(fs.readdirSync(path.join(video.signer.dataDir, 'multipart')));
});
const partOf = (url: string) => Number(/[?&]partNumber=(\d+)/.exec(url)?.[1]);

/** Storage full, as WeChat says it; part PUTs counted; `onStored` hears each stored part. */
function phone(onStored: (stored: number) => void) {
  const wx = createNodeWx();
  wx.setStorageSync = (() => {
    throw { errMsg: 'setStorageSync:fail exceed storage max size 10MB' };
  }) as typeof wx.setStorageSync;
  const real = wx.request;
  const sent: number[] = [];
  let stored = 0;
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (!(o.method === 'PUT' && o.url.includes('partNumber='))) return real(o);
    sent.push(partOf(o.url));
    return real({ ...o, success: (res) => (res.statusCode === 200 && onStored(++stored), o.success?.(res)) });
  }) as typeof wx.request;
  return { wx, sent };
}

function launch(wx: NodeWx): { engine: UploadEngineApi; close(): void } {
  const uninstall = installNodeWx(wx);
  const platform = createWechatPlatform();
  const engine = createUploadEngine({ signerUrl: video.signer.origin, transport: platform, storage: platform.storage, concurrency: CONCURRENCY, retry: { delays: [10] } });
  return { engine, close: uninstall };
}

const file = () => ({ path: video.path, size: FILE_BYTES, name: 'clip.mp4', type: 'video/mp4', kind: 'video' as const });

describe('an upload in parts with the storage full', () => {
  it('继续 after 暂停 goes on from the stored parts, one upload on the store, every part sent about once', async () => {
    let engine: UploadEngineApi | undefined;
    const { wx, sent } = phone((stored) => {
      if (stored === 3) engine!.pause(engine!.items()[0].id);
    });
    const session = launch(wx);
    engine = session.engine;
    try {
      await engine.add([file()]);
      await waitUntil(() => engine!.items()[0].status === 'paused', 'the pause', 20_000);
      engine.resume(engine.items()[0].id);
      await waitUntil(() => ['done', 'failed'].includes(engine!.items()[0].status), 'the file to settle', 30_000);
      const item = engine.items()[0];
      expect(item.status).toBe('done');
      expect(sha256((await httpGet(item.objectUrl!)).body)).toBe(sha256OfFile(video.path));
      // At most the parts in flight at the pause are sent twice; the three stored are not.
      expect(sent.length).toBeLessThanOrEqual(PART_COUNT + CONCURRENCY);
      expect(openUploads()).toEqual([]);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });

  it('removing the card aborts the upload on the store', async () => {
    let engine: UploadEngineApi | undefined;
    const { wx } = phone((stored) => {
      if (stored === 2) engine!.pause(engine!.items()[0].id);
    });
    const session = launch(wx);
    engine = session.engine;
    try {
      await engine.add([file()]);
      await waitUntil(() => engine!.items()[0].status === 'paused', 'the pause', 20_000);
      expect(openUploads()).toHaveLength(1);
      engine.remove(engine.items()[0].id);
      await waitUntil(() => openUploads().length === 0, 'the abort', 5_000).catch(() => undefined);
      expect(openUploads()).toEqual([]);
    } finally {
      session.close();
      wx.node.dispose();
    }
  });
});
