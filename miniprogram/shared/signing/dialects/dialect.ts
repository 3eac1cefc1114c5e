// What every provider dialect is: a pure function of credentials, bucket, key,
// conditions and `now` in, one upload ticket out. No I/O, no clock, no randomness.
import type { TicketProvider, UploadTicket } from '../../../../typings/ticket';
import type { SigningCrypto } from '../primitives/crypto';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS temporary credentials carry a token that must be bound into the policy. */
  securityToken?: string;
}

export interface BucketTarget {
  bucket: string;
  region: string;
  /** Bucket base URL the upload goes to, e.g. https://bucket.oss-cn-hangzhou.aliyuncs.com */
  endpoint: string;
  /** Base URL for `objectUrl` (a CDN or custom domain), defaults to `endpoint`. */
  publicBaseUrl: string;
}

export interface TicketInput extends BucketTarget {
  credentials: Credentials;
  /** Chosen by the server; the dialect binds it exactly. */
  key: string;
  contentType: string;
  /** The declared size of the file; PUT modes pin it as Content-Length. */
  size: number;
  /** Upper bound of content-length-range (never above UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** Lower bound of content-length-range (default 1); the declared size when byte quotas count it exactly. */
  minBytes?: number;
  now: Date;
  ttlSeconds: number;
}

export interface ObjectUrlInput extends BucketTarget {
  credentials: Credentials;
  key: string;
  now: Date;
  ttlSeconds: number;
}

/** What a POST ticket depends on besides its key (a POST policy caps the size; it never pins it). */
export type PreparableInput = Omit<TicketInput, 'key' | 'size'>;

/** Signs one key with everything else already worked out. */
export interface KeySigner {
  ticket(key: string): UploadTicket;
  /**
   * `JSON.stringify(ticket(key))` byte for byte, without building the object (the signer's
   * hot path). What depends on the key (the key as JSON, a policy's base64, a signature in
   * hex or base64, a percent-encoded URL) must be ASCII whenever the key is: the signer then
   * counts an ASCII reply's bytes from its length (cloud-signer/src/prepared-signers.ts).
   */
  json(key: string): string;
}

export interface Dialect {
  provider: TicketProvider;
  /** POST policy by default; some dialects sign a PUT (COS PUT mode, S3 presigned PUT for R2). */
  signUpload(input: TicketInput, crypto: SigningCrypto<any>): UploadTicket;
  /**
   * The same signing split in two, for the signer's hot path: everything that does
   * not depend on the key (dates, credential scope, signing key, policy text around the
   * key) once per second and content type, then one HMAC per key. Where present,
   * `signUpload(input)` is `prepareUpload(input).ticket(input.key)`: one code path, not two.
   */
  prepareUpload?(input: PreparableInput, crypto: SigningCrypto<any>): KeySigner;
  /** A presigned GET for private buckets. */
  signObjectUrl?(input: ObjectUrlInput, crypto: SigningCrypto<any>): string;
}
