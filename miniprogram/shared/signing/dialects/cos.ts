// Tencent Cloud COS: POST Object (policy + q-* form fields) and the COS request
// signature (q-sign-algorithm=sha1&…&q-signature=…) used for signed GET links
// and, in cos-put.ts, for PUT uploads. COS signs with HMAC-SHA1 under a key
// derived from the validity window ("KeyTime"), and hashes the policy's JSON
// text itself, not its base64.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, ObjectUrlInput, TicketInput } from './dialect';
import { signPostForm } from './post-form';
import { KEY_FIELD, SUCCESS_STATUS_FIELD, assertTicketInput, unixSeconds } from './post-ticket';
import { encodeRfc3986, objectUrlFor, parseEndpoint } from '../primitives/url-encode';

export const COS_SIGN_ALGORITHM = 'sha1';

/** Form fields as the COS POST Object documentation names them. */
export const COS_FIELDS = {
  key: KEY_FIELD,
  policy: 'policy',
  signAlgorithm: 'q-sign-algorithm',
  accessKeyId: 'q-ak',
  keyTime: 'q-key-time',
  signature: 'q-signature',
  securityToken: 'x-cos-security-token',
  contentType: 'Content-Type',
  successStatus: SUCCESS_STATUS_FIELD,
} as const;

/** The policy names the window `q-sign-time`, the form `q-key-time` (same value), as documented. */
export const COS_POLICY_SIGN_TIME = 'q-sign-time';

/** The public endpoint of a bucket (the name includes its APPID, e.g. examplebucket-1250000000). */
export function cosEndpoint(bucket: string, region: string): string {
  return `https://${bucket}.cos.${region}.myqcloud.com`;
}

/** `start;end` in Unix seconds: the validity window every COS signature carries. */
export function cosKeyTime(now: Date, ttlSeconds: number): string {
  const start = unixSeconds(now);
  return `${start};${start + ttlSeconds}`;
}

/** SignKey = hex HMAC-SHA1(SecretKey, KeyTime). */
export function cosSignKey<B>(crypto: SigningCrypto<B>, secret: string, keyTime: string): string {
  return crypto.hex(crypto.hmacSha1(crypto.utf8(secret), keyTime));
}

/** POST Object: q-signature = hex HMAC-SHA1(SignKey, hex SHA1(policy JSON text)). */
export function cosPolicySignature<B>(crypto: SigningCrypto<B>, secret: string, keyTime: string, policyText: string) {
  const signKey = cosSignKey(crypto, secret, keyTime);
  const stringToSign = crypto.sha1Hex(policyText);
  return { signKey, stringToSign, signature: crypto.hex(crypto.hmacSha1(crypto.utf8(signKey), stringToSign)) };
}

/** `a=1&b=2` with lower-cased, strictly encoded names sorted, and strictly encoded values (COS HttpHeaders/HttpParameters). */
function cosPairs(entries: Record<string, string>): { list: string; text: string } {
  const pairs = Object.keys(entries)
    .map((name) => [encodeRfc3986(name).toLowerCase(), encodeRfc3986(entries[name])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { list: pairs.map(([name]) => name).join(';'), text: pairs.map(([n, v]) => `${n}=${v}`).join('&') };
}

export interface CosRequestToSign {
  method: string;
  /** The object key as stored (COS signs the raw path, not its URL encoding). */
  key: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  keyTime: string;
}

/** The COS request signature, as the value of an Authorization header or a signed URL's query. */
export function cosAuthorization<B>(
  crypto: SigningCrypto<B>,
  credentials: { accessKeyId: string; accessKeySecret: string },
  request: CosRequestToSign,
): string {
  const headers = cosPairs(request.headers);
  const params = cosPairs(request.query ?? {});
  const httpString = [request.method.toLowerCase(), `/${request.key}`, params.text, headers.text, ''].join('\n');
  const stringToSign = [COS_SIGN_ALGORITHM, request.keyTime, crypto.sha1Hex(httpString), ''].join('\n');
  const signKey = cosSignKey(crypto, credentials.accessKeySecret, request.keyTime);
  const signature = crypto.hex(crypto.hmacSha1(crypto.utf8(signKey), stringToSign));
  return [
    `q-sign-algorithm=${COS_SIGN_ALGORITHM}`,
    `q-ak=${credentials.accessKeyId}`,
    `q-sign-time=${request.keyTime}`,
    `q-key-time=${request.keyTime}`,
    `q-header-list=${headers.list}`,
    `q-url-param-list=${params.list}`,
    `q-signature=${signature}`,
  ].join('&');
}

/** COS (and its SDKs) encode !'()* in keys too; links use the same form. */
export function cosObjectUrl(input: { publicBaseUrl: string; endpoint: string; key: string }): string {
  return objectUrlFor(input.publicBaseUrl || input.endpoint, input.key, 'strict');
}

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  const { credentials } = input;
  const keyTime = cosKeyTime(input.now, input.ttlSeconds);
  return signPostForm(input, crypto, {
    provider: 'cos',
    names: COS_FIELDS,
    conditions: [
      { [COS_FIELDS.signAlgorithm]: COS_SIGN_ALGORITHM },
      { [COS_FIELDS.accessKeyId]: credentials.accessKeyId },
      { [COS_POLICY_SIGN_TIME]: keyTime },
    ],
    leadingFields: {},
    // COS hashes the policy's JSON text, and documents its q-* fields after the policy.
    sign: (policy) => ({
      [COS_FIELDS.signAlgorithm]: COS_SIGN_ALGORITHM,
      [COS_FIELDS.accessKeyId]: credentials.accessKeyId,
      [COS_FIELDS.keyTime]: keyTime,
      [COS_FIELDS.signature]: cosPolicySignature(crypto, credentials.accessKeySecret, keyTime, policy.text).signature,
    }),
    objectUrl: cosObjectUrl,
  });
}

/**
 * A signed GET link (the equivalent of the COS SDKs' getObjectUrl with Sign:
 * true): the object URL on the bucket endpoint, the host header signed, the
 * authorization string as its query, then the token when there is one.
 */
export function signCosObjectUrl(input: ObjectUrlInput, crypto: SigningCrypto<any>): string {
  const { host } = parseEndpoint(input.endpoint);
  const authorization = cosAuthorization(crypto, input.credentials, {
    method: 'get',
    key: input.key,
    headers: { host },
    keyTime: cosKeyTime(input.now, input.ttlSeconds),
  });
  const token = input.credentials.securityToken;
  const tokenParam = token ? `&${COS_FIELDS.securityToken}=${encodeRfc3986(token)}` : '';
  return `${objectUrlFor(input.endpoint, input.key, 'strict')}?${authorization}${tokenParam}`;
}

export const cosDialect: Dialect = {
  provider: 'cos',
  signUpload,
  signObjectUrl: signCosObjectUrl,
};
