// The image type of a file whose path names none (Alipay's `apml….image` on a phone),
// judged from its first bytes or from what the platform says about it.
import fs from 'node:fs';
import { photoPaths } from '../support/fixtures';
import {
  SNIFF_BYTES,
  imageTypeFromBytes,
  imageTypeFromFormat,
  renameForType,
} from '../../miniprogram/shared/adapter-kit/image-type';

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
const box = (brand: string) => bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0], 'mif1', brand);

describe('imageTypeFromBytes', () => {
  it('knows a real PNG photo from its first bytes', () => {
    const head = fs.readFileSync(photoPaths()[0]).subarray(0, SNIFF_BYTES);
    expect(imageTypeFromBytes(head)).toBe('image/png');
  });

  it.each([
    ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg'],
    ['JPEG (Exif, as phones save)', bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], 'Exif'), 'image/jpeg'],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['HEIC (iPhone)', box('heic'), 'image/heic'],
    ['HEIF', box('mif1'), 'image/heif'],
    ['AVIF', box('avif'), 'image/avif'],
    ['BMP', bytes('BM', [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]), 'image/bmp'],
    ['TIFF little-endian', bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'image/tiff'],
    ['TIFF big-endian', bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'image/tiff'],
  ])('%s', (_name, head, type) => {
    expect(imageTypeFromBytes(head)).toBe(type);
  });

  it.each([
    ['an MP4 video (ftyp isom)', box('isom')],
    ['text', bytes('hello, world; not an image')],
    ['a RIFF that is WAV audio', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['nothing at all', new Uint8Array(0)],
    ['a cut-off JPEG start', bytes([0xff, 0xd8])],
  ])('refuses to guess for %s', (_name, head) => {
    expect(imageTypeFromBytes(head)).toBeUndefined();
  });
});

describe('imageTypeFromFormat (what my.getImageInfo or a picker says)', () => {
  it.each([
    ['jpg', 'image/jpeg'],
    ['JPEG', 'image/jpeg'],
    ['png', 'image/png'],
    [' heic ', 'image/heic'],
    ['image/webp', 'image/webp'],
  ])('%s', (format, type) => {
    expect(imageTypeFromFormat(format)).toBe(type);
  });

  it.each([[3], ['unknown'], [''], [undefined], ['constructor'], ['svg']])('nothing for %p', (format) => {
    expect(imageTypeFromFormat(format)).toBeUndefined();
  });
});

describe('renameForType', () => {
  it('names the object with the extension of its real type', () => {
    expect(renameForType('apml0a1b2c3d.image', 'image/jpeg')).toBe('apml0a1b2c3d.jpg');
    expect(renameForType('apml0a1b2c3d.image', 'image/heic')).toBe('apml0a1b2c3d.heic');
    expect(renameForType('photo', 'image/png')).toBe('photo.png');
  });
});
