// How each provider writes an object key into a URL. Keys are chosen by the
// server (prefix + date + random + extension), but the prefix is configurable,
// so a key may still carry spaces, non-ASCII or the RFC 3986 sub-delimiters.

/**
 * RFC 3986 "unreserved only" encoding: everything but A-Z a-z 0-9 - _ . ~ is
 * percent-encoded. encodeURIComponent leaves !'()* alone; SigV4 canonical
 * requests, COS (its camSafeUrlEncode), OSS V4 canonical URIs and OBS all
 * encode those five as well, and a signature computed over the other form fails.
 */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * How a provider's own SDK writes keys into object URLs: `strict` (S3, COS, OBS)
 * also encodes !'()*; `component` (OSS) is plain encodeURIComponent. Both decode
 * to the same key, but links then look exactly like the console's.
 */
export type KeyEncoding = 'strict' | 'component';

/** Characters RFC 3986 leaves unescaped in a path segment, plus the slash we keep. */
const URL_SAFE_KEY = /^[A-Za-z0-9\-._~/]*$/;

/** A key as a URL path: each segment encoded, the slashes kept. */
export function encodeKeyPath(key: string, encoding: KeyEncoding = 'strict'): string {
  // Keys the signer names are already URL-safe: skip the per-segment escaping (ticket hot path).
  if (URL_SAFE_KEY.test(key)) return key;
  const encodeSegment = encoding === 'strict' ? encodeRfc3986 : encodeURIComponent;
  return key.split('/').map(encodeSegment).join('/');
}

/** `<base>/<encoded key>`, whether or not the base ends with a slash. */
export function objectUrlFor(baseUrl: string, key: string, encoding: KeyEncoding = 'strict'): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeKeyPath(key, encoding)}`;
}

/** Parses an endpoint URL without Node's or the browser's URL class (neither exists in every mini program runtime). */
export interface EndpointParts {
  protocol: string;
  /** Host with a non-default port, as the Host header carries it. */
  host: string;
  /** Path below the host without a trailing slash ('' for a bucket subdomain; '/bucket' for path style). */
  basePath: string;
}

export function parseEndpoint(endpoint: string): EndpointParts {
  const match = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(endpoint.trim());
  if (!match) {
    throw new Error(`The bucket endpoint "${endpoint}" is not an http(s) URL such as https://examplebucket.oss-cn-hangzhou.aliyuncs.com`);
  }
  const protocol = match[1].toLowerCase();
  const defaultPort = protocol === 'https' ? ':443' : ':80';
  const host = match[2].toLowerCase().endsWith(defaultPort) ? match[2].slice(0, -defaultPort.length) : match[2];
  return { protocol, host: host.toLowerCase(), basePath: (match[3] ?? '').replace(/\/+$/, '') };
}

/** key=value pairs joined with &, keys sorted by code unit order, both sides strictly encoded (the SigV4 / OSS V4 canonical query). */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .map((name) => [encodeRfc3986(name), encodeRfc3986(params[name])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}
