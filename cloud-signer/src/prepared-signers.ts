// Reuses a dialect's key-independent signing work (dates, credential scope, signing
// key, policy text and ticket JSON around the key) for every ticket of the same second,
// content type, credentials and bucket URLs, so a ticket costs one HMAC and a few string
// joins. This is what lets the ticket route keep pace with a bare HTTP server (see `npm run bench`).
import type { SigningCrypto } from '../../miniprogram/shared/signing/index';
import type { Credentials, Dialect, KeySigner, PreparableInput } from '../../miniprogram/shared/signing/index';
import { isAscii } from './ascii-text';

/** Content types × bucket URLs seen within one second; past this the cache starts over. */
const MAX_PREPARED = 64;

/** A prepared KeySigner, and whether its JSON around the key is all ASCII. */
export interface PreparedSigner extends KeySigner {
  /**
   * Checked on the text the signer gives for two probe keys, one written as it is and one
   * that needs escaping (the two ways a dialect writes a key and its object URL): everything
   * but the key's own pieces is that text, and those pieces are ASCII whenever the key is
   * (what KeySigner's json method promises).
   */
  readonly asciiAroundKey: boolean;
}

interface Prepared {
  second: number;
  credentials: Credentials;
  sign: PreparedSigner;
}

const PROBE_KEYS = ['probe/key.jpg', 'probe/a "quoted" key (1).jpg'];

function checkedForAscii(sign: KeySigner): PreparedSigner {
  // Named member by member, not spread: every prepared signer then has one shape, and the
  // ticket route's call of json stays optimised when the next second's signer arrives (a
  // spread copy measured a deoptimisation every two or three seconds under load, with
  // `--trace-deopt`). A member KeySigner gains is a compile error here until it is copied.
  return {
    ticket: sign.ticket,
    json: sign.json,
    asciiAroundKey: PROBE_KEYS.every((key) => isAscii(sign.json(key))),
  };
}

/** A function returning the KeySigner for `input`, or undefined when the dialect signs each ticket whole. */
export function preparedSigners(
  dialect: Dialect,
  crypto: SigningCrypto<Buffer>,
): ((input: PreparableInput) => PreparedSigner) | undefined {
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
      prepared = { second, credentials: input.credentials, sign: checkedForAscii(prepareUpload(input, crypto)) };
      cache.set(id, prepared);
    }
    last = { ...prepared, contentType: input.contentType, endpoint: input.endpoint, publicBaseUrl: input.publicBaseUrl };
    return prepared.sign;
  };
}

/** A JSON reply being assembled, and whether all of it so far is ASCII (its byte count is then its length). */
export interface JsonReply {
  text: string;
  ascii: boolean;
}

/**
 * Appends one ticket's JSON text, `JSON.stringify(ticket)`, to `reply`, prepared where the
 * dialect allows, and clears `reply.ascii` unless that text is known to be ASCII.
 */
export type TicketJsonSigner = (input: PreparableInput, key: string, size: number, reply: JsonReply) => void;

/** `prepare: false` signs every ticket whole (each then binds its own exact size, for byte quotas). */
export function ticketJsonSigner(dialect: Dialect, crypto: SigningCrypto<Buffer>, prepare = true): TicketJsonSigner {
  const signerFor = prepare ? preparedSigners(dialect, crypto) : undefined;
  if (signerFor !== undefined) {
    return (input, key, _size, reply) => {
      const sign = signerFor(input);
      reply.text += sign.json(key);
      if (reply.ascii && !(sign.asciiAroundKey && isAscii(key))) reply.ascii = false;
    };
  }
  // Not counted here: this path (byte quotas) lets node count the reply's bytes.
  return (input, key, size, reply) => {
    reply.text += JSON.stringify(dialect.signUpload({ ...input, key, size }, crypto));
    reply.ascii = false;
  };
}
