// SigningCrypto for the signer's hot path. Every provider derives its signing key with
// a chain of HMACs over short, slowly changing inputs (secret, day, region, service):
// the same for every ticket of a day, and four of the five HMACs a SigV4 ticket costs.
// Remembering those results keeps ticket throughput close to a bare HTTP server's.
// The mini program keeps plain crypto-js: it signs one file at a time.
import type { SigningCrypto } from '../../miniprogram/shared/signing/index';

/**
 * Messages up to this length are key-derivation steps (a day, a region, a service
 * name, a key time), worth remembering; policies and string-to-sign are longer.
 */
const DERIVATION_MESSAGE_MAX = 64;
/** Bound on remembered results per key and on remembered key texts: a day or a second changes them. */
const MAX_ENTRIES = 32;

type Hmac = (key: Buffer, message: string) => Buffer;

function remember<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= MAX_ENTRIES) map.clear(); // old days and old key times are never asked for again
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * Results are cached per key Buffer identity, so a chain is only cached when every
 * step returns the same Buffer: `utf8` hands out one Buffer per text for that reason.
 * Returned Buffers are shared: callers (the dialects) only read them.
 */
function cachedHmac(hmac: Hmac): Hmac {
  const byKey = new WeakMap<Buffer, Map<string, Buffer>>();
  return (key, message) => {
    if (message.length > DERIVATION_MESSAGE_MAX) return hmac(key, message);
    let results = byKey.get(key);
    if (results === undefined) {
      results = new Map();
      byKey.set(key, results);
    }
    return remember(results, message, () => hmac(key, message));
  };
}

export function cachingCrypto(base: SigningCrypto<Buffer>): SigningCrypto<Buffer> {
  const keyTexts = new Map<string, Buffer>();
  return {
    ...base,
    utf8: (text) => remember(keyTexts, text, () => base.utf8(text)),
    hmacSha256: cachedHmac(base.hmacSha256),
    hmacSha1: cachedHmac(base.hmacSha1),
  };
}
