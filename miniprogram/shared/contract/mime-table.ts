// The one table of file extensions <-> MIME types, shared by the signer (which
// picks the object key's extension and the bound Content-Type) and the app (which
// guesses a type for files the platform did not label). Platform-free: no wx, my
// or Node in here. Where the two deliberately differ, that lives in their own files
// (the app also guesses SVG; the signer never infers it from a name).

/** Canonical extension -> canonical MIME type. One entry per type: this is the key's extension. */
export const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
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
export const EXTENSION_ALIASES: Readonly<Record<string, string>> = {
  jpeg: 'jpg',
  jpe: 'jpg',
  jfif: 'jpg',
  tif: 'tiff',
  hif: 'heif',
  qt: 'mov',
};

/** Non-standard MIME spellings seen in the wild, mapped to the registered name. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = {
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
export function own(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** "JPEG" -> "jpg", "tif" -> "tiff"; undefined when the table does not know the extension. */
export function canonicalExtension(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  const ext = own(EXTENSION_ALIASES, lower) ?? lower;
  return own(TYPE_BY_EXTENSION, ext) === undefined ? undefined : ext;
}
