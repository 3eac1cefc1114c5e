// End to end on Alipay, with nothing faked but the phone: the real Alipay upload and
// history pages (their Page() objects, driven as the template would), the shared
// controller, the real engine and `my` adapter, a Node-backed `my` whose uploadFile
// is a real multipart POST, and the real signer with its dev bucket on an ephemeral
// port. Assertions read the page's data and the bytes the bucket stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import { cameraJpeg } from '../support/camera-jpeg';
import { addFromAlbum, openAlipayUploadPage, SETTLED, type AlipayUploadPage as Session } from '../support/alipay-upload-page';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { loadComponent, loadPage } from '../support/alipay-runtime';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');

jest.setTimeout(60_000);

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner();
});
afterAll(() => signer.close());

const openUploadPage = () => openAlipayUploadPage(signer.origin);

const cards = (s: Session) => s.page.data.items as CardView[];

it('the empty page points to what Alipay can pick (photos), not to chat files it has no picker for', async () => {
  const session = await openUploadPage();
  try {
    expect(session.page.data.t.emptyHint).toBe('可从相册或相机添加。照片会直接上传，上传后可复制链接。');
  } finally {
    session.close();
  }
});

it('picks nine photos, uploads them for real and shows a link for each; the bucket holds the same bytes', async () => {
  const session = await openUploadPage();
  try {
    expect(session.page.data.limitsState).toBe('ready');
    expect(session.page.data.canAdd).toBe(true);

    await addFromAlbum(session, photoPaths()); // the + tile's sheet: 拍照, 从相册选择 (no chat files on Alipay)
    expect(session.nodeMy.sheets).toEqual([['拍照', '从相册选择']]);
    await waitUntil(() => cards(session).length === 9 && cards(session).every((c) => SETTLED.includes(c.status)), 'all nine cards settled');

    expect(cards(session).map((c) => c.status)).toEqual(Array(9).fill('done'));
    expect(session.page.data.summary.countText).toBe('已上传 9/9');
    // Alipay's uploadFile was called as the IDE demands: fileType image, and the dev bucket's 201 (successStatus) read from the string statusCode.
    expect(session.nodeMy.uploads.map((u) => [u.fileType, u.outcome])).toEqual(Array(9).fill(['image', 201]));

    const links = cards(session).map((c) => c.objectUrl);
    expect(new Set(links).size).toBe(9);
    for (const [i, card] of cards(session).entries()) {
      expect(card.canCopy).toBe(true);
      const stored = await httpGet(card.objectUrl);
      expect(stored.status).toBe(200);
      // Cards are in pick order; names are Alipay's temp copies, bytes the originals'.
      expect(sha256(stored.body)).toBe(sha256OfFile(photoPaths()[i]));
    }

    // Copy through the tile component, wired to the page the way the template wires it: a long tap, then 复制链接.
    const mountCard = loadComponent(path.join(ALIPAY, 'components/upload-card/index'));
    const tile = mountCard({ card: cards(session)[2], labels: session.page.data.cardLabels, onHold: session.page.onCardHold.bind(session.page), onTile: session.page.onCardTap.bind(session.page) });
    expect(tile.data.card.objectUrl).toBe(links[2]);
    session.nodeMy.planSheet(0);
    tile.onHold();
    await waitUntil(() => session.nodeMy.device.clipboard() === links[2], 'the link is on the clipboard');
    expect(session.nodeMy.sheets[1]).toEqual(['复制链接', '预览', '移除']);
    // Alipay says nothing when it copies: the app does, in its own words.
    await waitUntil(() => session.nodeMy.device.toasts.includes('已复制'), 'the copy is announced');

    // A tap on a done photo previews it among the others.
    const fifth = mountCard({ card: cards(session)[4], labels: session.page.data.cardLabels, onTile: session.page.onCardTap.bind(session.page) });
    await fifth.onTap();
    await waitUntil(() => session.nodeMy.device.previews.length === 1, 'the preview opens');
    expect(session.nodeMy.device.previews).toEqual([{ urls: links, current: links[4] }]);

    // The history page (a second real Page) lists the nine uploads, newest first.
    const history = loadPage(path.join(ALIPAY, 'pages/history/index'))();
    history.onLoad();
    expect(history.data.entries).toHaveLength(9);
    expect(new Set(history.data.entries.map((e: { url: string }) => e.url))).toEqual(new Set(links));
  } finally {
    session.close();
  }
});

it('tells the person the signer cannot be reached, and keeps the pickers disabled', async () => {
  // A port nothing listens on: the signer's own, after it closed.
  const gone = await startSigner();
  await gone.close();
  const session = await openAlipayUploadPage(gone.origin, { show: false });
  try {
    expect(session.page.data.limitsState).toBe('error');
    expect(session.page.data.signerErrorText).toBe(session.services.messages.signerDown);
    expect(session.page.data.signerErrorText).not.toContain(signer.origin.split(':')[0]);
    expect(session.page.data.canAdd).toBe(false);
  } finally {
    session.close();
  }
});

it('sends a camera photo compressed by my.compressImage and without its position: the bucket holds exactly those bytes', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-camera-'));
  const photo = path.join(tmp, 'camera.jpg');
  fs.writeFileSync(photo, cameraJpeg({ width: 320, height: 240, quality: 95 }));
  const session = await openUploadPage();
  try {
    await addFromAlbum(session, [photo]);
    await waitUntil(() => cards(session).length === 1 && cards(session)[0].status === 'done', 'the photo is done');
    const [compression] = session.nodeMy.compressions;
    expect(compression.level).toBe(2); // Alipay's "high quality"
    const stored = await httpGet(cards(session)[0].objectUrl);
    expect(sha256(stored.body)).toBe(sha256(fs.readFileSync(compression.out)));
    expect(stored.body.length).toBeLessThan(fs.statSync(photo).size);
    expect(await exifr.gps(stored.body)).toBeUndefined();
    expect(session.page.data.summary.sizeText).toMatch(/^共 1 张 · .+，原图 .+$/);
  } finally {
    session.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
