// End to end, for what a photo carries when it leaves the phone: the real upload page
// in miniprogram-simulate, the real engine and WeChat adapter, a Node-backed `wx`
// (real multipart POSTs; compressImage a real jpeg-js re-encode), and the real signer
// with its dev bucket. The photos are camera-style JPEGs with GPS made by piexifjs;
// what the bucket stored is read back with exifr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import { createNodeWx, type NodeWx } from '../support/node-wx';
import { addFromAlbum, COPY, openWechatUploadPage, type WechatUploadPage as Session } from '../support/wechat-upload-page';
import { upright } from '../support/node-wx-photo';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, sha256, waitUntil } from '../support/fixtures';
import { cameraJpeg, pixelsOf, WHERE } from '../support/camera-jpeg';
import jpeg from 'jpeg-js';
import { appConfig } from '../../miniprogram/config';

/** Big enough that quality 80 is clearly smaller than the camera's 95. */
const PHOTO = { width: 320, height: 240, quality: 95, orientation: 6 };

jest.setTimeout(60_000);

let tmp: string;
let signer: RunningSigner;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-camera-'));
  signer = await startSigner();
});
afterAll(async () => {
  await signer.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const open = (wx: NodeWx, config: Partial<typeof appConfig> = {}) => openWechatUploadPage(wx, signer.origin, { config });

function writeCameraPhoto(name: string, seed: number): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, cameraJpeg({ ...PHOTO, seed }));
  return file;
}

/** Adds the photos from the album, waits until all are done, and fetches what the bucket stored. */
async function uploadAndFetch(session: Session) {
  addFromAlbum(session);
  const tilesNow = () => session.page.querySelectorAll('.grid-cell').filter((cell) => !!cell.querySelector('.tile'));
  const done = (cell: ReturnType<typeof tilesNow>[number]) => ((cell.querySelector('.tile')!.dom as HTMLElement).className ?? '').includes('tile--done');
  // What the page shows, not the engine: a long press on a tile still drawn as uploading would offer 取消.
  await waitUntil(() => tilesNow().length > 0 && tilesNow().every(done), 'every tile shows done');
  const tiles = tilesNow();
  const stored: Buffer[] = [];
  for (const tile of tiles) {
    const before = session.wx.node.clipboard;
    session.wx.node.planSheet(COPY);
    tile.querySelector('.tile')!.dispatchEvent('longpress');
    await waitUntil(() => session.wx.node.clipboard !== before, 'the link is copied');
    const answer = await httpGet(session.wx.node.clipboard);
    expect(answer.status).toBe(200);
    stored.push(answer.body);
  }
  return { tiles, stored };
}

/**
 * exifr under jsdom takes its browser build, which reads only ArrayBuffers of the test's own
 * realm: a Node Buffer (or its ArrayBuffer) from fs or http is copied into one.
 */
const ab = (bytes: Buffer) => Uint8Array.from(bytes).buffer;

const ticketFiles = (wx: NodeWx): Array<{ name: string; size: number }> =>
  wx.node.network.log.filter((r) => r.url.endsWith('/api/tickets')).flatMap((r) => JSON.parse(r.requestBody ?? '{"files":[]}').files);
const note = (tile: { querySelector(s: string): unknown }) => ((tile.querySelector('.note') as { dom?: HTMLElement } | undefined)?.dom?.textContent ?? '').trim();

