// A signer that takes only videos: Alipay's my.chooseImage can offer none, so the
// adapter picks with my.chooseVideo (one video per pick) and hands back what the docs
// say it returns — the path, the size in bytes — as a video. A closed picker (error 11)
// is no failure; a phone's `https://resource/apml<hex>.video` path names no format, so
// my.getVideoInfo or the file's first bytes give the type.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeMy } from '../support/fake-my';
import { createAlipayPlatform, CAMERA_VIDEO_MAX_SECONDS } from '../../alipay/platform/alipay';
import { MAX_SNIFFED_VIDEO_BYTES } from '../../alipay/platform/alipay-picked-type';
import { PlatformError } from '../../miniprogram/shared/core/ports';

const g = globalThis as Record<string, unknown>;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'choose-video-'));
});
afterEach(() => {
  delete g.my;
  fs.rmSync(dir, { recursive: true, force: true });
});

function install() {
  const fake = createFakeMy();
  const calls: Array<{ api: string; options: Record<string, unknown> }> = [];
  for (const api of ['chooseImage', 'chooseVideo']) {
    const original = fake.my[api];
    fake.my[api] = (o: Record<string, unknown>) => (calls.push({ api, options: o }), original(o));
  }
  g.my = fake.my;
  return { ...fake, calls, platform: createAlipayPlatform() };
}

/** An MP4 (ISO BMFF, brand `brand`) of a few KB on disk under `name`. */
function video(name: string, brand = 'isom') {
  const head = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`, 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from(`${brand}mp41`, 'latin1')]);
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.alloc(4000, 7)]));
  return { path: file, size: fs.statSync(file).size };
}

it('asks my.chooseVideo, not my.chooseImage, when only videos may go, and gives back one video with its size', async () => {
  const { device, calls, platform } = install();
  const clip = video('clip.mp4');
  device.scriptPick([clip, video('second.mp4')]);
  const files = await platform.chooseMedia({ count: 9, source: 'album', mediaTypes: ['video'] });
  expect(calls.map((c) => c.api)).toEqual(['chooseVideo']);
  expect(calls[0].options).toMatchObject({ sourceType: ['album'] });
  expect(files).toEqual([{ path: clip.path, name: 'clip.mp4', size: clip.size, type: 'video/mp4', kind: 'video', tempName: true }]);
});

it('records with the camera up to a minute when 拍照 is chosen', async () => {
  const { device, calls, platform } = install();
  device.scriptPick([video('rec.mp4')]);
  await platform.chooseMedia({ count: 1, source: 'camera', mediaTypes: ['video'] });
  expect(calls[0].options).toMatchObject({ sourceType: ['camera'], maxDuration: CAMERA_VIDEO_MAX_SECONDS });
});

it('a closed video picker (error 11) is quiet: the picker opened, nothing picked, no error', async () => {
  const { device, calls, platform } = install();
  device.scriptPick('cancel');
  await expect(platform.chooseMedia({ count: 1, source: 'album', mediaTypes: ['video'] })).resolves.toEqual([]);
  expect(calls.map((c) => c.api)).toEqual(['chooseVideo']);
});

it('a refused camera or album (error 2001) is a permission error, not silence', async () => {
  const { device, platform } = install();
  device.scriptPick('denied');
  const picked = platform.chooseMedia({ count: 1, source: 'camera', mediaTypes: ['video'] });
  await expect(picked).rejects.toBeInstanceOf(PlatformError);
  await expect(picked).rejects.toMatchObject({ kind: 'permission' });
});

it.each([
  ['an MP4 (brand isom)', 'isom', 'video/mp4', 'mp4'],
  ['a QuickTime movie (iPhone, brand "qt  ")', 'qt  ', 'video/quicktime', 'mov'],
])('a device path `apml<hex>.video` gets its type from the first bytes where the client has no getVideoInfo: %s', async (_what, brand, type, ext) => {
  const { device, platform } = install();
  const clip = video('apml00a1b2c3d4e5f60718293a4b5c6d7e8f.video', brand);
  device.scriptPick([clip]);
  const [file] = await platform.chooseMedia({ count: 1, source: 'album', mediaTypes: ['video'] });
  expect(file).toMatchObject({ path: clip.path, type, kind: 'video', name: `apml00a1b2c3d4e5f60718293a4b5c6d7e8f.${ext}`, tempName: true });
});

it("believes my.getVideoInfo's container name before reading any byte", async () => {
  const { device, my, platform } = install();
  const clip = video('apml0f.video', 'isom');
  const asked: string[] = [];
  my.getVideoInfo = (o: { src: string; success(r: unknown): void }) => (asked.push(o.src), setTimeout(() => o.success({ type: 'mov', duration: 3000, size: clip.size, width: 1, height: 1 }), 1));
  const manager = my.getFileSystemManager();
  const reads: string[] = [];
  my.getFileSystemManager = () => ({ ...manager, readFile: (o: { filePath: string }) => (reads.push(o.filePath), manager.readFile(o)) });
  device.scriptPick([clip]);
  const [file] = await platform.chooseMedia({ count: 1, source: 'album', mediaTypes: ['video'] });
  expect(asked).toEqual([clip.path]);
  expect(reads).toEqual([]);
  expect(file).toMatchObject({ type: 'video/quicktime', name: 'apml0f.mov' });
});

it('a video too large to hold in memory is never read whole to tell its type: it stays unknown, for the page to refuse aloud', async () => {
  const { device, my, platform } = install();
  const clip = video('apml1f.video', 'isom');
  // Sparse: the size the picker reports, without writing 33 MB to disk.
  fs.truncateSync(clip.path, MAX_SNIFFED_VIDEO_BYTES + 1);
  const manager = my.getFileSystemManager();
  const reads: string[] = [];
  my.getFileSystemManager = () => ({ ...manager, readFile: (o: { filePath: string }) => (reads.push(o.filePath), manager.readFile(o)) });
  device.scriptPick([{ path: clip.path, size: MAX_SNIFFED_VIDEO_BYTES + 1 }]);
  const [file] = await platform.chooseMedia({ count: 1, source: 'album', mediaTypes: ['video'] });
  expect(reads).toEqual([]);
  expect(file).toMatchObject({ path: clip.path, type: 'application/octet-stream', name: 'apml1f.video' });
});

// Unchanged by the video picker (a guard, it passed before too).
it('photos (with or without videos allowed) still go through my.chooseImage', async () => {
  const { device, calls, platform } = install();
  device.scriptPick('cancel', 'cancel');
  await platform.chooseMedia({ count: 3, source: 'album', mediaTypes: ['image'] });
  await platform.chooseMedia({ count: 3, source: 'album', mediaTypes: ['image', 'video'] });
  expect(calls.map((c) => c.api)).toEqual(['chooseImage', 'chooseImage']);
});
