// AWS Signature Version 4 pieces: dates, credential scopes and the key chain. The s3
// dialects sign with them, OSS V4 reuses the chain under its own names, and the dev
// bucket checks signatures with them (its verification lives in the dev bucket). Platform-free: the HMAC
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

/** What a SigV4-style key chain is rooted in and ends with; OSS V4 uses the same chain with its own names. */
export interface KeyChainNames {
  /** Put before the secret at the root of the chain ("AWS4", "aliyun_v4"). */
  secretPrefix: string;
  /** The last link ("aws4_request", "aliyun_v4_request"). */
  terminator: string;
}

export const SIGV4_KEY_CHAIN: KeyChainNames = { secretPrefix: 'AWS4', terminator: SIGV4_TERMINATOR };

/** HMAC chain prefix+secret → day → region → service → terminator. */
export function deriveSigningKey<B>(
  crypto: SigningCrypto<B>,
  names: KeyChainNames,
  secret: string,
  day: string,
  region: string,
  service: string,
): B {
  const kDate = crypto.hmacSha256(crypto.utf8(`${names.secretPrefix}${secret}`), day);
  const kRegion = crypto.hmacSha256(kDate, region);
  const kService = crypto.hmacSha256(kRegion, service);
  return crypto.hmacSha256(kService, names.terminator);
}

/** The SigV4 chain "AWS4"+secret → day → region → service → aws4_request. */
export function signingKey<B>(crypto: SigningCrypto<B>, secret: string, day: string, region: string, service: string): B {
  return deriveSigningKey(crypto, SIGV4_KEY_CHAIN, secret, day, region, service);
}

