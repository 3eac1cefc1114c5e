// What kind of image a file really is, when its path says nothing: Alipay hands out
// album photos on a phone as `https://resource/apml<hex>.image` ("真机预览上以 .image
// 为后缀", my.chooseImage docs), so the extension cannot name the type. Pure: the
// adapters read the bytes or ask the platform, this file only judges the answers.
// Hand-written rather than a library (file-type and the like need Node streams or
// Buffer, which neither mini program runtime has); only the image formats phones
// save are recognised, each by the signature its specification fixes.
import { TYPE_BY_EXTENSION } from '../contract/index';

/** Enough of a file's start for every signature below (ISO BMFF's brand sits at bytes 8–11). */
export const SNIFF_BYTES = 32;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...Array.from(bytes.subarray(from, to)));

/** ISO base media file brands (HEIF: ISO/IEC 23008-12; AVIF: AV1 image file format). */
const BRANDS: Readonly<Record<string, string>> = Object.freeze({
  heic: 'image/heic',
  heix: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  hevc: 'image/heic',
  hevx: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
  avif: 'image/avif',
  avis: 'image/avif',
});

/** The image type a file's first bytes announce, or undefined when they announce none we know. */
export function imageTypeFromBytes(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && bytes.length >= 12 && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 14) return 'image/bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12).toLowerCase();
    return Object.prototype.hasOwnProperty.call(BRANDS, brand) ? BRANDS[brand] : undefined;
  }
  return undefined;
}

/** Spellings of the format a platform's image info reports ("jpg", "JPEG", "image/png"…). */
const FORMAT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
  avif: 'image/avif',
});

/**
 * The image type a platform named (my.getImageInfo's `type`, a picker's `fileType`),
 * or undefined for anything else: a number (the typings declare one), "unknown", ''.
 */
export function imageTypeFromFormat(format: unknown): string | undefined {
  if (typeof format !== 'string') return undefined;
  const text = format.trim().toLowerCase();
  const bare = text.startsWith('image/') ? text.slice('image/'.length) : text;
  return Object.prototype.hasOwnProperty.call(FORMAT_TYPES, bare) ? FORMAT_TYPES[bare] : undefined;
}

/** The canonical extension of a type in the shared table ("image/jpeg" -> "jpg"), as the signer names keys. */
export function extensionForType(type: string): string | undefined {
  return Object.keys(TYPE_BY_EXTENSION).find((ext) => TYPE_BY_EXTENSION[ext] === type);
}

/** `apml0a1b.image` + "image/png" -> `apml0a1b.png`; a name without an extension gets one. */
export function renameForType(name: string, type: string): string {
  const ext = extensionForType(type);
  if (!ext) return name;
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return `${base}.${ext}`;
}
