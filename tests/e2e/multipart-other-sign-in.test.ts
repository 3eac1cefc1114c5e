// A saved upload in parts started under one sign-in (or anonymously, before a sign-in
// worked) and found on a launch signed in as someone else: the signer refuses every step
// of it with 403 Forbidden ("started by someone else"). The 继续上传 row must still be
// something the person can act on: 放弃 forgets it (it cannot be aborted by this caller),
// and 继续上传 sends the file again under the current sign-in, as for an upload the signer
// no longer knows. Real signer and dev bucket, the real services over the Node-backed wx.
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { appConfig } from '../../miniprogram/config';
import { buildAppServices } from '../../miniprogram/shared/ui/index';
import type { UploadItem, UploadEngineApi } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { videoInParts } from '../support/video-in-parts';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const FILE_BYTES = 5 * PART_BYTES + 777;
const SAVED = 'multipart-upload:';

const video = videoInParts('multipart-other-user-', { fileBytes: FILE_BYTES, partBytes: PART_BYTES });

const isPartPut = (o: WechatMiniprogram.RequestOption) => o.method === 'PUT' && o.url.includes('partNumber=');

/** After `cutAfter` parts are stored, every part PUT fails as a dropped network. */
function cutNetwork(wx: NodeWx, cutAfter: number): void {
  const real = wx.request;
  let stored = 0;
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (!isPartPut(o)) return real(o);
    if (stored >= cutAfter) {
      setImmediate(() => o.fail?.({ errMsg: 'request:fail network is down' } as WechatMiniprogram.RequestFailCallbackErr));
      return { abort: () => undefined } as WechatMiniprogram.RequestTask;
    }
    return real({ ...o, success: (res) => ((stored += res.statusCode === 200 ? 1 : 0), o.success?.(res)) });
  }) as typeof wx.request;
}

function launch(wx: NodeWx): { engine: UploadEngineApi; close(): void } {
  const uninstall = installNodeWx(wx);
  const services = buildAppServices(createWechatPlatform(), { config: { ...appConfig, signerUrl: video.signer.origin, concurrency: 2 } });
  return { engine: services.engine, close: uninstall };
}

async function settled(engine: UploadEngineApi): Promise<UploadItem> {
  await waitUntil(() => engine.items().length > 0 && engine.items().every((i) => ['done', 'failed', 'cancelled'].includes(i.status)), 'the file to settle', 40_000);
  return engine.items()[0];
}

/** Alice starts the upload; it fails with two parts stored and stays saved for a later launch. */
async function aliceLeavesAnUpload(wx: NodeWx, user: { name: string }): Promise<void> {
  user.name = 'dev:alice';
  const realRequest = wx.request;
  cutNetwork(wx, 2);
  const first = launch(wx);
  try {
    await first.engine.add([{ path: video.path, size: FILE_BYTES, name: 'clip.mp4', type: 'video/mp4', kind: 'video' }]);
    const item = await settled(first.engine);
    expect(item.status).toBe('failed');
  } finally {
    first.close();
  }
  wx.request = realRequest;
  expect([...wx.node.storage.keys()].filter((k) => k.startsWith(SAVED))).toHaveLength(1);
  user.name = 'dev:bob';
}

describe('a saved upload in parts from another sign-in', () => {
  it('放弃 forgets it instead of failing every time (the signer will never abort it for this caller)', async () => {
    const user = { name: '' };
    const wx = createNodeWx({ loginCode: () => user.name });
    try {
      await aliceLeavesAnUpload(wx, user);
      const second = launch(wx);
      try {
        const [row] = second.engine.unfinished();
        expect(row).toBeDefined();
        await expect(second.engine.discardSaved(row.id)).resolves.toBeUndefined();
        expect(second.engine.unfinished()).toEqual([]);
        expect([...wx.node.storage.keys()].filter((k) => k.startsWith(SAVED))).toEqual([]);
      } finally {
        second.close();
      }
    } finally {
      wx.node.dispose();
    }
  });

  it('继续上传 sends the file again under the current sign-in, instead of failing as denied for good', async () => {
    const user = { name: '' };
    const wx = createNodeWx({ loginCode: () => user.name });
    try {
      await aliceLeavesAnUpload(wx, user);
      const second = launch(wx);
      try {
        const [row] = second.engine.unfinished();
        second.engine.continueSaved(row.id);
        const item = await settled(second.engine);
        expect([item.status, item.error?.reason]).toEqual(['done', undefined]);
        expect(item.key).toMatch(/^uploads\/[^/]+\//);
        const stored = await httpGet(item.objectUrl!);
        expect([stored.status, sha256(stored.body)]).toEqual([200, sha256OfFile(video.path)]);
        expect([...wx.node.storage.keys()].filter((k) => k.startsWith(SAVED))).toEqual([]);
      } finally {
        second.close();
      }
    } finally {
      wx.node.dispose();
    }
  });
});
