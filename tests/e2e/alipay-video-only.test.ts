// A signer that takes only videos (UPLOAD_ALLOWED_TYPES=video/mp4), end to end on Alipay:
// the real upload page, the engine, the `my` adapter and a Node-backed `my` whose
// my.chooseVideo hands out a phone's `https://resource/apml<hex>.video` path, to the real
// signer and dev bucket. The person taps +, chooses the album, picks a video, and it is
// stored byte for byte as video/mp4; closing the picker instead leaves the page as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createNodeMy, type NodeMy } from '../support/node-my';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { loadPage, type PageInstance } from '../support/alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');
jest.setTimeout(60_000);
const PAGE_NOW = new Date(2026, 10, 22, 10, 3).getTime();

let signer: RunningSigner;
let dir: string;
let clip: string;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_ALLOWED_TYPES: 'video/mp4' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-video-only-'));
  clip = path.join(dir, 'clip.mp4');
  // An MP4's own start (ISO BMFF, brand isom), then bytes: enough for every check on the way.
  const head = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41', 'latin1')]);
  fs.writeFileSync(clip, Buffer.concat([head, randomBytes(300_000)]));
});
afterAll(async () => {
  await signer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withPage(nodeMy: NodeMy, run: (page: PageInstance, services: ReturnType<typeof buildServices>) => Promise<void>) {
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  const services = buildServices({ config: { ...appConfig, signerUrl: signer.origin }, now: () => PAGE_NOW });
  setServices(services);
  const page: PageInstance = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  try {
    await page.onLoad();
    await run(page, services);
  } finally {
    page.onUnload();
    setServices(undefined);
    delete g.my;
    nodeMy.dispose();
  }
}

it.each([
  ['my.getVideoInfo names the container', false],
  ['my.getVideoInfo cannot read the path, the first bytes tell', true],
])('a person picks a video from the album and it uploads (%s)', async (_how, videoInfoFails) => {
  const nodeMy = createNodeMy({ videoInfoFails });
  await withPage(nodeMy, async (page, services) => {
    expect(page.data.limitsState).toBe('ready');
    nodeMy.planPicks([clip]);
    nodeMy.planSheet(1); // the + tile's sheet: 拍摄视频, 从相册选择视频
    await page.onAdd();
    const card = () => (page.data.items as CardView[])[0];
    await waitUntil(() => card()?.status === 'done', 'the video is uploaded');

    // The sheet promises what the pickers will open: videos, not photos.
    expect(nodeMy.sheets).toEqual([['拍摄视频', '从相册选择视频']]);
    expect(nodeMy.picked.map((p) => p.path)).toEqual([expect.stringMatching(/^https:\/\/resource\/apml[0-9a-f]{32}\.video$/)]);
    expect(page.data.rejections).toEqual([]);
    expect(nodeMy.device.toasts).toEqual([]);
    expect(card()).toMatchObject({ name: '视频 1 · 今天 10:03', badge: 'MP4', status: 'done' });
    // Sent from the path the picker gave; the key carries the real extension, the store the real type.
    expect(nodeMy.uploads.map((u) => u.filePath)).toEqual([nodeMy.picked[0].path]);
    const [item] = services.engine.items();
    expect(item.key).toMatch(/\.mp4$/);
    const stored = await httpGet(item.objectUrl!);
    expect({ status: stored.status, type: stored.contentType, sha: sha256(stored.body) }).toEqual({ status: 200, type: 'video/mp4', sha: sha256OfFile(clip) });
  });
});

it('closing the video picker is quiet: no tile, no refusal, no toast, and + still adds', async () => {
  const nodeMy = createNodeMy();
  const opened: string[] = [];
  const chooseVideo = nodeMy.my.chooseVideo;
  nodeMy.my.chooseVideo = (o: Record<string, unknown>) => (opened.push('chooseVideo'), chooseVideo(o));
  await withPage(nodeMy, async (page) => {
    nodeMy.planSheet(1); // nothing planned: the person closes the picker (error 11)
    await page.onAdd();
    expect(opened).toEqual(['chooseVideo']);
    expect(page.data.items).toEqual([]);
    expect(page.data.rejections).toEqual([]);
    expect(nodeMy.device.toasts).toEqual([]);
    expect(page.data).toMatchObject({ busy: false, canAdd: true });
  });
});
