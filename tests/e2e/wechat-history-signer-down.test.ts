// Issue 9 D on WeChat, end to end: photos uploaded to a private bucket through the real
// upload page (miniprogram-simulate, real engine and adapter, Node-backed `wx`, real
// signer and dev bucket), then the signer goes down and the app is opened again. The
// history tab, opened (onLoad, then onShow), sends /api/object-urls once and shows the
// failure in one modal, and each rendered entry says why it has no link.
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { createNodeWx, installNodeWx } from '../support/node-wx';
import { startSigner } from '../support/signer';
import { photoPaths, waitUntil } from '../support/fixtures';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../miniprogram/services';

const MINIPROGRAM = path.resolve(__dirname, '../../miniprogram');
const LINK_FAILED = '文件已上传，但没能取得访问链接';
jest.setTimeout(60_000);

let uploadPage: string;
let historyPage: string;
beforeAll(() => {
  uploadPage = simulate.load(path.join(MINIPROGRAM, 'pages/upload/index'), { rootPath: MINIPROGRAM });
  historyPage = simulate.load(path.join(MINIPROGRAM, 'pages/history/index'), { rootPath: MINIPROGRAM });
});

type Lifecycles = { onLoad(): unknown; onShow(): unknown; onUnload(): void };
const text = (node: { dom: unknown } | undefined) => ((node?.dom as HTMLElement | undefined)?.textContent ?? '').trim();

it('with the signer down, opening history asks for links once and says so once', async () => {
  const signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
  const wx = createNodeWx({ media: [photoPaths().slice(0, 2).map((p) => ({ path: p }))] });
  const restore = installNodeWx(wx);
  const config = { ...appConfig, signerUrl: signer.origin };
  try {
    const services = buildServices({ config });
    setServices(services);
    const upload = simulate.render(uploadPage);
    upload.attach(document.createElement('parent-wrapper'));
    await (upload.instance as unknown as Lifecycles).onLoad();
    wx.node.planSheet(1); // the + tile's sheet: 从相册选择
    upload.querySelector('.add-tile')!.dispatchEvent('tap');
    await waitUntil(() => services.engine.items().length === 2 && services.engine.items().every((i) => i.link?.state === 'ready'), 'both uploads done and linked');
    (upload.instance as unknown as Lifecycles).onUnload();
    upload.detach();

    // The signer stops; the app is opened again later (only the device's storage remains).
    await signer.close();
    setServices(buildServices({ config }));
    const sentBefore = wx.node.network.log.length;
    const modalsBefore = wx.node.modals.length;

    const history = simulate.render(historyPage);
    history.attach(document.createElement('parent-wrapper'));
    const page = history.instance as unknown as Lifecycles;
    page.onLoad();
    page.onShow();
    // The line under the name says why the link is missing (instead of size · time).
    const lines = () => history.querySelectorAll('.entry-meta').map(text);
    await waitUntil(() => lines().length === 2 && lines().every((l) => l.includes(LINK_FAILED)), 'both entries say why they have no link');
    await new Promise((resolve) => setTimeout(resolve, 200)); // anything a second refresh would send, sent

    const linkRequests = wx.node.network.log.slice(sentBefore).filter((r) => r.url.endsWith('/api/object-urls'));
    expect(linkRequests).toHaveLength(1);
    const modals = wx.node.modals.slice(modalsBefore).filter((m) => m.content?.includes(LINK_FAILED));
    expect(modals).toHaveLength(1);
    page.onUnload();
    history.detach();
  } finally {
    setServices(undefined);
    restore();
    wx.node.dispose();
  }
});
