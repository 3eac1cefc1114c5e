// The WeChat upload page as the end-to-end tests open it: the real page in
// miniprogram-simulate, the real services (WeChat adapter + engine) pointed at a real
// signer, and a Node-backed `wx` installed as the simulator's `wx`. One set-up for
// every e2e file, so each reads only what it checks.
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { installNodeWx, type NodeWx } from './node-wx';
import { appConfig, type AppConfig } from '../../miniprogram/config';
import { buildServices, setServices, type Services } from '../../miniprogram/services';

const MINIPROGRAM = path.resolve(__dirname, '../../miniprogram');
const UPLOAD_PAGE = path.join(MINIPROGRAM, 'pages/upload/index');
/** The "+" tile's sheet on WeChat: 拍照, 从相册选择, 从聊天选择文件. */
export const ALBUM = 1;
/** A done tile's long-press sheet starts with 复制链接. */
export const COPY = 0;
export const SETTLED = ['done', 'failed', 'cancelled'];

export interface WechatUploadPage {
  wx: NodeWx;
  services: Services;
  page: ReturnType<typeof simulate.render>;
  close(): void;
}

let pageId: string | undefined;
/**
 * Loaded once per test file (each file has its own module registry): loading the same
 * path twice in one registry renders nothing (require cache).
 */
const uploadPageId = () => (pageId ??= simulate.load(UPLOAD_PAGE, { rootPath: MINIPROGRAM }));

/** Installs the Node wx, points the app at the signer and opens the page (its onLoad run and awaited). */
export async function openWechatUploadPage(
  wx: NodeWx,
  signerUrl: string,
  options: { config?: Partial<AppConfig>; now?: () => number } = {},
): Promise<WechatUploadPage> {
  const id = uploadPageId();
  const uninstall = installNodeWx(wx);
  const services = buildServices({ config: { ...appConfig, signerUrl, ...options.config }, ...(options.now ? { now: options.now } : {}) });
  setServices(services);
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  // Only Component lifecycles run in the simulator: a page's onLoad is ours to call.
  await (page.instance as unknown as { onLoad(): Promise<void> }).onLoad();
  return {
    wx,
    services,
    page,
    close: () => {
      (page.instance as unknown as { onUnload(): void }).onUnload();
      page.detach();
      setServices(undefined);
      uninstall();
      wx.node.dispose();
    },
  };
}

/** The + tile, then 从相册选择: the Node wx hands out the media it was given. */
export function addFromAlbum(session: WechatUploadPage): void {
  session.wx.node.planSheet(ALBUM);
  const tile = session.page.querySelector('.add-tile');
  if (!tile) throw new Error('.add-tile is not on the page');
  tile.dispatchEvent('tap');
}

/** Every file the engine holds has ended (done, failed or cancelled), and there is at least one. */
export const allSettled = (services: Services): boolean =>
  services.engine.items().length > 0 && services.engine.items().every((item) => SETTLED.includes(item.status));
