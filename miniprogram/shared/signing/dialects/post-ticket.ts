// Pieces every POST-policy dialect shares: the policy's JSON text and base64,
// the success status we ask for, and the checks on the ticket input itself.
import type { PreparableInput, TicketInput } from './dialect';
import type { SigningCrypto } from '../primitives/crypto';
import type { PostPolicy } from './policy';
import { MIN_OBJECT_BYTES } from './policy';

/** Multipart field that carries the file (the same name on every store we speak). */
export const FILE_FIELD = 'file';
/** `success_action_status`: ask for 200 rather than the stores' default 204, which some mini program runtimes report oddly. */
export const SUCCESS_STATUS = 200;
export const SUCCESS_STATUS_FIELD = 'success_action_status';
export const KEY_FIELD = 'key';

export interface EncodedPolicy {
  /** The exact JSON text that is signed (COS hashes this, the others its base64). */
  text: string;
  base64: string;
}

export function encodePolicy(policy: PostPolicy, crypto: SigningCrypto<unknown>): EncodedPolicy {
  const text = JSON.stringify(policy);
  return { text, base64: crypto.base64Utf8(text) };
}

/** Rejects inputs no store should ever see a ticket for; messages name the setting to fix. */
export function assertTicketInput(input: TicketInput): void {
  assertObjectKey(input.key);
  assertPreparableInput(input);
}

/** A key a ticket may bind: non-empty and relative (a leading slash would leave the bucket's key space). */
export function assertObjectKey(key: string): void {
  if (!key || key.startsWith('/')) {
    throw new Error(`Object key "${key}" must be a non-empty relative key.`);
  }
}

/** The checks of assertTicketInput that do not depend on the key, for dialects that prepare once per second. */
export function assertPreparableInput(input: PreparableInput): void {
  if (!Number.isSafeInteger(input.maxBytes) || input.maxBytes < MIN_OBJECT_BYTES) {
    throw new Error(`maxBytes must be a whole number of bytes of at least ${MIN_OBJECT_BYTES} (check UPLOAD_MAX_BYTES).`);
  }
  if (!(input.ttlSeconds > 0)) {
    throw new Error('ttlSeconds must be positive (check UPLOAD_TICKET_TTL_SECONDS).');
  }
  if (!input.credentials.accessKeyId || !input.credentials.accessKeySecret) {
    throw new Error('Credentials are missing (check UPLOAD_ACCESS_KEY_ID and UPLOAD_ACCESS_KEY_SECRET).');
  }
}

/** Whole Unix seconds, the unit of every store's expiry field. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export class DeclaredSizeError extends Error {
  constructor(size: number, maxBytes: number) {
    super(`A PUT ticket pins the exact size, and ${size} bytes is outside ${MIN_OBJECT_BYTES}–${maxBytes}.`);
    this.name = 'DeclaredSizeError';
  }
}

/** A PUT binds one exact length; it must itself be a size the policy would have allowed. */
export function assertExactSize(size: number, maxBytes: number): void {
  if (!Number.isSafeInteger(size) || size < MIN_OBJECT_BYTES || size > maxBytes) {
    throw new DeclaredSizeError(size, maxBytes);
  }
}
