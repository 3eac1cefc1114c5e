// What the shared contract cannot say because it is Alipay's own: how my.uploadFile
// is called (fileType, legacy fileName, hideLoading, no content-type), its numeric
// statusCode on a phone, codes only my.request uses, refused storage writes, the
// picker's cap and older clients that return only paths.
import { createFakeMy, type FakeMyOptions } from '../support/fake-my';
import { photoPaths } from '../support/fixtures';
import { createAlipayPlatform } from '../../alipay/platform/alipay';
import { alipayFileType, transportErrorKind } from '../../alipay/platform/alipay-transport';
import { PlatformError } from '../../miniprogram/shared/core/ports';
import fs from 'node:fs';

const g = globalThis as Record<string, unknown>;
function install(options: FakeMyOptions = {}) {
  const fake = createFakeMy(options);
  g.my = fake.my;
  return { ...fake, platform: createAlipayPlatform() };
}
afterEach(() => void delete g.my);

const post = (platform: ReturnType<typeof createAlipayPlatform>, fileName = 'photo-1.png') =>
  platform.upload({ method: 'POST', url: 'https://b/', filePath: photoPaths()[0], fileName, fileField: 'file', fields: { key: 'k' }, headers: { 'Content-Type': 'x', 'x-amz-meta-a': '1' } });

it('calls my.uploadFile with name and the legacy fileName, an IDE-accepted fileType, hideLoading and no content-type', async () => {
  const { my, platform } = install();
  const calls: Array<Record<string, unknown>> = [];
  const original = my.uploadFile;
  my.uploadFile = (o: Record<string, unknown>) => (calls.push(o), original(o));
  await post(platform).result;
  expect(calls[0]).toMatchObject({ name: 'file', fileName: 'file', fileType: 'image', hideLoading: true, header: { 'x-amz-meta-a': '1' } });
  expect(Object.keys(calls[0].header as object)).not.toContain('Content-Type');
});

it('maps file names to the three fileTypes the IDE accepts', () => {
  expect(['a.jpg', 'b.MP4', 'c.m4a', 'd.pdf'].map(alipayFileType)).toEqual(['image', 'video', 'audio', 'image']);
});

it('reads a numeric statusCode (phone) the same as the IDE string', async () => {
  const { device, platform } = install({ ideStatusStrings: false });
  device.scriptUpload({ answer: { status: 201, body: '<PostResponse/>' } });
  await expect(post(platform).result).resolves.toMatchObject({ statusCode: 201 });
});

it.each([
  [{ error: 11, errorMessage: '无权调用该接口' }, 'request', 'domain'],
  [{ error: 11, errorMessage: '文件不存在' }, 'uploadFile', 'file'],
  [{ error: 20, errorMessage: '请求 URL 不支持 HTTP，请使用 HTTPS' }, 'request', 'domain'],
  [{ error: 20, errorMessage: '请求已被停止' }, 'request', 'network'],
  [{ error: 13, errorMessage: '超时' }, 'request', 'timeout'],
  [{ error: 9, errorMessage: 'request:fail abort' }, 'request', 'aborted'],
] as const)('reads %o from %s as %s', (raw, api, kind) => {
  expect(transportErrorKind(api, raw)).toBe(kind);
});

it('throws a PlatformError when Alipay refuses a storage write', () => {
  const { platform } = install({ storageFull: true });
  expect(() => platform.storage.set('k', [1])).toThrow(PlatformError);
});

it('tells the engine when the app goes to the background and comes back (my.onAppHide / my.onAppShow), and lets go when asked', () => {
  const { platform, app } = install();
  const seen: boolean[] = [];
  const stop = platform.onAppVisibility!((visible) => seen.push(visible));
  app.hide();
  app.show();
  expect(seen).toEqual([false, true]);
  stop();
  expect(app.listeners()).toBe(0);
});

it('speaks English when the phone does', () => {
  expect(install({ language: 'en' }).platform.language()).toBe('en');
});

it('never asks my.chooseImage for more than 9 photos', async () => {
  const { device, platform } = install();
  device.scriptPick([]);
  await platform.chooseMedia({ count: 20, source: 'album' });
  expect(device.picks[0].count).toBe(9);
});

it('sizes photos itself when an older client returns only paths', async () => {
  const { my, platform } = install();
  const photo = photoPaths()[1];
  my.chooseImage = (o: { success(r: unknown): void }) => setTimeout(() => o.success({ apFilePaths: [photo] }), 1);
  const [file] = await platform.chooseMedia({ count: 1, source: 'camera' });
  expect(file).toMatchObject({ path: photo, size: fs.statSync(photo).size, kind: 'image', type: 'image/png' });
});

it('says whether an upload reports progress: not when the client hands back no task or one without onProgressUpdate', () => {
  const { my, platform } = install();
  const original = my.uploadFile;
  const watched = () =>
    platform.upload({ method: 'POST', url: 'https://b/', filePath: photoPaths()[0], fileName: 'a.png', fileField: 'file', fields: {}, headers: {}, onProgress: () => undefined })
      .reportsProgress;
  expect(watched()).toBe(true);
  my.uploadFile = (o: Record<string, unknown>) => (original(o), undefined);
  expect(watched()).toBe(false);
  my.uploadFile = (o: Record<string, unknown>) => (original(o), { abort: () => undefined });
  expect(watched()).toBe(false);
});
