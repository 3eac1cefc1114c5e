// Getting a photo ready to leave the phone (shared/ui/photo-prep.ts), over in-memory
// PhotoTools: what is compressed, what is cleaned, and every fallback that keeps the
// photo going rather than losing it. The real platform tools are covered end to end.
import { preparePhoto as prepareOrHold, preparePhotos, preparedCopy, COMPRESS_QUALITY, type PreparedFile } from '../../miniprogram/shared/ui/photo-prep';
import { pickerOptions } from '../../miniprogram/shared/ui/picker-options';
import { middleEllipsis } from '../../miniprogram/shared/ui/middle-ellipsis';
import { kindName } from '../../miniprogram/shared/core/messages';
import type { PhotoTools, PickedFile } from '../../miniprogram/shared/core/index';
import { cameraJpeg, encodeJpeg } from '../support/camera-jpeg';

function memoryTools(files: Record<string, Uint8Array>, compress: (bytes: Uint8Array) => Uint8Array | Error) {
  const calls: string[] = [];
  let n = 0;
  const tools: PhotoTools = {
    async compressImage(path, quality) {
      calls.push(`compress ${path} ${quality}`);
      const out = compress(files[path]);
      if (out instanceof Error) throw out;
      files[`${path}.small`] = out;
      return `${path}.small`;
    },
    async readFile(path) {
      if (!files[path]) throw new Error(`no file ${path}`);
      return new Uint8Array(files[path]).buffer; // a copy: a Buffer's .buffer may be a shared pool
    },
    async writeTempFile(data, ext) {
      const path = `usr/outgoing/${++n}.${ext}`;
      files[path] = new Uint8Array(data);
      return path;
    },
    async fileSize(path) {
      return files[path].length;
    },
    removeTempFile: (path) => void delete files[path],
    // Photo preparation never clears leftovers (the page does, at load).
    removeLeftoverTempFiles: async () => {
      throw new Error('not photo preparation\'s to call');
    },
  };
  return { tools, calls, files };
}

/** A photo expected to be sent (not held back). */
async function preparePhoto(...args: Parameters<typeof prepareOrHold>): Promise<PreparedFile> {
  const prepared = await prepareOrHold(...args);
  if ('error' in prepared) throw new Error(`held back: ${String(prepared.error)}`);
  return prepared;
}

const jpegFile = (path: string, bytes: Uint8Array): PickedFile => ({ path, name: 'IMG_1.jpg', size: bytes.length, type: 'image/jpeg', kind: 'image' });

describe('preparePhoto', () => {
  it('compresses (原图 off), then removes the position from what compression left', async () => {
    const camera = cameraJpeg();
    const { tools, calls, files } = memoryTools({ 'tmp/1.jpg': camera }, () => cameraJpeg({ width: 48, height: 32, quality: 50 }));
    const prepared = await preparePhoto(jpegFile('tmp/1.jpg', camera), { original: false, removeLocation: true }, tools);
    expect(calls).toEqual([`compress tmp/1.jpg ${COMPRESS_QUALITY}`]);
    expect(prepared).toMatchObject({ path: 'usr/outgoing/1.jpg', originalSize: camera.length, locationRemoved: true, thumbPath: 'tmp/1.jpg' });
    expect(prepared.size).toBe(files['usr/outgoing/1.jpg'].length);
    expect(preparedCopy(prepared)).toBe('usr/outgoing/1.jpg');
  });

  it('keeps the original when compression would make it larger, or fails', async () => {
    const plain = encodeJpeg(16, 16, 50);
    const bigger = memoryTools({ 'tmp/1.jpg': plain }, () => new Uint8Array(plain.length * 2));
    const kept = await preparePhoto(jpegFile('tmp/1.jpg', plain), { original: false, removeLocation: true }, bigger.tools);
    expect(kept).toMatchObject({ path: 'tmp/1.jpg', size: plain.length });
    const log = jest.fn();
    const failing = memoryTools({ 'tmp/1.jpg': plain }, () => new Error('compressImage:fail'));
    const prepared = await preparePhoto(jpegFile('tmp/1.jpg', plain), { original: false, removeLocation: true, log }, failing.tools);
    expect(prepared).toMatchObject({ path: 'tmp/1.jpg', locationRemoved: false });
    expect(preparedCopy(prepared)).toBeUndefined();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('compressImage failed'), expect.any(Error));
  });

  it('原图 on: not compressed, still cleaned; removeLocation off: not cleaned either', async () => {
    const camera = cameraJpeg();
    const { tools, calls } = memoryTools({ 'tmp/1.jpg': camera }, () => new Error('not called'));
    expect(await preparePhoto(jpegFile('tmp/1.jpg', camera), { original: true, removeLocation: true }, tools)).toMatchObject({ locationRemoved: true });
    expect(calls).toEqual([]);
    expect(await preparePhoto(jpegFile('tmp/1.jpg', camera), { original: true, removeLocation: false }, tools)).toMatchObject({ path: 'tmp/1.jpg', size: camera.length, locationRemoved: false });
  });

  it('leaves PNGs, videos and files alone, and sends a damaged "JPEG" as it is, claiming nothing', async () => {
    const { tools, calls } = memoryTools({ 'tmp/x.jpg': new Uint8Array([1, 2, 3]) }, () => new Error('no'));
    const png: PickedFile = { path: 'tmp/a.png', name: 'a.png', size: 10, type: 'image/png', kind: 'image' };
    const video: PickedFile = { path: 'tmp/a.mp4', name: 'a.mp4', size: 10, type: 'video/mp4', kind: 'video' };
    expect(await preparePhoto(png, { original: false, removeLocation: true }, tools)).toMatchObject({ path: 'tmp/a.png', originalSize: 10 });
    expect(await preparePhoto(video, { original: false, removeLocation: true }, tools)).toMatchObject({ path: 'tmp/a.mp4' });
    expect(calls).toEqual([]);
    const damaged = await preparePhoto({ ...png, path: 'tmp/x.jpg', name: 'x.jpg', type: 'image/jpeg', size: 3 }, { original: true, removeLocation: true }, tools);
    expect(damaged).toMatchObject({ path: 'tmp/x.jpg', locationRemoved: false });
  });
});

