// Which MIME types a list of patterns ("image/*", "*/*", "application/pdf") admits.
// One answer for both sides: the app checks files with it before sending anything,
// and the signer refuses tickets with it.

/**
 * Types a browser runs as script, or renders as a document that can run script, when
 * someone opens the link on the bucket's domain (stored XSS). A wildcard never admits
 * them; a deployment that really wants one lists it exactly, e.g.
 * UPLOAD_ALLOWED_TYPES=image/*,image/svg+xml. Sources: WHATWG MIME Sniffing (the
 * JavaScript MIME types; "XML MIME type" = text/xml, application/xml or any +xml, which
 * browsers parse as XML documents whose XHTML elements run script), Chromium's XML
 * document types (text/xsl besides those), HTML, server-push documents, MHTML archives,
 * and the "unknown" types a browser sniffs into HTML when a bucket serves them without
 * nosniff (most clouds do not send it).
 */
export const ACTIVE_CONTENT_TYPES: readonly string[] = [
  'text/html',
  'text/xml',
  'application/xml',
  'text/xsl',
  'text/xml-external-parsed-entity',
  'application/xml-external-parsed-entity',
  'application/xml-dtd',
  'multipart/x-mixed-replace',
  'multipart/related',
  'message/rfc822',
  'application/x-mimearchive',
  'unknown/unknown',
  'application/unknown',
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
];

/** Whether a bare, lower-case type is script-capable: listed above, or any XML type (`+xml`: SVG, XHTML, XSLT, RSS…). */
export function isActiveContentType(type: string): boolean {
  return ACTIVE_CONTENT_TYPES.includes(type) || type.endsWith('+xml');
}

/** `image/*`, `image/png`, `*` or `*\/*`; case-insensitive, parameters ignored. */
export function typeMatches(type: string, pattern: string): boolean {
  const wanted = pattern.trim().toLowerCase();
  const actual = type.split(';')[0].trim().toLowerCase();
  if (actual === wanted) return true;
  if (isActiveContentType(actual)) return false;
  if (wanted === '*' || wanted === '*/*') return true;
  // "image/*" -> "image/": a type has one slash, so the prefix must end exactly there.
  return wanted.endsWith('/*') && actual.startsWith(wanted.slice(0, -1));
}

export function typeAllowed(type: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => typeMatches(type, pattern));
}
