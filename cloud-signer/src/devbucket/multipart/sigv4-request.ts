// SigV4 verification of a whole REST request, the way S3 checks it: the canonical
// request is rebuilt from what arrived (method, path, query, the headers the client
// says it signed, the payload hash) and signed again with the bucket's key. Both forms
// S3 accepts: an Authorization header (what @aws-sdk/client-s3 sends) and a presigned
// query (the part URLs the signer hands out). The payload hash is returned so the body
// can be checked against it while it streams in.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  S3_MAX_PRESIGN_SECONDS,
  S3_QUERY,
  S3_SERVICE,
  S3_UNSIGNED_PAYLOAD,
  SIGV4_ALGORITHM,
  SIGV4_TERMINATOR,
  credentialScope,
  encodeRfc3986,
  signingKey,
} from '../../../../miniprogram/shared/signing/index';
import { nodeCrypto } from '../../node-crypto';
import { S3Error, invalidArgument, invalidToken } from '../s3-error';
import { parseCredential, refuseUnsignedAmzHeaders } from '../sigv4-verify';
import type { BucketIdentity } from '../verify-post';

/** S3 refuses a request dated further than this from its own clock (RequestTimeTooSkewed). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const SECURITY_TOKEN_HEADER = 'x-amz-security-token';

export interface VerifiedRequest {
  /** Lower-case hex SHA-256 the body must have, or undefined when the payload is unsigned. */
  payloadSha256?: string;
}

export interface RawQuery {
  /** Decoded name/value pairs in arrival order (`?uploads` is ["uploads", ""]). */
  pairs: [string, string][];
  get(name: string): string | undefined;
}

const accessDenied = (message: string) => new S3Error(403, 'AccessDenied', message);
const signatureMismatch = () =>
  new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidArgument('The request URL is not valid percent-encoding.');
  }
}

export function parseQuery(url: string): RawQuery {
  const at = url.indexOf('?');
  const pairs: [string, string][] = [];
  if (at >= 0) {
    for (const piece of url.slice(at + 1).split('&')) {
      if (piece === '') continue;
      const eq = piece.indexOf('=');
      pairs.push(eq < 0 ? [decode(piece), ''] : [decode(piece.slice(0, eq)), decode(piece.slice(eq + 1))]);
    }
  }
  return { pairs, get: (name) => pairs.find(([n]) => n === name)?.[1] };
}

