// Client-side signing: the app turns a /api/credentials grant into an upload ticket
// with the very dialect code the signer runs, crypto-js standing in for Node's crypto.
// The app chooses only the random part of the key; the folder is the one the grant's
// credentials are limited to, so any other key would be refused by the store anyway.
import type { CredentialsResponse } from '../../../../typings/credentials';
import type { UploadTicket } from '../../../../typings/ticket';
import type { SigningCrypto } from '../index';
import type { Dialect, TicketInput } from '../index';

export class ClientSigningError extends Error {
  override readonly name = 'ClientSigningError';
}

/** What the app knows about the file it is about to upload. */
export interface ClientFile {
  size: number;
  /** Canonical MIME type, bound into the policy. */
  contentType: string;
  /** Lowercase extension without the dot, e.g. `jpg`. */
  extension: string;
}

export interface ClientSignOptions<Bytes> {
  /** The dialect for `grant.provider` and `grant.method`, the same table the signer uses. */
  dialect: Dialect;
  crypto: SigningCrypto<Bytes>;
  /** 16 lowercase hex characters from a secure source (e.g. WeChat's getRandomValues). */
  random: string;
  /**
   * The signer's clock, not the phone's: `serverTime` of the grant plus the time since
   * it arrived. Providers reject signatures dated too far from their own clock.
   */
  now: Date;
}

/** The same shape the signer gives its own keys, so one folder never mixes two shapes. */
const RANDOM_PART = /^[0-9a-f]{16}$/;
const EXTENSION = /^[a-z0-9]{1,10}$/;

/**
 * Credentials with less than a minute left are not used: the upload would reach the
 * store after they died. Same rule as the signer's cache.
 */
const MIN_REMAINING_MS = 60_000;

export function clientTicketInput(grant: CredentialsResponse, file: ClientFile, random: string, now: Date): TicketInput {
  if (!RANDOM_PART.test(random)) {
    throw new ClientSigningError('The random part of an object key must be 16 lowercase hex characters.');
  }
  if (!EXTENSION.test(file.extension)) {
    throw new ClientSigningError(`"${file.extension}" is not a file extension (1-10 lowercase letters or digits).`);
  }
  if (!Number.isInteger(file.size) || file.size < 1 || file.size > grant.limits.maxBytes) {
    throw new ClientSigningError(`A file of ${file.size} bytes cannot be uploaded: the limit is ${grant.limits.maxBytes} bytes.`);
  }
  const msLeft = Date.parse(grant.credentials.expiration) - now.getTime();
  if (!(msLeft >= MIN_REMAINING_MS)) {
    throw new ClientSigningError('These temporary credentials have expired; fetch new ones from /api/credentials.');
  }
  return {
    credentials: {
      accessKeyId: grant.credentials.accessKeyId,
      accessKeySecret: grant.credentials.accessKeySecret,
      securityToken: grant.credentials.securityToken,
    },
    bucket: grant.bucket,
    region: grant.region,
    endpoint: grant.endpoint,
    publicBaseUrl: grant.publicBaseUrl,
    key: `${grant.keyPrefix}${random}.${file.extension}`,
    contentType: file.contentType,
    size: file.size,
    maxBytes: grant.limits.maxBytes,
    now,
    // A ticket must not outlive the credentials that sign it.
    ttlSeconds: Math.min(grant.ticketTtlSeconds, Math.floor(msLeft / 1000)),
  };
}

export function signClientTicket<Bytes>(grant: CredentialsResponse, file: ClientFile, options: ClientSignOptions<Bytes>): UploadTicket {
  if (options.dialect.provider !== grant.provider) {
    throw new ClientSigningError(`The ${options.dialect.provider} dialect cannot sign for a ${grant.provider} bucket.`);
  }
  return options.dialect.signUpload(clientTicketInput(grant, file, options.random, options.now), options.crypto);
}
