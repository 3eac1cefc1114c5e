// What kind of video a file really is, when its path says nothing: on a phone Alipay's
// my.chooseVideo hands out `https://resource/apml<hex>.video`, named for the kind and not
// the format, like its photos' `.image` (see image-type.ts). Pure: the adapters read the
// bytes or ask the platform, this file only judges the answers. Only the containers
// phones record or export are recognised, each by the signature its specification fixes.
import { TYPE_BY_EXTENSION } from '../contract/index';

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...Array.from(bytes.subarray(from, to)));

/**
 * ISO base media file brands of videos (ISO/IEC 14496-12 and -14, 3GPP TS 26.244, Apple's
 * QuickTime File Format). A brand not listed here (HEIF's `heic`, `mif1`…) is no video.
 */
const BRANDS: Readonly<Record<string, string>> = Object.freeze({
  'qt  ': 'video/quicktime',
  isom: 'video/mp4',
  iso2: 'video/mp4',
  iso4: 'video/mp4',
  iso5: 'video/mp4',
  iso6: 'video/mp4',
  mp41: 'video/mp4',
  mp42: 'video/mp4',
  avc1: 'video/mp4',
  dash: 'video/mp4',
  mmp4: 'video/mp4',
  MSNV: 'video/mp4',
  'M4V ': 'video/x-m4v',
  M4VH: 'video/x-m4v',
  M4VP: 'video/x-m4v',
  '3gp4': 'video/3gpp',
  '3gp5': 'video/3gpp',
  '3gp6': 'video/3gpp',
  '3ge6': 'video/3gpp',
  '3gg6': 'video/3gpp',
});

/** EBML's magic number: Matroska and WebM (RFC 9559; WebM is what browsers and Android write). */
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

/** The video type a file's first bytes (SNIFF_BYTES of them) announce, or undefined when they announce none we know. */
export function videoTypeFromBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    // Brands are case-sensitive four-character codes ('M4V ' and 'MSNV' are upper case).
    const brand = ascii(bytes, 8, 12);
    return Object.prototype.hasOwnProperty.call(BRANDS, brand) ? BRANDS[brand] : undefined;
  }
  if (EBML.every((b, i) => bytes[i] === b)) return 'video/webm';
  return undefined;
}

/** Spellings of a container a platform's video info reports ("mp4", "MOV", "video/mp4", "quicktime"). */
const FORMAT_ALIASES: Readonly<Record<string, string>> = Object.freeze({ quicktime: 'mov', mpeg4: 'mp4', '3gpp': '3gp' });

/**
 * The video type a platform named (my.getVideoInfo's `type`, the container's name), or
 * undefined for anything else: a number, "unknown", '', a format the table has no video for.
 */
export function videoTypeFromFormat(format: unknown): string | undefined {
  if (typeof format !== 'string') return undefined;
  const text = format.trim().toLowerCase();
  const bare = text.startsWith('video/') ? text.slice('video/'.length) : text;
  const ext = FORMAT_ALIASES[bare] ?? bare;
  const type = Object.prototype.hasOwnProperty.call(TYPE_BY_EXTENSION, ext) ? TYPE_BY_EXTENSION[ext] : undefined;
  return type !== undefined && type.startsWith('video/') ? type : undefined;
}
