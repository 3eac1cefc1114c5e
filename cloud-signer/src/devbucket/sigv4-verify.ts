// Checking SigV4 POST policies and credential scopes the way S3 does. Only the dev
// bucket verifies, so this lives with it; the key chain is the shared one the s3
// dialect signs with, so a signature the dialect makes is one this accepts.
import { signingKey, type SigningCrypto } from '../../../miniprogram/shared/signing/index';

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
