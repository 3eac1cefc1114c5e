// Issue 9 B, end to end: the real upload page (miniprogram-simulate), the real engine
// and WeChat adapter, a Node-backed `wx` doing real multipart POSTs, the real signer
// and dev bucket, with a loopback proxy between them that swallows the first upload
// (every byte read, no answer: the phone would sit at "上传中 99%"). The card says
// plainly that it is waiting for the network, the try is cut when no bytes have moved
// for the stall window, and the retry stores the photo. The stall window is shortened
// for the test through the engine's own option (3 s, not 15 s).
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { createNodeWx, installNodeWx } from '../support/node-wx';
import { startSigner, type RunningSigner } from '../support/signer';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../miniprogram/services';
import { createUploadEngine } from '../../miniprogram/shared/core/engine';

const MINIPROGRAM = path.resolve(__dirname, '../../miniprogram');
/** Long enough that a healthy loopback upload never looks quiet, even on a loaded machine. */
const STALL = { slowAfterMs: 1_000, stallAfterMs: 3_000 };

jest.setTimeout(60_000);

let signer: RunningSigner;
let proxy: StallingProxy;
let pageId: string;
beforeAll(async () => {
  signer = await startSigner();
  proxy = await startStallingProxy(signer.origin);
  pageId = simulate.load(path.join(MINIPROGRAM, 'pages/upload/index'), { rootPath: MINIPROGRAM });
});
afterAll(async () => {
  await proxy.close();
  await signer.close();
});

const text = (node: { dom: unknown } | undefined) => ((node?.dom as HTMLElement | undefined)?.textContent ?? '').trim();

it('a swallowed upload says it waits for the network, is cut after the quiet window and retried to done', async () => {
  const photo = photoPaths()[3];
  const wx = createNodeWx({ media: [[{ path: photo }]] });
  const restore = installNodeWx(wx);
  const services = buildServices({
    config: { ...appConfig, signerUrl: proxy.origin },
    createEngine: (platform, config) =>
      createUploadEngine({ signerUrl: config.signerUrl, transport: platform, lang: platform.language(), concurrency: config.concurrency, stall: STALL }),
  });
  setServices(services);
  const page = simulate.render(pageId);
  page.attach(document.createElement('parent-wrapper'));
  const instance = page.instance as unknown as { onLoad(): Promise<void>; onUnload(): void };
  try {
    await instance.onLoad();
    proxy.stallNextUploads(1);
    wx.node.planSheet(1); // the + tile's sheet: 从相册选择
    page.querySelector('.add-tile')!.dispatchEvent('tap');

    // The tile's note (under the picture) says it; the tile's class carries its state.
    const tile = () => page.querySelector('.grid-cell')?.querySelector('.tile');
    const note = () => text(page.querySelector('.grid-cell')?.querySelector('.note'));
    await waitUntil(() => note() === '网络很慢，正在等待…', 'the tile says it is waiting for the network');
    expect(proxy.stalled).toBe(1);
    await waitUntil(() => ((tile()?.dom as HTMLElement | undefined)?.className ?? '').includes('tile--done'), 'the retried upload is done');

    const uploads = wx.node.network.log.filter((r) => r.api === 'uploadFile');
    expect(uploads.map((u) => u.outcome)).toEqual(['uploadFile:fail abort', 201]);
    // The same ticket carried the retry: a stall says nothing against it.
    expect(wx.node.network.log.filter((r) => r.url.endsWith('/api/tickets'))).toHaveLength(1);
    const [item] = services.engine.items();
    const stored = await httpGet(item.objectUrl!);
    expect({ status: stored.status, sha: sha256(stored.body) }).toEqual({ status: 200, sha: sha256OfFile(photo) });
  } finally {
    instance.onUnload();
    page.detach();
    setServices(undefined);
    restore();
    wx.node.dispose();
  }
});
