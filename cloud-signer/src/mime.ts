// File extensions <-> MIME types, and the normalisation that turns whatever a phone
// says about a file ("IMG_1.JPEG", "image/jpg", "", "application/octet-stream") into
// one canonical content type and one canonical extension for the object key. The
// table itself is shared with the app: miniprogram/shared/contract/mime-table.ts.
import { TYPE_ALIASES, TYPE_BY_EXTENSION, canonicalExtension, own } from '../../miniprogram/shared/contract/index';

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
  return canonicalExtension(name.slice(dot + 1));
}

export function typeForExtension(ext: string): string {
  return TYPE_BY_EXTENSION[ext];
}

/** The canonical extension for a canonical type, or undefined when we have none. */
export function extensionForType(type: string): string | undefined {
  return own(EXTENSION_BY_TYPE, type);
}

// The last type asked for and its answer: a ticket stream sends one spelling over and over,
// and each spelling costs a trim, a lower-casing, a regex and a table lookup.
let lastRawType: string | undefined;
let lastNormalisedType: string | undefined;

/**
 * "Image/JPG; charset=x" -> "image/jpeg". Returns undefined when the text is not a
 * MIME type at all. Parameters are dropped: the policy binds the bare type.
 */
export function normaliseType(raw: string): string | undefined {
  if (raw === lastRawType) return lastNormalisedType;
  const semicolon = raw.indexOf(';');
  const bare = (semicolon < 0 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  const normalised = MIME_TYPE_PATTERN.test(bare) ? (own(TYPE_ALIASES, bare) ?? bare) : undefined;
  lastRawType = raw;
  lastNormalisedType = normalised;
  return normalised;
}

// The same matching the app uses before it sends anything (script-capable types only by exact name).
export { typeAllowed } from '../../miniprogram/shared/contract/index';

// Whether a configured pattern is well formed: "type/subtype", "type/*" or "*/*".
export function isTypePattern(pattern: string): boolean {
  if (pattern === '*/*') return true;
  if (pattern.endsWith('/*')) return MIME_TYPE_PATTERN.test(pattern.slice(0, -1) + 'x');
  return MIME_TYPE_PATTERN.test(pattern);
}