function parseAmzDate(text: string | undefined): Date | undefined {
  const m = AMZ_DATE.exec(text ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  // Own headers only: a "signed header" named constructor or __proto__ is simply not sent.
  if (!Object.hasOwn(req.headers, name)) return undefined;
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

interface Claimed {
  credential: string;
  signedHeaders: string;
  signature: string;
  date: Date;
  payloadHash: string;
  /** Query form only: seconds from `date`. */
  expiresSeconds?: number;
  token?: string;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
function fromHeader(req: IncomingMessage, authorization: string): Claimed {
  const fields = new Map<string, string>();
  for (const piece of authorization.slice(SIGV4_ALGORITHM.length).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const date = parseAmzDate(headerValue(req, 'x-amz-date'));
  const payloadHash = headerValue(req, 'x-amz-content-sha256');
  if (!fields.get('Credential') || !fields.get('SignedHeaders') || !fields.get('Signature') || !date) {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; Credential, SignedHeaders, Signature and X-Amz-Date are required.');
  }
  if (payloadHash === undefined) {
    throw invalidArgument('Missing required header for this request: x-amz-content-sha256');
  }
  return {
    credential: fields.get('Credential')!,
    signedHeaders: fields.get('SignedHeaders')!,
    signature: fields.get('Signature')!,
    date,
    payloadHash,
    token: headerValue(req, SECURITY_TOKEN_HEADER),
  };
}

function fromQuery(query: RawQuery): Claimed {
  const date = parseAmzDate(query.get(S3_QUERY.date));
  const expiresText = query.get(S3_QUERY.expires) ?? '';
  const expiresSeconds = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
  const credential = query.get(S3_QUERY.credential);
  const signedHeaders = query.get(S3_QUERY.signedHeaders);
  if (query.get(S3_QUERY.algorithm) !== SIGV4_ALGORITHM) {
    throw invalidArgument(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}".`);
  }
  if (!credential || !signedHeaders || !date || !(expiresSeconds >= 1 && expiresSeconds <= S3_MAX_PRESIGN_SECONDS)) {
    throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Date or X-Amz-Expires is missing or malformed.');
  }
  return {
    credential,
    signedHeaders,
    signature: query.get(S3_QUERY.signature) ?? '',
    date,
    payloadHash: query.get(S3_QUERY.contentSha256) ?? S3_UNSIGNED_PAYLOAD,
    expiresSeconds,
    token: query.get(S3_QUERY.securityToken),
  };
}

/** Each path segment decoded and encoded again strictly: what S3 signs whatever encoding a client chose. */
function canonicalPath(url: string): string {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  return path.split('/').map((segment) => encodeRfc3986(decode(segment))).join('/');
}

function canonicalQueryOf(query: RawQuery, withoutSignature: boolean): string {
  return query.pairs
    .filter(([name]) => !(withoutSignature && name === S3_QUERY.signature))
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * Throws the S3Error S3 would answer unless `req` is signed by the bucket's key,
 * within its validity at `now`. Anonymous requests are refused: multipart uploads on
 * this bucket are the signer's business (and the part URLs it hands out).
 */
export function verifySigV4Request(req: IncomingMessage, identity: BucketIdentity, now: Date): VerifiedRequest {
  const url = req.url ?? '/';
  const query = parseQuery(url);
  const authorization = headerValue(req, 'authorization');
  const headerSigned = authorization?.startsWith(`${SIGV4_ALGORITHM} `) ?? false;
  if (!headerSigned && query.get(S3_QUERY.signature) === undefined) {
    throw accessDenied('Access Denied: multipart requests must be signed (SigV4 header or presigned URL).');
  }
  const claimed = headerSigned ? fromHeader(req, authorization!) : fromQuery(query);

  const credential = parseCredential(claimed.credential);
  if (!credential) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The credential is malformed; expected "<key id>/<day>/<region>/s3/aws4_request".');
  if (credential.accessKeyId !== identity.credentials.accessKeyId) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const dated = claimed.date.toISOString().slice(0, 10).replace(/-/g, '');
  if (credential.day !== dated || credential.region !== identity.region || credential.service !== S3_SERVICE || credential.terminator !== SIGV4_TERMINATOR) {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', `The credential scope must be ${dated}/${identity.region}/s3/aws4_request.`);
  }
  const signedNames = claimed.signedHeaders.split(';');
  if (!signedNames.includes('host')) throw accessDenied('Access Denied: the host header must be signed.');
  refuseUnsignedAmzHeaders(req.headers, signedNames, !headerSigned);
  const canonicalHeaders = signedNames
    .map((name) => {
      const value = headerValue(req, name);
      if (value === undefined) throw accessDenied(`Access Denied: the signed header "${name}" is missing from the request.`);
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalRequest = [
    req.method ?? '',
    canonicalPath(url),
    canonicalQueryOf(query, !headerSigned),
    canonicalHeaders,
    claimed.signedHeaders,
    claimed.payloadHash,
  ].join('\n');
  const scope = credentialScope(credential.day, credential.region, credential.service);
  const amzDate = claimed.date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const stringToSign = [SIGV4_ALGORITHM, amzDate, scope, nodeCrypto.sha256Hex(canonicalRequest)].join('\n');
  const token = identity.credentials.securityToken;
  // Long-term keys sign no token: one sent anyway (appended to a URL, or signed in a header) is one S3 never issued.
  if (token === undefined && claimed.token !== undefined) {
    throw invalidToken();
  }
  const key = signingKey(nodeCrypto, identity.credentials.accessKeySecret, credential.day, credential.region, credential.service);
  if (!sameText(claimed.signature, nodeCrypto.hmacSha256Hex(key, stringToSign))) throw signatureMismatch();

  if (token !== undefined && !sameText(claimed.token ?? '', token)) {
    throw accessDenied('Access Denied: the security token is missing or does not match.');
  }
  // Time is judged after the signature, as S3 does: only a genuine request hears "expired".
  if (claimed.expiresSeconds !== undefined) {
    if (now.getTime() > claimed.date.getTime() + claimed.expiresSeconds * 1000) throw accessDenied('Request has expired');
    if (claimed.date.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
      throw accessDenied('Request is not valid yet: X-Amz-Date is in the future (check the signer clock).');
    }
  } else if (Math.abs(now.getTime() - claimed.date.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }
  if (claimed.payloadHash === S3_UNSIGNED_PAYLOAD) return {};
  if (!HEX_SHA256.test(claimed.payloadHash)) {
    // aws-chunked (STREAMING-…) bodies: the official SDK sends them only for checksum
    // trailers, which clients turn off with requestChecksumCalculation: 'WHEN_REQUIRED'.
    throw new S3Error(501, 'NotImplemented', `The dev bucket does not accept x-amz-content-sha256 "${claimed.payloadHash}"; send the body's SHA-256 or UNSIGNED-PAYLOAD.`);
  }
  return { payloadSha256: claimed.payloadHash };
}
