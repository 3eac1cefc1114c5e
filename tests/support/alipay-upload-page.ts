// The Alipay upload page as the end-to-end tests open it: the real Page() object
// (driven as its template would), the real services (my adapter + engine) pointed at
// a real signer, and a Node-backed `my` installed as the global `my`. One set-up for
// every e2e file, so each reads only what it checks. It reaches the Alipay app, so it is
// type-checked with the Alipay typings (tests/alipay/tsconfig.json), not the WeChat ones.
import path from 'node:path';
import { createNodeMy, type NodeMy, type NodeMyOptions } from './node-my';
import { loadPage, type PageInstance } from './alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices, type Services } from '../../alipay/services';

const ALIPAY = path.resolve(__dirname, '../../alipay');
/** The "+" tile's sheet on Alipay: 拍照, 从相册选择 (no chat files). */
export const ALBUM = 1;
export const SETTLED = ['done', 'failed', 'cancelled'];

export interface AlipayUploadPage {
  nodeMy: NodeMy;
  services: Services;
  page: PageInstance;
  close(): void;
}

/** Installs a Node my, points the app at the signer and opens the page (onLoad awaited, then onShow unless `show: false`). */
export async function openAlipayUploadPage(signerUrl: string, options: { my?: NodeMyOptions; show?: boolean } = {}): Promise<AlipayUploadPage> {
  const nodeMy = createNodeMy(options.my);
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  const services = buildServices({ config: { ...appConfig, signerUrl } });
  setServices(services);
  const page = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  await page.onLoad();
  if (options.show !== false) page.onShow();
  return {
    nodeMy,
    services,
    page,
    close: () => {
      page.onUnload();
      setServices(undefined);
      delete g.my;
      nodeMy.dispose();
    },
  };
}

/** The + tile, then 从相册选择, handing out these files; resolves when the page has taken them. */
export async function addFromAlbum(session: AlipayUploadPage, files: string[]): Promise<void> {
  session.nodeMy.planPicks(files);
  session.nodeMy.planSheet(ALBUM);
  await session.page.onAdd();
}

/** Every file the engine holds has ended (done, failed or cancelled), and there is at least one. */
export const allSettled = (services: Services): boolean =>
  services.engine.items().length > 0 && services.engine.items().every((item) => SETTLED.includes(item.status));
