// Which MIME types a list of patterns ("image/*", "*/*", "application/pdf") admits.
// One answer for both sides: the app checks files with it before sending anything,
// and the signer refuses tickets with it.

/**
 * Types a browser renders as a page or runs as script when someone opens the link
 * on the bucket's domain (stored XSS). A wildcard never admits them; a deployment
 * that really wants them lists them exactly, e.g. UPLOAD_ALLOWED_TYPES=image/*,image/svg+xml.
 */
export const ACTIVE_CONTENT_TYPES: readonly string[] = [
  'image/svg+xml',
  'text/html',
  'application/xhtml+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
];

/** `image/*`, `image/png`, `*` or `*\/*`; case-insensitive, parameters ignored. */
export function typeMatches(type: string, pattern: string): boolean {
  const wanted = pattern.trim().toLowerCase();
  const actual = type.split(';')[0].trim().toLowerCase();
  if (actual === wanted) return true;
  if (ACTIVE_CONTENT_TYPES.includes(actual)) return false;
  if (wanted === '*' || wanted === '*/*') return true;
  // "image/*" -> "image/": a type has one slash, so the prefix must end exactly there.
  return wanted.endsWith('/*') && actual.startsWith(wanted.slice(0, -1));
}

export function typeAllowed(type: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => typeMatches(type, pattern));
}
