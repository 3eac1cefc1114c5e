// Checking SigV4 POST policies and credential scopes the way S3 does. Only the dev
// bucket verifies, so this lives with it; the key chain is the shared one the s3
// dialect signs with, so a signature the dialect makes is one this accepts.
import type { IncomingHttpHeaders } from 'node:http';
import { signingKey, type SigningCrypto } from '../../../miniprogram/shared/signing/index';
import { S3Error } from './s3-error';

/**
 * S3 refuses a SigV4 request carrying an x-amz-* header its signature does not cover
 * ("There were headers present in the request which were not signed", HeadersNotSigned):
 * such a header (x-amz-acl, x-amz-meta-*, server-side encryption) would change what is
 * stored without the signer having agreed. A presigned URL may leave x-amz-content-sha256
 * out (the payload is UNSIGNED-PAYLOAD there).
 */
export function refuseUnsignedAmzHeaders(headers: IncomingHttpHeaders, signedNames: readonly string[], presigned: boolean): void {
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith('x-amz-') && !signedNames.includes(name) && !(presigned && name === 'x-amz-content-sha256'),
  );
  if (unsigned.length === 0) return;
  throw new S3Error(403, 'AccessDenied', `There were headers present in the request which were not signed: ${unsigned.slice(0, 5).join(', ').slice(0, 200)}.`);
}

export interface ParsedCredential {
  accessKeyId: string;
  day: string;
  region: string;
  service: string;
  terminator: string;
}

/**
 * Splits `AKID/20151229/us-east-1/s3/aws4_request`. The access key id itself has
 * no slash, so exactly five parts are required; anything else is malformed.
 */
export function parseCredential(credential: string): ParsedCredential | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) return undefined;
  const [accessKeyId, day, region, service, terminator] = parts;
  return { accessKeyId, day, region, service, terminator };
}

/** A POST policy's signature: hex HMAC-SHA256 of the base64 policy text under the signing key. */
export function signPolicy<B>(
  crypto: SigningCrypto<B>,
  secret: string,
  scope: { day: string; region: string; service: string },
  base64Policy: string,
): string {
  const key = signingKey(crypto, secret, scope.day, scope.region, scope.service);
  return crypto.hmacSha256Hex(key, base64Policy);
}
