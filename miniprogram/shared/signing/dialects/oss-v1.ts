// Alibaba Cloud OSS, legacy signature V1: OSSAccessKeyId + Signature (base64
// HMAC-SHA1 of the base64 policy). Closed to accounts created after 2025-03-01;
// kept for older accounts and OSS-compatible stores that never learned V4.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, ObjectUrlInput, TicketInput } from './dialect';
import { base64HmacSha1, signHmacSha1PostForm } from './post-form';
import { KEY_FIELD, SUCCESS_STATUS_FIELD, assertTicketInput, unixSeconds } from './post-ticket';
import { ossObjectUrl } from './oss';
import { encodeKeyPath, encodeRfc3986, parseEndpoint } from '../primitives/url-encode';

/** Form fields as the OSS PostObject (V1) documentation names them. */
export const OSS_V1_FIELDS = {
  key: KEY_FIELD,
  policy: 'policy',
  accessKeyId: 'OSSAccessKeyId',
  signature: 'Signature',
  securityToken: 'x-oss-security-token',
  contentType: 'Content-Type',
  successStatus: SUCCESS_STATUS_FIELD,
} as const;

/** Query parameters of a V1 signed URL; the token is a sub-resource here, not an x-oss- header. */
export const OSS_V1_QUERY = {
  accessKeyId: 'OSSAccessKeyId',
  expires: 'Expires',
  signature: 'Signature',
  securityToken: 'security-token',
} as const;

/** base64 HMAC-SHA1(secret, text): the V1 signature of a policy or a canonical string. */
export const ossV1Signature = base64HmacSha1;

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  return signHmacSha1PostForm(input, crypto, { provider: 'oss-v1', names: OSS_V1_FIELDS, objectUrl: ossObjectUrl });
}

/**
 * A V1 signed GET (what ali-oss `signatureUrl` produces): the canonical string
 * is "GET\n\n\n<Expires>\n/<bucket>/<raw key>[?security-token=<token>]".
 */
export function signOssObjectUrlV1(input: ObjectUrlInput, crypto: SigningCrypto<any>): string {
  const { credentials } = input;
  const expires = String(unixSeconds(input.now) + input.ttlSeconds);
  let resource = `/${input.bucket}/${input.key}`;
  if (credentials.securityToken) resource += `?${OSS_V1_QUERY.securityToken}=${credentials.securityToken}`;
  const canonical = ['GET', '', '', expires, resource].join('\n');
  const signature = ossV1Signature(crypto, credentials.accessKeySecret, canonical);
  const params: [string, string][] = [
    [OSS_V1_QUERY.accessKeyId, credentials.accessKeyId],
    [OSS_V1_QUERY.expires, expires],
    [OSS_V1_QUERY.signature, signature],
  ];
  if (credentials.securityToken) params.push([OSS_V1_QUERY.securityToken, credentials.securityToken]);
  const { protocol, host } = parseEndpoint(input.endpoint);
  const query = params.map(([name, value]) => `${name}=${encodeRfc3986(value)}`).join('&');
  return `${protocol}://${host}/${encodeKeyPath(input.key)}?${query}`;
}

export const ossV1Dialect: Dialect = {
  provider: 'oss-v1',
  signUpload,
  signObjectUrl: signOssObjectUrlV1,
};
