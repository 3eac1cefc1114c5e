// Alibaba Cloud OSS, signature V4 (OSS4-HMAC-SHA256): POST policy uploads and
// query-signed GET links. The V4 signature binds only the day, region and
// policy, so the policy itself carries the x-oss-date / x-oss-credential /
// x-oss-signature-version conditions; without them a form could be replayed
// with other values in those fields.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, ObjectUrlInput, TicketInput } from './dialect';
import { signPostForm } from './post-form';
import { KEY_FIELD, SUCCESS_STATUS_FIELD, assertTicketInput } from './post-ticket';
import { canonicalQuery, encodeKeyPath, objectUrlFor, parseEndpoint } from '../primitives/url-encode';
import { amzDate, deriveSigningKey, type KeyChainNames } from '../primitives/sigv4';

export const OSS_V4_ALGORITHM = 'OSS4-HMAC-SHA256';
export const OSS_SERVICE = 'oss';
export const OSS_V4_TERMINATOR = 'aliyun_v4_request';
/** Prefix of the secret at the root of the V4 key derivation. */
export const OSS_V4_KEY_PREFIX = 'aliyun_v4';
/** OSS V4 signs no payload hash for query-signed and POST requests. */
export const OSS_UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Form fields as the OSS PostObject documentation names them. */
export const OSS_FIELDS = {
  key: KEY_FIELD,
  policy: 'policy',
  signatureVersion: 'x-oss-signature-version',
  credential: 'x-oss-credential',
  date: 'x-oss-date',
  signature: 'x-oss-signature',
  securityToken: 'x-oss-security-token',
  contentType: 'Content-Type',
  successStatus: SUCCESS_STATUS_FIELD,
} as const;

/** Query parameters of a V4 signed URL. */
export const OSS_V4_QUERY = {
  credential: 'x-oss-credential',
  date: 'x-oss-date',
  expires: 'x-oss-expires',
  signatureVersion: 'x-oss-signature-version',
  securityToken: 'x-oss-security-token',
  signature: 'x-oss-signature',
} as const;

/** `oss-cn-hangzhou` and `cn-hangzhou` both name the region; signatures want the bare id. */
export function ossRegionId(region: string): string {
  return region.replace(/^oss-/, '');
}

/** The public endpoint of a bucket: https://<bucket>.oss-<region>.aliyuncs.com */
export function ossEndpoint(bucket: string, region: string): string {
  return `https://${bucket}.oss-${ossRegionId(region)}.aliyuncs.com`;
}

/** `20231203T121212Z`, the x-oss-date format: SigV4's X-Amz-Date format. */
export const ossDate = amzDate;

/** OSS V4 derives its signing key with SigV4's chain under its own names. */
export const OSS_V4_KEY_CHAIN: KeyChainNames = { secretPrefix: OSS_V4_KEY_PREFIX, terminator: OSS_V4_TERMINATOR };

/** `<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request` */
export function ossCredential(accessKeyId: string, day: string, region: string): string {
  return `${accessKeyId}/${day}/${ossRegionId(region)}/${OSS_SERVICE}/${OSS_V4_TERMINATOR}`;
}

/** hex HMAC-SHA256 of `stringToSign` under "aliyun_v4"+secret → day → region → oss → aliyun_v4_request. */
export function ossV4Signature<B>(
  crypto: SigningCrypto<B>,
  secret: string,
  day: string,
  region: string,
  stringToSign: string,
): string {
  const key = deriveSigningKey(crypto, OSS_V4_KEY_CHAIN, secret, day, ossRegionId(region), OSS_SERVICE);
  return crypto.hmacSha256Hex(key, stringToSign);
}

