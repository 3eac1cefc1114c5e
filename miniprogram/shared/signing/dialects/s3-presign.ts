// SigV4 query presigning for S3-compatible stores: a presigned PUT for stores
// without POST policies (Cloudflare R2; UPLOAD_METHOD=put), and presigned GET
// links for private buckets. A PUT cannot carry a size range, so it pins the
// one exact Content-Length the client declared (checked against the limit
// first) together with the Content-Type, both as signed headers.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, ObjectUrlInput, TicketInput } from './dialect';
import { expiresAt } from './policy';
import { FILE_FIELD, assertExactSize, assertTicketInput } from './post-ticket';
import { S3_SERVICE, SIGV4_ALGORITHM, amzDate, credentialScope, dateStamp, signingKey } from '../primitives/sigv4';
import { canonicalQuery, encodeKeyPath, objectUrlFor, parseEndpoint } from '../primitives/url-encode';

/** SigV4 refuses presigned URLs valid for longer than seven days. */
export const S3_MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
export const S3_UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3 answers a successful PUT Object with 200. */
export const S3_PUT_SUCCESS_STATUS = 200;

export const S3_QUERY = {
  algorithm: 'X-Amz-Algorithm',
  contentSha256: 'X-Amz-Content-Sha256',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  securityToken: 'X-Amz-Security-Token',
  signedHeaders: 'X-Amz-SignedHeaders',
  signature: 'X-Amz-Signature',
} as const;

interface PresignRequest {
  method: 'GET' | 'PUT';
  endpoint: string;
  region: string;
  key: string;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  now: Date;
  ttlSeconds: number;
  /** Signed headers besides host, lower-case names. */
  headers: Record<string, string>;
  /** Signed query parameters besides SigV4's own (e.g. response-content-disposition); the dev bucket re-signs what it was sent. */
  extraQuery?: Record<string, string>;
}

/** The presigned URL for one request (what @aws-sdk/s3-request-presigner getSignedUrl yields, minus its `x-id` marker). */
export function presignS3(request: PresignRequest, crypto: SigningCrypto<any>): string {
  if (!(request.ttlSeconds > 0) || request.ttlSeconds > S3_MAX_PRESIGN_SECONDS) {
    throw new Error(`A presigned URL must be valid for 1 to ${S3_MAX_PRESIGN_SECONDS} seconds, not ${request.ttlSeconds}.`);
  }
  const { protocol, host, basePath } = parseEndpoint(request.endpoint);
  const day = dateStamp(request.now);
  const scope = credentialScope(day, request.region, S3_SERVICE);
  const headers: Record<string, string> = { ...request.headers, host };
  const headerNames = Object.keys(headers).sort();
  const signedHeaders = headerNames.join(';');
  const query: Record<string, string> = {
    ...request.extraQuery,
    [S3_QUERY.algorithm]: SIGV4_ALGORITHM,
    [S3_QUERY.contentSha256]: S3_UNSIGNED_PAYLOAD,
    [S3_QUERY.credential]: `${request.credentials.accessKeyId}/${scope}`,
    [S3_QUERY.date]: amzDate(request.now),
    [S3_QUERY.expires]: String(request.ttlSeconds),
    [S3_QUERY.signedHeaders]: signedHeaders,
  };
  if (request.credentials.securityToken) query[S3_QUERY.securityToken] = request.credentials.securityToken;
  const path = `${basePath}/${encodeKeyPath(request.key)}`;
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(query),
    headerNames.map((name) => `${name}:${headers[name].trim()}\n`).join(''),
    signedHeaders,
    S3_UNSIGNED_PAYLOAD,
  ].join('\n');
  const stringToSign = [SIGV4_ALGORITHM, query[S3_QUERY.date], scope, crypto.sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(crypto, request.credentials.accessKeySecret, day, request.region, S3_SERVICE);
  query[S3_QUERY.signature] = crypto.hmacSha256Hex(key, stringToSign);
  return `${protocol}://${host}${path}?${canonicalQuery(query)}`;
}

/** A presigned GET for a private bucket; attach as the s3 dialect's signObjectUrl. */
export function signS3ObjectUrl(input: ObjectUrlInput, crypto: SigningCrypto<any>): string {
  return presignS3({ ...input, method: 'GET', headers: {} }, crypto);
}

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  assertExactSize(input.size, input.maxBytes);
  const url = presignS3(
    {
      ...input,
      method: 'PUT',
      headers: { 'content-length': String(input.size), 'content-type': input.contentType },
    },
    crypto,
  );
  return {
    provider: 's3' as const,
    method: 'PUT' as const,
    url,
    key: input.key,
    fileField: FILE_FIELD,
    fields: {},
    // Content-Length is signed too; the platform sets it from the body, which
    // must be exactly `maxBytes` (= the declared size) bytes.
    headers: { 'Content-Type': input.contentType },
    contentType: input.contentType,
    maxBytes: input.size,
    expiresAt: expiresAt(input.now, input.ttlSeconds).toISOString(),
    successStatus: S3_PUT_SUCCESS_STATUS,
    objectUrl: objectUrlFor(input.publicBaseUrl || input.endpoint, input.key, 'strict'),
  };
}

export const s3PutDialect: Dialect = {
  provider: 's3',
  signUpload,
  signObjectUrl: signS3ObjectUrl,
};
