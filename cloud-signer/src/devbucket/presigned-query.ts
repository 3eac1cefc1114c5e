// SigV4 presigned queries, checked as S3 checks them: a private dev bucket
// (UPLOAD_PRIVATE_BUCKET=true) serves an object only to a presigned GET, and
// UPLOAD_METHOD=put tickets are presigned PUTs. The signature is recomputed with the
// same presigning code the signer uses, so a link that works here works the same way
// on S3, and an unsigned, tampered, foreign or expired one gets S3's 403.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3_MAX_PRESIGN_SECONDS, S3_QUERY, S3_UNSIGNED_PAYLOAD, presignS3 } from '../../../miniprogram/shared/signing/index';
import { S3_SERVICE, SIGV4_ALGORITHM, SIGV4_TERMINATOR } from '../../../miniprogram/shared/signing/index';
import { parseCredential, refuseUnsignedAmzHeaders } from './sigv4-verify';
import { nodeCrypto } from '../node-crypto';
import type { BucketIdentity } from './verify-post';
import { S3Error, invalidArgument, invalidToken } from './s3-error';

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** S3 refuses a presigned request dated this far in the future ("not yet valid"). */
const MAX_FUTURE_SKEW_MS = 15 * 60 * 1000;
/** A GET link signs `host` alone (what /api/object-urls and the SDK presigner produce). */
const GET_SIGNED_HEADERS = 'host';
/** A PUT ticket must pin the exact size and type it was issued for, as the signer's PUT tickets do. */
const PUT_REQUIRED_HEADERS = ['content-length', 'content-type', 'host'];

const accessDenied = (message: string) => new S3Error(403, 'AccessDenied', message);

function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const AUTH_PARAMETERS = new Set<string>(Object.values(S3_QUERY));

/**
 * The query parameters besides SigV4's own, which the signature must cover too. Any
 * parameter given twice is refused: S3 calls a repeated auth parameter malformed, and
 * no link this bucket or an SDK signs repeats one.
 */
function signedExtras(query: URLSearchParams): Record<string, string> {
  const extras: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of query) {
    if (seen.has(name)) {
      throw new S3Error(400, 'AuthorizationQueryParametersError', `The query parameter ${name.slice(0, 64)} appears more than once.`);
    }
    seen.add(name);
    if (!AUTH_PARAMETERS.has(name)) extras[name] = value;
  }
  return extras;
}