/** Where a ticket's `objectUrl` points: the CDN/custom domain if set, else the bucket; keys written the way ali-oss writes them. */
export function ossObjectUrl(input: { publicBaseUrl: string; endpoint: string; key: string }): string {
  return objectUrlFor(input.publicBaseUrl || input.endpoint, input.key, 'component');
}

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  const { credentials } = input;
  const date = ossDate(input.now);
  const day = date.slice(0, 8);
  const credential = ossCredential(credentials.accessKeyId, day, input.region);
  return signPostForm(input, crypto, {
    provider: 'oss',
    names: OSS_FIELDS,
    conditions: [
      { [OSS_FIELDS.signatureVersion]: OSS_V4_ALGORITHM },
      { [OSS_FIELDS.credential]: credential },
      { [OSS_FIELDS.date]: date },
    ],
    leadingFields: {
      [OSS_FIELDS.signatureVersion]: OSS_V4_ALGORITHM,
      [OSS_FIELDS.credential]: credential,
      [OSS_FIELDS.date]: date,
    },
    sign: (policy) => ({
      [OSS_FIELDS.signature]: ossV4Signature(crypto, credentials.accessKeySecret, day, input.region, policy.base64),
    }),
    objectUrl: ossObjectUrl,
  });
}

/** What a V4 query-signed request signs beyond the key, the credentials and the clock. */
export interface OssV4Presign {
  method: 'GET' | 'PUT';
  /** Queries of the request itself (partNumber, uploadId), signed with the rest. */
  extraQuery?: Record<string, string>;
  /** Canonical headers, each `name:value\n`, lower-case names; '' when none are signed. */
  canonicalHeaders?: string;
}

/**
 * A V4 query-signed URL for `/<bucket>/<key>`, as ali-oss `signatureUrlV4` makes it: the
 * one recipe behind signed GET links and part PUTs, which differ only by method, their
 * own queries and the headers signed.
 */
export function presignOssV4(input: Omit<ObjectUrlInput, 'publicBaseUrl'>, request: OssV4Presign, crypto: SigningCrypto<any>): string {
  const { credentials } = input;
  const date = ossDate(input.now);
  const day = date.slice(0, 8);
  const query: Record<string, string> = {
    ...request.extraQuery,
    [OSS_V4_QUERY.credential]: ossCredential(credentials.accessKeyId, day, input.region),
    [OSS_V4_QUERY.date]: date,
    [OSS_V4_QUERY.expires]: String(input.ttlSeconds),
    [OSS_V4_QUERY.signatureVersion]: OSS_V4_ALGORITHM,
  };
  if (credentials.securityToken) query[OSS_V4_QUERY.securityToken] = credentials.securityToken;
  const canonicalRequest = [
    request.method,
    `/${input.bucket}/${encodeKeyPath(input.key)}`,
    canonicalQuery(query),
    request.canonicalHeaders ?? '',
    '', // no additional headers
    OSS_UNSIGNED_PAYLOAD,
  ].join('\n');
  const scope = `${day}/${ossRegionId(input.region)}/${OSS_SERVICE}/${OSS_V4_TERMINATOR}`;
  const stringToSign = [OSS_V4_ALGORITHM, date, scope, crypto.sha256Hex(canonicalRequest)].join('\n');
  query[OSS_V4_QUERY.signature] = ossV4Signature(crypto, credentials.accessKeySecret, day, input.region, stringToSign);
  const { protocol, host } = parseEndpoint(input.endpoint);
  return `${protocol}://${host}/${encodeKeyPath(input.key)}?${canonicalQuery(query)}`;
}

/**
 * A V4 query-signed GET (what ali-oss `signatureUrlV4('GET', …)` produces). The
 * canonical URI is /<bucket>/<key>, so the link only works on the bucket's own
 * endpoint, never through a CDN domain.
 */
export function signOssObjectUrlV4(input: ObjectUrlInput, crypto: SigningCrypto<any>): string {
  return presignOssV4(input, { method: 'GET' }, crypto);
}

export const ossDialect: Dialect = {
  provider: 'oss',
  signUpload,
  signObjectUrl: signOssObjectUrlV4,
};