describe('a photo whose position cannot be removed is held back, never sent with it', () => {
  // WeChat's writeFile when the app's 200 MB of user files is full.
  const STORAGE_FULL = 'writeFile:fail the maximum size of the file storage limit is exceeded';

  it.each([
    ['原图 on', true],
    ['compressed first', false],
  ])('%s: the clean copy cannot be written (storage full)', async (_label, original) => {
    const camera = cameraJpeg();
    const { tools, files } = memoryTools({ 'tmp/1.jpg': camera }, () => cameraJpeg({ width: 48, height: 32, quality: 50 }));
    tools.writeTempFile = async () => {
      throw new Error(STORAGE_FULL);
    };
    const log = jest.fn();
    const held = await prepareOrHold(jpegFile('tmp/1.jpg', camera), { original, removeLocation: true, log }, tools);
    expect(held).toEqual({ file: jpegFile('tmp/1.jpg', camera), error: new Error(STORAGE_FULL) });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('it is not sent'), expect.any(Error));
    // The compressed copy (with the position still in it) is not left behind either.
    expect(Object.keys(files)).toEqual(['tmp/1.jpg']);
  });

  it('a batch sends the others, and says which were held back', async () => {
    const camera = cameraJpeg();
    const png: PickedFile = { path: 'tmp/a.png', name: 'a.png', size: 10, type: 'image/png', kind: 'image' };
    const { tools } = memoryTools({ 'tmp/1.jpg': camera }, () => new Error('not called'));
    tools.writeTempFile = async () => {
      throw new Error(STORAGE_FULL);
    };
    const batch = await preparePhotos([jpegFile('tmp/1.jpg', camera), png], { original: true, removeLocation: true }, tools);
    expect(batch.files.map((f) => f.path)).toEqual(['tmp/a.png']);
    expect(batch.uncleaned.map((u) => u.file.path)).toEqual(['tmp/1.jpg']);
  });

  it('a photo that cannot be read is held back too: what it carries is unknown', async () => {
    const { tools } = memoryTools({}, () => new Error('not called'));
    const held = await prepareOrHold(jpegFile('tmp/gone.jpg', new Uint8Array(100)), { original: true, removeLocation: true }, tools);
    expect('error' in held).toBe(true);
  });
});

describe('pickerOptions', () => {
  it.each([
    [['image/*'], { mediaTypes: ['image'], chatType: 'image' }],
    [['image/jpeg', 'image/png'], { mediaTypes: ['image'], chatType: 'image' }],
    [['video/*'], { mediaTypes: ['video'], chatType: 'video' }],
    // WeChat's chat type 'file' excludes photos and videos: both together need 'all'.
    [['image/*', 'video/*'], { mediaTypes: ['image', 'video'], chatType: 'all' }],
    [['*/*'], { mediaTypes: ['image', 'video'], chatType: 'all' }],
  ])('%j -> %j', (types, expected) => {
    expect(pickerOptions(types)).toMatchObject(expected);
  });

  it('filters chat files by the extensions of listed document types', () => {
    const options = pickerOptions(['application/pdf', 'text/plain']);
    expect(options).toMatchObject({ mediaTypes: [], chatType: 'file' });
    expect(options.extensions).toEqual(expect.arrayContaining(['pdf', 'txt']));
    expect(options.extensions).not.toContain('mp4');
    expect(options.extensions).not.toContain('jpg');
  });

  it('documents with photos offer every chat file: type "file" would hide the photos', () => {
    expect(pickerOptions(['application/pdf', 'image/*'])).toEqual({ mediaTypes: ['image'], chatType: 'all' });
  });
});

describe('words', () => {
  it('names refused kinds the way people do', () => {
    expect(kindName('application/pdf', 'zh')).toBe('PDF 文件');
    expect(kindName('video/mp4', 'zh')).toBe('视频');
    expect(kindName('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'en')).toBe('Word documents');
    expect(kindName('application/x-unknown', 'zh')).toBe('这种文件');
  });

  it('shortens names in the middle, keeping the extension and whole characters', () => {
    expect(middleEllipsis('a.jpg', 15)).toBe('a.jpg');
    expect(middleEllipsis('IMG_20261122_101500_HDR.jpg', 15)).toBe('IMG_20…_HDR.jpg');
    expect(middleEllipsis('微信图片_20261122101500_很长的名字.jpg', 16)).toMatch(/^微信图.*….*\.jpg$/);
    expect(middleEllipsis('😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀.png', 12)).not.toMatch(/\uFFFD/);
  });
});
