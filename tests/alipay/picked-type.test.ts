// Photos a phone's my.chooseImage hands out as `https://resource/apml<hex>.image`
// get their real type (and an object name with its extension) from the picker's own
// word, my.getImageInfo, or the file's first bytes — in that order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeMy } from '../support/fake-my';
import { photoPaths } from '../support/fixtures';
import { createAlipayPlatform } from '../../alipay/platform/alipay';

const g = globalThis as Record<string, unknown>;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'picked-type-'));
});
afterEach(() => {
  delete g.my;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fake `my` whose picker hands out `files` (path on disk, as the fake reads it) with extra fields. */
function install(files: Array<{ path: string; size: number; [extra: string]: unknown }>) {
  const fake = createFakeMy();
  const calls: string[] = [];
  fake.my.chooseImage = (o: { success(r: unknown): void }) =>
    setTimeout(() => o.success({ tempFilePaths: files.map((f) => f.path), tempFiles: files }), 1);
  const manager = fake.my.getFileSystemManager();
  fake.my.getFileSystemManager = () => ({ ...manager, readFile: (o: { filePath: string }) => (calls.push(`readFile ${path.basename(o.filePath)}`), manager.readFile(o)) });
  g.my = fake.my;
  return { my: fake.my, calls, platform: createAlipayPlatform() };
}

/** A copy of a real PNG photo under an Alipay device-style name. */
function deviceCopy(name = 'apml5f0c1e2d3b4a59687766554433221100.image') {
  const file = path.join(dir, name);
  fs.copyFileSync(photoPaths()[0], file);
  return { path: file, size: fs.statSync(file).size };
}

it('believes the picker when it names the format, without reading the file', async () => {
  const { platform, calls } = install([{ ...deviceCopy(), fileType: 'jpg' }]);
  const [file] = await platform.chooseMedia({ count: 1, source: 'album' });
  expect(file).toMatchObject({ type: 'image/jpeg', kind: 'image', name: 'apml5f0c1e2d3b4a59687766554433221100.jpg', tempName: true });
  expect(calls).toEqual([]);
});

it("asks my.getImageInfo next and takes its format's name", async () => {
  const { my, platform, calls } = install([deviceCopy()]);
  const asked: string[] = [];
  my.getImageInfo = (o: { src: string; success(r: unknown): void }) => (asked.push(o.src), setTimeout(() => o.success({ width: 1, height: 1, path: o.src, type: 'heic' }), 1));
  const [file] = await platform.chooseMedia({ count: 1, source: 'album' });
  expect(asked).toEqual([file.path]);
  expect(file).toMatchObject({ type: 'image/heic', name: 'apml5f0c1e2d3b4a59687766554433221100.heic' });
  expect(calls).toEqual([]);
});

it('reads the first bytes when getImageInfo refuses the .image suffix (error 22)', async () => {
  const { my, platform, calls } = install([deviceCopy()]);
  my.getImageInfo = (o: { fail(e: unknown): void }) => setTimeout(() => o.fail({ error: 22, errorMessage: '不支持的地址后缀名' }), 1);
  const [file] = await platform.chooseMedia({ count: 1, source: 'camera' });
  expect(file).toMatchObject({ type: 'image/png', kind: 'image', name: 'apml5f0c1e2d3b4a59687766554433221100.png' });
  expect(calls).toEqual(['readFile apml5f0c1e2d3b4a59687766554433221100.image']);
});

it('reads the first bytes on a client without getImageInfo, and leaves a file nothing can name as it was', async () => {
  const text = path.join(dir, 'apml00.image');
  fs.writeFileSync(text, 'not a picture at all, just words');
  const { platform } = install([deviceCopy('apml11.image'), { path: text, size: fs.statSync(text).size }]);
  const [photo, unknown] = await platform.chooseMedia({ count: 2, source: 'album' });
  expect(photo).toMatchObject({ type: 'image/png', name: 'apml11.png' });
  // The signer's own check then refuses it with the reason; the app does not invent a type.
  expect(unknown).toMatchObject({ type: 'application/octet-stream', name: 'apml00.image' });
});

it('leaves photos whose path already names their type alone', async () => {
  const photo = photoPaths()[2];
  const { my, platform, calls } = install([{ path: photo, size: fs.statSync(photo).size }]);
  my.getImageInfo = () => {
    throw new Error('must not be asked');
  };
  const [file] = await platform.chooseMedia({ count: 1, source: 'album' });
  expect(file).toMatchObject({ type: 'image/png', name: 'photo-3.png' });
  expect(calls).toEqual([]);
});

it('reads the files whose bytes must tell one at a time: nine whole photos at once would not fit in a phone mini program', async () => {
  const files = Array.from({ length: 4 }, (_, i) => deviceCopy(`apml${i}.image`));
  const { my, platform } = install(files);
  my.getImageInfo = (o: { fail(e: unknown): void }) => setTimeout(() => o.fail({ error: 22, errorMessage: '不支持的地址后缀名' }), 1);
  const manager = my.getFileSystemManager();
  let reading = 0;
  let most = 0;
  my.getFileSystemManager = () => ({
    ...manager,
    readFile: (o: { success(r: unknown): void; fail(e: unknown): void }) => {
      reading += 1;
      most = Math.max(most, reading);
      const done = <T>(callback: (value: T) => void) => (value: T) => {
        reading -= 1;
        callback(value);
      };
      manager.readFile({ ...o, success: done(o.success), fail: done(o.fail) });
    },
  });
  const picked = await platform.chooseMedia({ count: 4, source: 'album' });
  expect(picked.map((f) => f.type)).toEqual(Array(4).fill('image/png'));
  expect(most).toBe(1);
});
