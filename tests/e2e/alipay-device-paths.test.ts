// Issue 9 A, end to end: on a phone my.chooseImage hands out `https://resource/apml<hex>.image`
// paths, which name no type. Nine such photos go through the real Alipay upload page,
// the engine, the `my` adapter and a Node-backed `my` to the real signer and dev bucket:
// none is refused, each object is named .png and served as image/png, byte for byte.
// Once with my.getImageInfo answering, once with it refusing the suffix (the bytes tell).
import path from 'node:path';
import { createNodeMy, type NodeMy } from '../support/node-my';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { loadPage, type PageInstance } from '../support/alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');
jest.setTimeout(60_000);
const PAGE_NOW = new Date(2026, 10, 22, 10, 3).getTime();

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner();
});
afterAll(() => signer.close());

async function uploadNine(nodeMy: NodeMy) {
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  // The pages' clock is pinned: photos picked now are shown as "照片 1 · 今天 10:03".
  const services = buildServices({ config: { ...appConfig, signerUrl: signer.origin }, now: () => PAGE_NOW });
  setServices(services);
  const page: PageInstance = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  try {
    await page.onLoad();
    nodeMy.planPicks(photoPaths());
    nodeMy.planSheet(1); // the + tile's sheet: 拍照, 从相册选择
    await page.onAdd();
    const cards = () => page.data.items as CardView[];
    // Refused files get no card: wait for nine outcomes, whichever they are.
    const settled = () => cards().filter((c) => ['done', 'failed', 'cancelled'].includes(c.status)).length;
    await waitUntil(() => settled() + (page.data.rejections as unknown[]).length === 9, 'nine photos settle or are refused');
    const history = loadPage(path.join(ALIPAY, 'pages/history/index'))();
    history.onLoad();
    const historyNames = (history.data.entries as Array<{ name: string }>).map((e) => e.name);
    history.onUnload();
    return { page, cards: cards(), items: services.engine.items(), historyNames };
  } finally {
    page.onUnload();
    setServices(undefined);
    delete g.my;
  }
}

it.each([
  ['my.getImageInfo names the format', false],
  ['my.getImageInfo refuses the .image suffix, the first bytes tell', true],
])('nine device-path photos upload, each named and served as what it is (%s)', async (_how, imageInfoFails) => {
  const nodeMy = createNodeMy({ imageInfoFails });
  try {
    const { page, cards, items, historyNames } = await uploadNine(nodeMy);
    expect(nodeMy.picked.map((p) => p.path)).toEqual(Array(9).fill(expect.stringMatching(/^https:\/\/resource\/apml[0-9a-f]{32}\.image$/)));
    expect(page.data.rejections).toEqual([]);
    expect(cards.map((c) => c.status)).toEqual(Array(9).fill('done'));
    // Issue 9 G: human names on the cards and in the history, not apml….image.
    const human = Array.from({ length: 9 }, (_, i) => `照片 ${i + 1} · 今天 10:03`);
    expect(cards.map((c) => c.name)).toEqual(human);
    expect([...historyNames].sort()).toEqual([...human].sort());
    // The uploads used the paths the picker gave; the keys carry the real extension.
    expect(nodeMy.uploads.map((u) => u.filePath)).toEqual(nodeMy.picked.map((p) => p.path));
    for (const item of items) {
      expect(item.key).toMatch(/\.png$/);
      const source = nodeMy.picked.find((p) => p.path === item.file.path)!.source;
      const stored = await httpGet(item.objectUrl!);
      expect({ status: stored.status, type: stored.contentType, sha: sha256(stored.body) }).toEqual({ status: 200, type: 'image/png', sha: sha256OfFile(source) });
    }
  } finally {
    nodeMy.dispose();
  }
});
