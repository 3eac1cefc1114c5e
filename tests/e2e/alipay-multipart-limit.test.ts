// A file too large for one request, picked on Alipay, end to end: the real Alipay upload
// page, engine and `my` adapter over the Node-backed `my`, and the real signer whose dev
// bucket takes uploads in parts (WeChat sends such a file in parts, tests/e2e/multipart-wx.test.ts).
// Alipay documents no ranged file read (alipay/platform/alipay-transport.ts says where), so
// its transport has no putPart: the person is told the single-request limit and the file's
// size before anything is sent, nothing of the big file is read or started on the store,
// and the rest of the same pick uploads as usual.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { addFromAlbum, openAlipayUploadPage, SETTLED, type AlipayUploadPage } from '../support/alipay-upload-page';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const MIB = 1024 * 1024;
/** The signer's single-request limit (UPLOAD_MAX_BYTES), small so the test stays fast. */
const SINGLE_LIMIT = 8 * MIB;
const PART_BYTES = 5 * MIB;

jest.setTimeout(60_000);

/** A real PNG of about `bytes` (random pixels, stored uncompressed): a screenshot-sized photo 原图 keeps as it is. */
function largePng(file: string, bytes: number): void {
  const width = 2048;
  const rowBytes = 1 + width * 4; // filter byte + RGBA
  const height = Math.ceil(bytes / rowBytes);
  const raw = randomBytes(rowBytes * height);
  for (let row = 0; row < height; row += 1) raw[row * rowBytes] = 0; // filter: none
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  fs.writeFileSync(file, Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw, { level: 0 })), chunk('IEND', Buffer.alloc(0))]));
}

let signer: RunningSigner;
let dir: string;
let bigPhoto: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-large-'));
  bigPhoto = path.join(dir, 'panorama.png');
  largePng(bigPhoto, 24 * MIB);
  signer = await startSigner({ UPLOAD_MAX_BYTES: String(SINGLE_LIMIT), UPLOAD_MULTIPART_PART_BYTES: String(PART_BYTES) });
});
afterAll(async () => {
  await signer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const openUploadPage = (language?: string): Promise<AlipayUploadPage> => openAlipayUploadPage(signer.origin, language ? { my: { language } } : {});
const cards = (s: AlipayUploadPage) => s.page.data.items as CardView[];

async function pickBigAndSmall(session: AlipayUploadPage): Promise<void> {
  await addFromAlbum(session, [bigPhoto, photoPaths()[0]]);
  await waitUntil(() => cards(session).length > 0 && cards(session).every((c) => SETTLED.includes(c.status)), 'the added files settle', 30_000);
  // One card: the small photo, done. The big one never became an upload.
  expect(cards(session).map((c) => c.status)).toEqual(['done']);
}

it('the signer would take it in parts, Alipay cannot read one: the big photo is refused up front with the limit and its size; the small one uploads', async () => {
  // The refusal is Alipay's, not the signer's: /healthz offers parts far beyond this file.
  const health = JSON.parse((await httpGet(`${signer.origin}/healthz`)).body.toString('utf8'));
  expect(health.limits.maxBytes).toBe(SINGLE_LIMIT);
  expect(health.multipart.maxBytes).toBeGreaterThan(fs.statSync(bigPhoto).size);

  const session = await openUploadPage();
  try {
    // Before picking, the page already states the limit that holds on Alipay.
    expect(session.page.data.limitsText).toMatch(/^每张不超过 8 MB，/);
    await pickBigAndSmall(session);

    expect(session.page.data.rejectedTitle).toBe('1 个文件没有添加');
    expect(session.page.data.rejections).toEqual([expect.objectContaining({ message: '文件超过 8 MB 上限（此文件 24 MB）' })]);

    const [bigCopy, smallCopy] = session.nodeMy.picked.map((p) => p.path);
    // Nothing of the big photo was read or sent, and no upload in parts was started on the store.
    expect(session.nodeMy.reads.filter((r) => r.filePath === bigCopy)).toEqual([]);
    expect(session.nodeMy.uploads.map((u) => u.filePath)).toEqual([smallCopy]);
    expect(session.nodeMy.requests.filter((r) => r.url.includes('/api/uploads') || r.method === 'PUT')).toEqual([]);
    expect(fs.existsSync(path.join(signer.dataDir, 'multipart')) ? fs.readdirSync(path.join(signer.dataDir, 'multipart')) : []).toEqual([]);

    const stored = await httpGet(cards(session)[0].objectUrl);
    expect(sha256(stored.body)).toBe(sha256OfFile(photoPaths()[0]));
  } finally {
    session.close();
  }
});

it('says the same in English on a phone set to English', async () => {
  const session = await openUploadPage('en');
  try {
    await pickBigAndSmall(session);
    expect(session.page.data.rejections).toEqual([expect.objectContaining({ message: 'The file is larger than the 8 MB limit (this one is 24 MB).' })]);
  } finally {
    session.close();
  }
});
