// The WeChat end-to-end tests run the signer (a Node server) inside jsdom, which has no
// TextEncoder/TextDecoder; jose needs them. Node's own, with what they produce copied
// into this realm's Uint8Array: jose checks `instanceof Uint8Array`, and jsdom's global
// Uint8Array is not Node's.
const util = require('node:util');

class RealmTextEncoder {
  get encoding() {
    return 'utf-8';
  }
  encode(text) {
    const bytes = new util.TextEncoder().encode(text);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return copy;
  }
}

if (typeof globalThis.TextEncoder === 'undefined') globalThis.TextEncoder = RealmTextEncoder;
if (typeof globalThis.TextDecoder === 'undefined') globalThis.TextDecoder = util.TextDecoder;
