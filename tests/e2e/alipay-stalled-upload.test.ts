// Issue 9 B on Alipay, end to end: the real Alipay upload page, the engine and `my`
// adapter, a Node-backed `my` doing real multipart POSTs, the real signer and dev
// bucket behind a loopback proxy that swallows the first upload (read to the end, never
// answered). The card says it is waiting for the network, the try is cut after the
// quiet window (shortened to 3 s through the engine's option) and the retry stores it.
import path from 'node:path';
import { createNodeMy } from '../support/node-my';
import { startSigner, type RunningSigner } from '../support/signer';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { loadPage } from '../support/alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import { createUploadEngine } from '../../miniprogram/shared/core/engine';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');
/** Long enough that a healthy loopback upload never looks quiet, even on a loaded machine. */
const STALL = { slowAfterMs: 1_000, stallAfterMs: 3_000 };
jest.setTimeout(60_000);

let signer: RunningSigner;
let proxy: StallingProxy;
beforeAll(async () => {
  signer = await startSigner();
  proxy = await startStallingProxy(signer.origin);
});
afterAll(async () => {
  await proxy.close();
  await signer.close();
});

it('a swallowed upload says it waits for the network, is cut after the quiet window and retried to done', async () => {
  const nodeMy = createNodeMy();
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  const services = buildServices({
    config: { ...appConfig, signerUrl: proxy.origin },
    createEngine: (platform, config) =>
      createUploadEngine({ signerUrl: config.signerUrl, transport: platform, lang: platform.language(), concurrency: config.concurrency, stall: STALL }),
  });
  setServices(services);
  const page = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  try {
    await page.onLoad();
    proxy.stallNextUploads(1);
    const photo = photoPaths()[5];
    nodeMy.planPicks([photo]);
    nodeMy.planSheet(1); // the + tile's sheet: 拍照, 从相册选择
    await page.onAdd();
    const card = () => (page.data.items as CardView[])[0];
    await waitUntil(() => card()?.statusText === '网络很慢，正在等待…', 'the card says it is waiting for the network');
    await waitUntil(() => card().status === 'done', 'the retried upload is done');

    expect(proxy.stalled).toBe(1);
    // Alipay reports our abort as error 9; the retry answered with the dev bucket's 201.
    expect(nodeMy.uploads.map((u) => u.outcome)).toEqual(['error 9', 201]);
    const stored = await httpGet(card().objectUrl);
    expect({ status: stored.status, sha: sha256(stored.body) }).toEqual({ status: 200, sha: sha256OfFile(photo) });
  } finally {
    page.onUnload();
    setServices(undefined);
    delete g.my;
    nodeMy.dispose();
  }
});
