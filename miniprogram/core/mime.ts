// Name -> MIME type, for files whose platform did not say (picked photos and chat
// files often arrive with only a temp path). Only the types people actually pick
// on a phone; anything else is `application/octet-stream` and the signer decides.

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = Object.freeze({
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  m4v: 'video/x-m4v',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
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
});

export const UNKNOWN_TYPE = 'application/octet-stream';

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function mimeFromName(name: string): string {
  return TYPES_BY_EXTENSION[extensionOf(name)] ?? UNKNOWN_TYPE;
}

/** The file's own type when it has a real one, else a guess from its name. */
export function effectiveType(file: { name: string; type: string }): string {
  const declared = file.type.split(';')[0].trim().toLowerCase();
  return declared && declared !== UNKNOWN_TYPE ? declared : mimeFromName(file.name);
}
