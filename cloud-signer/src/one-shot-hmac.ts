// HMAC-SHA256 for the ticket hot path, built as RFC 2104 defines it,
// H((K ^ opad) || H((K ^ ipad) || message)), from two calls of node:crypto's one-shot
// `hash()` over reused buffers. Why not createHmac: each call builds a stream object, a
// native Hmac with its handle and an OpenSSL HMAC context; in the signer under the
// bench's load that bookkeeping made the one HMAC of a ticket cost ~23 µs of CPU where this
// costs ~15 µs (same run, `npm run bench`). Node ships no one-shot HMAC. The result is checked
// against createHmac and RFC 4231's test vectors (tests/signer/one-shot-hmac.test.ts).
import { createHmac, hash } from 'node:crypto';

const BLOCK_BYTES = 64; // SHA-256's block size
const DIGEST_BYTES = 32;
/** Messages up to this many UTF-16 units always fit the scratch buffer as UTF-8 (3 bytes a unit at most). */
const MAX_MESSAGE_UNITS = 16 * 1024;

export type Hmac = (key: Buffer, message: string) => Buffer;

/** createHmac: for Node without crypto.hash (before 20.12), keys longer than a block and oversized messages. */
const viaCreateHmac: Hmac = (key, message) => createHmac('sha256', key).update(message, 'utf8').digest();

/** K ^ ipad then K ^ opad, one block each (K zero-padded to a block). */
function padKey(key: Buffer): Buffer {
  const pads = Buffer.alloc(2 * BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const k = i < key.length ? key[i] : 0;
    pads[i] = k ^ 0x36;
    pads[BLOCK_BYTES + i] = k ^ 0x5c;
  }
  return pads;
}

/** An HMAC-SHA256 function that remembers the padded blocks of the keys it has seen (by identity). */
export function oneShotHmacSha256(): Hmac {
  if (typeof hash !== 'function') return viaCreateHmac;
  const padded = new WeakMap<Buffer, Buffer>();
  // Used synchronously from write to hash, so one scratch pair serves every call.
  const inner = Buffer.allocUnsafe(BLOCK_BYTES + MAX_MESSAGE_UNITS * 3);
  const outer = Buffer.allocUnsafe(BLOCK_BYTES + DIGEST_BYTES);
  return (key, message) => {
    if (message.length > MAX_MESSAGE_UNITS || key.length > BLOCK_BYTES) return viaCreateHmac(key, message);
    let pads = padded.get(key);
    if (pads === undefined) {
      pads = padKey(key);
      padded.set(key, pads);
    }
    pads.copy(inner, 0, 0, BLOCK_BYTES);
    pads.copy(outer, 0, BLOCK_BYTES, 2 * BLOCK_BYTES);
    const length = BLOCK_BYTES + inner.write(message, BLOCK_BYTES, 'utf8');
    hash('sha256', inner.subarray(0, length), 'buffer').copy(outer, BLOCK_BYTES);
    return hash('sha256', outer, 'buffer');
  };
}
