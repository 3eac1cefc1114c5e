// Issue 9 D and E on Alipay, end to end: photos uploaded to a private bucket through the
// real upload page, then the signer goes down and the app is opened again. The history
// tab (onLoad, then onShow, as Alipay calls them) asks /api/object-urls once and says
// the failure once, and each entry's link line shows why there is no link (the
// template's own binding, rendered), not a blank line.
import path from 'node:path';
import { createNodeMy } from '../support/node-my';
import { startSigner } from '../support/signer';
import { photoPaths, waitUntil } from '../support/fixtures';
import { loadPage } from '../support/alipay-runtime';
import { axmlText } from '../support/axml-text';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';
import type { EntryView } from '../../miniprogram/shared/ui/history-controller';

const ALIPAY = path.resolve(__dirname, '../../alipay');
const LINK_FAILED = '文件已上传，但没能取得访问链接';
jest.setTimeout(60_000);

it('with the signer down, history asks for links once, says so once, and shows the reason on each entry', async () => {
  const signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
  const nodeMy = createNodeMy();
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  const config = { ...appConfig, signerUrl: signer.origin };
  try {
    setServices(buildServices({ config }));
    const upload = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
    await upload.onLoad();
    nodeMy.planPicks(photoPaths().slice(0, 2));
    nodeMy.planSheet(1); // the + tile's sheet: 拍照, 从相册选择
    await upload.onAdd();
    const cards = () => upload.data.items as CardView[];
    await waitUntil(() => cards().length === 2 && cards().every((c) => c.status === 'done' && c.objectUrl !== ''), 'both uploads done and linked');
    upload.onUnload();

    // The signer stops; the app is opened again later (nothing cached but the device's storage).
    await signer.close();
    setServices(buildServices({ config }));
    const before = { requests: nodeMy.requests.length, toasts: nodeMy.device.toasts.length };

    const history = loadPage(path.join(ALIPAY, 'pages/history/index'))();
    history.onLoad();
    history.onShow();
    const entries = () => history.data.entries as EntryView[];
    await waitUntil(() => entries().length === 2 && entries().every((e) => e.linkText.includes(LINK_FAILED)), 'both entries say why they have no link');
    // Let anything a second refresh would send arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const linkRequests = nodeMy.requests.slice(before.requests).filter((r) => r.url.endsWith('/api/object-urls'));
    expect(linkRequests).toHaveLength(1);
    const toasts = nodeMy.device.toasts.slice(before.toasts).filter((t) => t.includes(LINK_FAILED));
    expect(toasts).toHaveLength(1);

    const template = path.join(ALIPAY, 'pages/history/index.axml');
    for (const item of entries()) {
      expect(item.url).toBe('');
      // The line under the name carries the reason in place of size · time.
      expect(axmlText(template, 'entry-meta', { item })).toBe(item.linkText);
    }
    expect(toasts[0]).toContain('连不上上传服务');
    history.onUnload();
  } finally {
    setServices(undefined);
    delete g.my;
    nodeMy.dispose();
  }
});