/** Whether a URL carries SigV4 query authentication, which S3 checks on any bucket, public ones too. */
export function carriesQueryAuth(url: string): boolean {
  const query = new URL(url, 'http://dev-bucket').searchParams;
  return query.has(S3_QUERY.signature) || query.has(S3_QUERY.algorithm) || query.has(S3_QUERY.credential);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** S3's answer to query authentication with some of its parameters missing. */
const incompleteQueryAuth = () =>
  new S3Error(
    400,
    'AuthorizationQueryParametersError',
    'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  );

/**
 * Throws the S3Error S3 would answer unless `req` is a presigned GET for `key` by this
 * bucket's credentials, still valid at `now`: for every read of a private bucket, and for a
 * read of a public one that carries query authentication (S3 checks it there too).
 * `endpoint` is the bucket base URL the client reached (`http://<Host>/dev-bucket`).
 */
export function verifyPresignedGet(req: IncomingMessage, key: string, endpoint: string, identity: BucketIdentity, now: Date, privateBucket = true): void {
  if (req.method !== 'GET') {
    // The method is part of what a presigned link signs, and the signer only signs GETs.
    throw accessDenied(privateBucket ? 'Access Denied: this bucket is private and its presigned links are for GET only.' : 'Access Denied: presigned links here are for GET only.');
  }
  const query = new URL(req.url ?? '/', 'http://dev-bucket').searchParams;
  if (query.get(S3_QUERY.signature) === null) {
    if (carriesQueryAuth(req.url ?? '/')) throw incompleteQueryAuth();
    throw accessDenied('Access Denied: this bucket is private; use a presigned link from the signer (/api/object-urls).');
  }
  if (query.get(S3_QUERY.signedHeaders) !== GET_SIGNED_HEADERS) {
    throw accessDenied('Access Denied: only presigned links signing the host header alone are accepted here.');
  }
  refuseUnsignedAmzHeaders(req.headers, [GET_SIGNED_HEADERS], true);
  verifyPresigned(req, 'GET', {}, key, endpoint, identity, now);
}

/**
 * Throws unless `req` is a presigned PUT of `key` (an UPLOAD_METHOD=put ticket) whose
 * signature covers its exact Content-Length and Content-Type, still valid at `now`.
 */
export function verifyPresignedPut(req: IncomingMessage, key: string, endpoint: string, identity: BucketIdentity, now: Date): void {
  const query = new URL(req.url ?? '/', 'http://dev-bucket').searchParams;
  if (query.get(S3_QUERY.signature) === null) {
    throw accessDenied('Access Denied: a PUT needs a presigned URL from the signer (UPLOAD_METHOD=put tickets).');
  }
  const names = (query.get(S3_QUERY.signedHeaders) ?? '').split(';');
  if (!PUT_REQUIRED_HEADERS.every((name) => names.includes(name))) {
    throw accessDenied(`Access Denied: a presigned PUT must sign ${PUT_REQUIRED_HEADERS.join(', ')}, so the upload is pinned to one size and type.`);
  }
  if (req.headers['content-length'] === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  refuseUnsignedAmzHeaders(req.headers, names, true);
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (name === 'host') continue;
    const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
    if (typeof value !== 'string') throw accessDenied(`Access Denied: the signed header ${name.slice(0, 64)} is missing from the request.`);
    headers[name] = value;
  }
  verifyPresigned(req, 'PUT', headers, key, endpoint, identity, now);
}

/** The checks both methods share; `headers`: the signed headers' values as sent (host aside). */
function verifyPresigned(
  req: IncomingMessage,
  method: 'GET' | 'PUT',
  headers: Record<string, string>,
  key: string,
  endpoint: string,
  identity: BucketIdentity,
  now: Date,
): void {
  const query = new URL(req.url ?? '/', 'http://dev-bucket').searchParams;
  const extraQuery = signedExtras(query);
  const signature = query.get(S3_QUERY.signature) ?? '';
  if (query.get(S3_QUERY.algorithm) !== SIGV4_ALGORITHM) {
    throw invalidArgument(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}".`);
  }
  const credential = parseCredential(query.get(S3_QUERY.credential) ?? '');
  const signedAt = parseAmzDate(query.get(S3_QUERY.date) ?? '');
  const expiresText = query.get(S3_QUERY.expires) ?? '';
  const expiresSeconds = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!credential || !signedAt || !(expiresSeconds >= 1 && expiresSeconds <= S3_MAX_PRESIGN_SECONDS)) {
    throw invalidArgument('X-Amz-Credential, X-Amz-Date or X-Amz-Expires is missing or malformed.');
  }
  if (credential.accessKeyId !== identity.credentials.accessKeyId) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const day = query.get(S3_QUERY.date)!.slice(0, 8);
  if (credential.day !== day || credential.region !== identity.region || credential.service !== S3_SERVICE || credential.terminator !== SIGV4_TERMINATOR) {
    throw new S3Error(400, 'AuthorizationQueryParametersError', `The credential scope must be ${day}/${identity.region}/s3/aws4_request.`);
  }
  if (query.get(S3_QUERY.contentSha256) !== S3_UNSIGNED_PAYLOAD) {
    throw accessDenied(`Access Denied: presigned requests here sign ${S3_UNSIGNED_PAYLOAD} as their payload.`);
  }
  const token = identity.credentials.securityToken;
  const givenToken = query.get(S3_QUERY.securityToken);
  // Long-term keys sign no token, so one appended is outside the signature: S3 refuses a token it did not issue.
  if (token === undefined && givenToken !== null) {
    throw invalidToken();
  }
  if (token !== undefined && !sameText(givenToken ?? '', token)) {
    throw accessDenied('Access Denied: the security token is missing or does not match.');
  }
  const expected = presignS3(
    {
      method,
      endpoint,
      region: identity.region,
      key,
      credentials: identity.credentials,
      now: signedAt,
      ttlSeconds: expiresSeconds,
      headers,
      // SigV4 signs every query parameter but the signature: one added to a link breaks it.
      extraQuery,
    },
    nodeCrypto,
  );
  const expectedSignature = new URL(expected).searchParams.get(S3_QUERY.signature) ?? '';
  if (!sameText(signature, expectedSignature)) {
    throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  // Checked after the signature, as S3 does: an expired link is only reported for a genuine one.
  if (now.getTime() > signedAt.getTime() + expiresSeconds * 1000) {
    throw accessDenied('Request has expired');
  }
  if (signedAt.getTime() - now.getTime() > MAX_FUTURE_SKEW_MS) {
    throw accessDenied('Request is not valid yet: X-Amz-Date is in the future (check the signer clock).');
  }
}
