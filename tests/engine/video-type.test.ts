// The video type of a file whose path names none (Alipay's `apml….video` on a phone),
// judged from its first bytes or from the container name the platform reports.
import { videoTypeFromBytes, videoTypeFromFormat } from '../../miniprogram/shared/adapter-kit/video-type';

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
const box = (brand: string) => bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0], 'isom', brand);

describe('videoTypeFromBytes', () => {
  it.each([
    ['MP4 (isom, Android)', box('isom'), 'video/mp4'],
    ['MP4 (mp42)', box('mp42'), 'video/mp4'],
    ['QuickTime (iPhone)', box('qt  '), 'video/quicktime'],
    ['M4V', box('M4V '), 'video/x-m4v'],
    ['3GP', box('3gp4'), 'video/3gpp'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), 'video/webm'],
  ])('%s', (_name, head, type) => {
    expect(videoTypeFromBytes(head)).toBe(type);
  });

  it.each([
    ['a HEIC photo (an ISO BMFF brand that is no video)', box('heic')],
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['too few bytes', bytes([0, 0, 0, 0x18], 'ftyp')],
    ['nothing', new Uint8Array()],
  ])('knows nothing of %s', (_name, head) => {
    expect(videoTypeFromBytes(head)).toBeUndefined();
  });
});

describe('videoTypeFromFormat', () => {
  it.each([
    ['mp4', 'video/mp4'],
    ['MOV', 'video/quicktime'],
    ['quicktime', 'video/quicktime'],
    ['video/mp4', 'video/mp4'],
    ['3gp', 'video/3gpp'],
  ])('%s', (format, type) => {
    expect(videoTypeFromFormat(format)).toBe(type);
  });

  it.each([['jpg'], ['flv'], [''], ['unknown'], [3]])('names nothing for %p', (format) => {
    expect(videoTypeFromFormat(format)).toBeUndefined();
  });
});
