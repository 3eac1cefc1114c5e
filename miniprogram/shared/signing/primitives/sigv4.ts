// AWS Signature Version 4 pieces shared by the s3 dialect (which signs POST
// policies) and the dev bucket (which checks them). Platform-free: the HMAC
// primitive comes in through SigningCrypto.
import type { SigningCrypto } from './crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** The last element of every SigV4 credential scope. */
export const SIGV4_TERMINATOR = 'aws4_request';
export const S3_SERVICE = 's3';

/** SigV4 works in whole seconds; the milliseconds of a Date never reach a signature. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** ISO 8601 without milliseconds, as S3's SDKs write a policy's `expiration`. */
export function iso8601Seconds(date: Date): string {
  return truncateToSeconds(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `20151229T000000Z`: the X-Amz-Date format. */
export function amzDate(date: Date): string {
  return iso8601Seconds(date).replace(/[-:]/g, '');
}

/** `20151229`: the day a signing key and credential scope are bound to. */
export function dateStamp(date: Date): string {
  return amzDate(date).slice(0, 8);
}

/** `<day>/<region>/<service>/aws4_request` */
export function credentialScope(day: string, region: string, service: string): string {
  return `${day}/${region}/${service}/${SIGV4_TERMINATOR}`;
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

/** HMAC chain "AWS4"+secret → day → region → service → aws4_request. */
export function signingKey<B>(crypto: SigningCrypto<B>, secret: string, day: string, region: string, service: string): B {
  const kDate = crypto.hmacSha256(crypto.utf8(`AWS4${secret}`), day);
  const kRegion = crypto.hmacSha256(kDate, region);
  const kService = crypto.hmacSha256(kRegion, service);
  return crypto.hmacSha256(kService, SIGV4_TERMINATOR);
}

/** A POST policy's signature: hex HMAC-SHA256 of the base64 policy text under the signing key. */
export function signPolicy<B>(
  crypto: SigningCrypto<B>,
  secret: string,
  scope: { day: string; region: string; service: string },
  base64Policy: string,
): string {
  const key = signingKey(crypto, secret, scope.day, scope.region, scope.service);
  return crypto.hex(crypto.hmacSha256(key, base64Policy));
}
