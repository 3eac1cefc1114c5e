// File extensions <-> MIME types, and the normalisation that turns whatever a phone
// says about a file ("IMG_1.JPEG", "image/jpg", "", "application/octet-stream") into
// one canonical content type and one canonical extension for the object key.

/** Canonical extension -> canonical MIME type. One entry per type: this is the key's extension. */
const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  avif: 'image/avif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  // SVG is left out on purpose: it can carry script, and a bucket (or the dev bucket,
  // which shares the signer's origin) serving it inline would run that script.
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  m4v: 'video/x-m4v',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  amr: 'audio/amr',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** Spellings phones and file pickers use for the same extension. */
const EXTENSION_ALIASES: Readonly<Record<string, string>> = {
  jpeg: 'jpg',
  jpe: 'jpg',
  jfif: 'jpg',
  tif: 'tiff',
  hif: 'heif',
  qt: 'mov',
};

/** Non-standard MIME spellings seen in the wild, mapped to the registered name. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heif',
  'image/x-ms-bmp': 'image/bmp',
  'audio/mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
};

// Lookups go through own properties only: a name ending in ".constructor" must not
// find Object.prototype.constructor.
function own(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

const EXTENSION_BY_TYPE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TYPE_BY_EXTENSION).map(([ext, type]) => [type, ext]),
);

/** Types that say nothing about the content: the extension decides instead. */
export const GENERIC_TYPE = 'application/octet-stream';

/** Extension for an allowed type we have no entry for: the type still travels as Content-Type. */
export const FALLBACK_EXTENSION = 'bin';

// RFC 6838 restricted-name characters: anything else cannot be a MIME type.
const MIME_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** The canonical extension of a file name ("IMG_1.JPEG" -> "jpg"), or undefined when unknown. */
export function extensionOfName(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return undefined;
  const raw = name.slice(dot + 1).toLowerCase();
  const ext = own(EXTENSION_ALIASES, raw) ?? raw;
  return own(TYPE_BY_EXTENSION, ext) === undefined ? undefined : ext;
}

export function typeForExtension(ext: string): string {
  return TYPE_BY_EXTENSION[ext];
}

/** The canonical extension for a canonical type, or undefined when we have none. */
export function extensionForType(type: string): string | undefined {
  return own(EXTENSION_BY_TYPE, type);
}

/**
 * "Image/JPG; charset=x" -> "image/jpeg". Returns undefined when the text is not a
 * MIME type at all. Parameters are dropped: the policy binds the bare type.
 */
export function normaliseType(raw: string): string | undefined {
  const semicolon = raw.indexOf(';');
  const bare = (semicolon < 0 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  if (!MIME_TYPE_PATTERN.test(bare)) return undefined;
  return own(TYPE_ALIASES, bare) ?? bare;
}

// Whether `type` matches one of the patterns ("image/*", "*/*", "application/pdf").
export function typeAllowed(type: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) {
    if (pattern === '*/*' || pattern === type) return true;
    // "image/*" -> "image/": a type has one slash, so the prefix must end exactly there.
    if (pattern.endsWith('/*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

// Whether a configured pattern is well formed: "type/subtype", "type/*" or "*/*".
export function isTypePattern(pattern: string): boolean {
  if (pattern === '*/*') return true;
  if (pattern.endsWith('/*')) return MIME_TYPE_PATTERN.test(pattern.slice(0, -1) + 'x');
  return MIME_TYPE_PATTERN.test(pattern);
}
