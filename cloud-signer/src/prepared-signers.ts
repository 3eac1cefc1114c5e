// Reuses a dialect's key-independent signing work (dates, credential scope, signing
// key, policy text and ticket JSON around the key) for every ticket of the same second,
// content type, credentials and bucket URLs, so a ticket costs one HMAC and a few string
// joins. This is what lets the ticket route keep pace with a bare HTTP server (see `npm run bench`).
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
  // The last one asked for, compared field by field before any cache key is built: a
  // stream of tickets mostly asks for the same type, URLs and second again.
  let last: (Prepared & { contentType: string; endpoint: string; publicBaseUrl: string }) | undefined;
  return (input) => {
    const second = Math.floor(input.now.getTime() / 1000);
    if (
      last !== undefined &&
      last.second === second &&
      last.credentials === input.credentials &&
      last.contentType === input.contentType &&
      last.endpoint === input.endpoint &&
      last.publicBaseUrl === input.publicBaseUrl
    ) {
      return last.sign;
    }
    const id = `${input.contentType}\n${input.endpoint}\n${input.publicBaseUrl}`;
    let prepared = cache.get(id);
    // Credentials are compared by identity: a refreshed STS session is a new object.
    if (prepared === undefined || prepared.second !== second || prepared.credentials !== input.credentials) {
      if (cache.size >= MAX_PREPARED) cache.clear();
      prepared = { second, credentials: input.credentials, sign: prepareUpload(input, crypto) };
      cache.set(id, prepared);
    }
    last = { ...prepared, contentType: input.contentType, endpoint: input.endpoint, publicBaseUrl: input.publicBaseUrl };
    return prepared.sign;
  };
}

/** One ticket as JSON text: `(input, key, size) => JSON.stringify(ticket)`, prepared where the dialect allows. */
export type TicketJsonSigner = (input: PreparableInput, key: string, size: number) => string;

/** `prepare: false` signs every ticket whole (each then binds its own exact size, for byte quotas). */
export function ticketJsonSigner(dialect: Dialect, crypto: SigningCrypto<Buffer>, prepare = true): TicketJsonSigner {
  const prepared = prepare ? preparedSigners(dialect, crypto) : undefined;
  if (prepared !== undefined) return (input, key) => prepared(input).json(key);
  return (input, key, size) => JSON.stringify(dialect.signUpload({ ...input, key, size }, crypto));
}
