// Reuses a dialect's key-independent signing work (dates, credential scope, signing
// key, policy text around the key) for every ticket of the same second, content type,
// credentials and bucket URLs, so a ticket costs one HMAC. This is what lets the ticket
// route keep pace with a bare HTTP server (see `npm run bench`).
import type { SigningCrypto } from '../../miniprogram/shared/signing/index';
import type { Credentials, Dialect, KeySigner, PreparableInput } from '../../miniprogram/shared/signing/index';

/** Content types × bucket URLs seen within one second; past this the cache starts over. */
const MAX_PREPARED = 64;

interface Prepared {
  second: number;
  credentials: Credentials;
  sign: KeySigner;
}

/** A function returning the KeySigner for `input`, or undefined when the dialect signs each ticket whole. */
export function preparedSigners(
  dialect: Dialect,
  crypto: SigningCrypto<Buffer>,
): ((input: PreparableInput) => KeySigner) | undefined {
  const prepareUpload = dialect.prepareUpload;
  if (prepareUpload === undefined) return undefined;
  const cache = new Map<string, Prepared>();
  return (input) => {
    const second = Math.floor(input.now.getTime() / 1000);
    const id = `${input.contentType}\n${input.endpoint}\n${input.publicBaseUrl}`;
    let prepared = cache.get(id);
    // Credentials are compared by identity: a refreshed STS session is a new object.
    if (prepared === undefined || prepared.second !== second || prepared.credentials !== input.credentials) {
      if (cache.size >= MAX_PREPARED) cache.clear();
      prepared = { second, credentials: input.credentials, sign: prepareUpload(input, crypto) };
      cache.set(id, prepared);
    }
    return prepared.sign;
  };
}
