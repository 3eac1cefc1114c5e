// Name -> MIME type, for files whose platform did not say (picked photos and chat
// files often arrive with only a temp path). The table is the signer's own
// (mime-table.ts), so the app guesses what the signer would infer; anything else is
// `application/octet-stream` and the signer decides.
import { TYPE_BY_EXTENSION, canonicalExtension, own } from '../contract/index';

/**
 * The one guess the app makes that the signer never does from a name: SVG can carry
 * script, so the signer only takes it as a declared type (and its allow-list decides).
 */
const APP_ONLY_TYPES: Readonly<Record<string, string>> = Object.freeze({
  svg: 'image/svg+xml',
});

export const UNKNOWN_TYPE = 'application/octet-stream';

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function mimeFromName(name: string): string {
  const raw = extensionOf(name);
  const ext = canonicalExtension(raw);
  return (ext === undefined ? own(APP_ONLY_TYPES, raw) : TYPE_BY_EXTENSION[ext]) ?? UNKNOWN_TYPE;
}

/** The file's own type when it has a real one, else a guess from its name. */
export function effectiveType(file: { name: string; type: string }): string {
  const declared = file.type.split(';')[0].trim().toLowerCase();
  return declared && declared !== UNKNOWN_TYPE ? declared : mimeFromName(file.name);
}
