// The store drops an upload in parts while its parts are going (a lifecycle rule that
// aborts incomplete uploads, the dev bucket's UPLOAD_MULTIPART_ABANDON_SECONDS sweep): the
// next part PUT hears 404 NoSuchUpload from the store itself. That is the store's word for
// "this upload is gone", which the signer turns into 410 UploadExpired on every step, and
// after which the app starts the file again once; from a part PUT it must mean the same,
// not a failure the person has to retry by hand. Real signer and dev bucket, the real engine
// and WeChat adapter over the Node-backed wx; the rule is played by the S3 SDK's abort.
import { AbortMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import { createUploadEngine, type UploadEngineApi } from '../../miniprogram/shared/core/index';
import { createNodeWx, installNodeWx } from '../support/node-wx';
import { videoInParts } from '../support/video-in-parts';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const FILE_BYTES = 5 * PART_BYTES + 3;

const video = videoInParts('multipart-dropped-', { fileBytes: FILE_BYTES, partBytes: PART_BYTES });

function lifecycleRule(): S3Client {
  return new S3Client({
    region: video.signer.config.region,
    endpoint: video.signer.origin,
    forcePathStyle: true,
    credentials: { accessKeyId: video.signer.config.credentials.accessKeyId, secretAccessKey: video.signer.config.credentials.accessKeySecret },
  });
}

it('starts the file again when a part PUT hears NoSuchUpload, and ends done with the same bytes', async () => {
  const wx = createNodeWx();
  const real = wx.request;
  const s3 = lifecycleRule();
  let stored = 0;
  let dropped: Promise<unknown> | undefined;
  const refusals: string[] = [];
  wx.request = ((o: WechatMiniprogram.RequestOption) => {
    if (!(o.method === 'PUT' && o.url.includes('partNumber='))) return real(o);
    const url = new URL(o.url);
    return real({
      ...o,
      success: (res) => {
        if (res.statusCode === 404) refusals.push(String(res.data));
        if (res.statusCode === 200 && ++stored === 2 && !dropped) {
          // The rule runs: the store forgets the upload and its parts.
          const key = decodeURIComponent(url.pathname.replace(/^\/dev-bucket\//, ''));
          dropped = s3.send(new AbortMultipartUploadCommand({ Bucket: 'dev-bucket', Key: key, UploadId: url.searchParams.get('uploadId')! }));
          void dropped.then(() => o.success?.(res));
          return;
        }
        o.success?.(res);
      },
    });
  }) as typeof wx.request;
  const uninstall = installNodeWx(wx);
  let engine: UploadEngineApi;
  try {
    const platform = createWechatPlatform();
    engine = createUploadEngine({ signerUrl: video.signer.origin, transport: platform, storage: platform.storage, concurrency: 1, retry: { delays: [10] } });
    await engine.add([{ path: video.path, size: FILE_BYTES, name: 'clip.mp4', type: 'video/mp4', kind: 'video' }]);
    await waitUntil(() => ['done', 'failed'].includes(engine.items()[0]?.status), 'the file to settle', 40_000);
    expect(refusals.some((body) => body.includes('NoSuchUpload'))).toBe(true);
    const item = engine.items()[0];
    expect([item.status, item.error?.code]).toEqual(['done', undefined]);
    expect(sha256((await httpGet(item.objectUrl!)).body)).toBe(sha256OfFile(video.path));
  } finally {
    uninstall();
    wx.node.dispose();
    s3.destroy();
  }
});