describe('photos leave the phone without their position (WeChat, end to end)', () => {
  it('asks the picker for photos only, as the signer allows only image/*', async () => {
    const session = await open(createNodeWx({ media: [[{ path: writeCameraPhoto('pick.jpg', 1) }]] }));
    try {
      await uploadAndFetch(session);
      expect(session.wx.node.pickerCalls).toEqual([
        { api: 'chooseMedia', options: expect.objectContaining({ mediaType: ['image'], sourceType: ['album'], sizeType: ['original'] }) },
      ]);
    } finally {
      session.close();
    }
  });

  it('原图 off (default): the bucket stores exactly the compressed bytes, no GPS, upright, and the ticket asked for that size', async () => {
    const original = writeCameraPhoto('compressed.jpg', 2);
    const session = await open(createNodeWx({ media: [[{ path: original }]] }));
    try {
      const { tiles, stored } = await uploadAndFetch(session);
      const [compression] = session.wx.node.compressions;
      expect(compression).toMatchObject({ quality: 80 });
      const compressed = fs.readFileSync(compression.out);
      expect(sha256(stored[0])).toBe(sha256(compressed));
      expect(stored[0].length).toBeLessThan(fs.statSync(original).size);
      expect(ticketFiles(session.wx)).toEqual([expect.objectContaining({ size: stored[0].length })]);
      expect(await exifr.gps(ab(stored[0]))).toBeUndefined();
      // The re-encode turned the pixels upright (it carries no EXIF): 240×320, as the camera meant it.
      const image = jpeg.decode(stored[0], { useTArray: true });
      expect([image.width, image.height]).toEqual([PHOTO.height, PHOTO.width]);
      expect(await exifr.orientation(ab(stored[0]))).toBeUndefined();
      const summary = (session.page.querySelector('.summary-size')!.dom as HTMLElement).textContent!.trim();
      expect(summary).toMatch(/^共 1 张 · .+，原图 .+$/);
      // A compressed copy has no EXIF left to clean, so the tile claims nothing: its note is the size.
      expect(note(tiles[0])).toMatch(/KB$/);
    } finally {
      session.close();
    }
  });

  it('原图 on: the bucket stores the original pixels, without GPS, serial or owner, with Orientation kept', async () => {
    const original = writeCameraPhoto('original.jpg', 3);
    const session = await open(createNodeWx({ media: [[{ path: original }]] }));
    try {
      session.page.querySelector('.original-toggle')!.dispatchEvent('tap');
      await waitUntil(() => session.page.instance.data.original === true, '原图 is on');
      const { tiles, stored } = await uploadAndFetch(session);
      expect(session.wx.node.compressions).toEqual([]);
      const originalBytes = fs.readFileSync(original);
      expect(await exifr.gps(ab(originalBytes))).toMatchObject({ latitude: expect.closeTo(WHERE.latitude, 3) });
      expect(await exifr.gps(ab(stored[0]))).toBeUndefined();
      const tags = await exifr.parse(ab(stored[0]), { tiff: true, exif: true, gps: true, xmp: true, mergeOutput: false });
      expect(tags).toEqual({ ifd0: { Orientation: 'Rotate 90 CW' } });
      expect(await exifr.orientation(ab(stored[0]))).toBe(PHOTO.orientation);
      expect(pixelsOf(stored[0]).equals(pixelsOf(originalBytes))).toBe(true);
      expect(ticketFiles(session.wx)).toEqual([expect.objectContaining({ size: stored[0].length })]);
      expect(note(tiles[0])).toBe(session.services.messages.locationRemoved);
      // The prepared copy under USER_DATA_PATH is gone once the upload is done.
      await waitUntil(() => fs.readdirSync(path.join(session.wx.node.userDataPath, 'outgoing')).length === 0, 'the copy is deleted');
    } finally {
      session.close();
    }
  });

  it('with removeLocation off in the app config, the photo goes exactly as the camera wrote it', async () => {
    const original = writeCameraPhoto('kept.jpg', 4);
    const session = await open(createNodeWx({ media: [[{ path: original }]] }), { removeLocation: false });
    try {
      session.page.querySelector('.original-toggle')!.dispatchEvent('tap');
      await waitUntil(() => session.page.instance.data.original === true, '原图 is on');
      const { stored } = await uploadAndFetch(session);
      expect(sha256(stored[0])).toBe(sha256(fs.readFileSync(original)));
      expect((await exifr.gps(ab(stored[0]))).latitude).toBeCloseTo(WHERE.latitude, 3);
    } finally {
      session.close();
    }
  });
});

// Kept next to the e2e that relies on it: the stand-in's rotation is right for every orientation.
describe('the Node-backed compressImage stand-in', () => {
  it('turns pixels upright for orientation 6 (90° clockwise) and 8 (90° counter-clockwise)', () => {
    // 2×1: red, blue. Rotated 90° CW: 1×2 red on top; 90° CCW: blue on top.
    const data = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]);
    expect(Array.from(upright({ data, width: 2, height: 1 }, 6).data)).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    expect(Array.from(upright({ data, width: 2, height: 1 }, 8).data)).toEqual([0, 0, 255, 255, 255, 0, 0, 255]);
    expect(upright({ data, width: 2, height: 1 }, 6)).toMatchObject({ width: 1, height: 2 });
  });
});
