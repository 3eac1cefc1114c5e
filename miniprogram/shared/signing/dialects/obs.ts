// Huawei Cloud OBS: POST upload (AccessKeyId + policy + signature, the
// signature being base64 HMAC-SHA1 of the base64 policy) and V2-style query
// signed GET links. We build the policy ourselves: the official SDK's
// createPostSignatureSync cannot express content-length-range, and OBS, like
// S3, wants every form field covered by a condition.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, ObjectUrlInput, TicketInput } from './dialect';
import { base64HmacSha1, signHmacSha1PostForm } from './post-form';
import { KEY_FIELD, SUCCESS_STATUS_FIELD, assertTicketInput, unixSeconds } from './post-ticket';
import { encodeKeyPath, encodeRfc3986, objectUrlFor, parseEndpoint } from '../primitives/url-encode';

/** Form fields as the OBS "POST upload" documentation names them. */
export const OBS_FIELDS = {
  key: KEY_FIELD,
  policy: 'policy',
  accessKeyId: 'AccessKeyId',
  signature: 'signature',
  securityToken: 'x-obs-security-token',
  contentType: 'Content-Type',
  successStatus: SUCCESS_STATUS_FIELD,
} as const;

/** Query parameters of an OBS signed URL (createSignedUrlSync with the `obs` signature). */
export const OBS_QUERY = {
  accessKeyId: 'AccessKeyId',
  expires: 'Expires',
  signature: 'Signature',
  securityToken: 'x-obs-security-token',
} as const;

/** The public endpoint of a bucket: https://<bucket>.obs.<region>.myhuaweicloud.com */
export function obsEndpoint(bucket: string, region: string): string {
  return `https://${bucket}.obs.${region}.myhuaweicloud.com`;
}

/** base64 HMAC-SHA1(secret, text): the signature of a policy's base64 or of a canonical string. */
export const obsSignature = base64HmacSha1;

/**
 * What a query signature's resource starts with: `/<bucket>` on the bucket's own host
 * (`bucket.obs.region…`), `/<domain>` on a custom domain, as esdk-obs-nodejs signs with
 * is_cname. The rest is `/<encoded key>` and the sub-resources.
 */
export function obsResourceRoot(endpoint: string, bucket: string): string {
  const domain = parseEndpoint(endpoint).host.replace(/:\d+$/, '');
  return `/${domain.startsWith(`${bucket}.`) ? bucket : domain}`;
}

export function obsObjectUrl(input: { publicBaseUrl: string; endpoint: string; key: string }): string {
  return objectUrlFor(input.publicBaseUrl || input.endpoint, input.key, 'strict');
}

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  return signHmacSha1PostForm(input, crypto, { provider: 'obs', names: OBS_FIELDS, objectUrl: obsObjectUrl });
}

/**
 * A query-signed GET: "GET\n\n\n<Expires>\n/<bucket>/<encoded key>[?x-obs-security-token=<token>]"
 * signed with HMAC-SHA1, as esdk-obs-nodejs createSignedUrlSync does (`/<domain>/…` on a
 * custom domain: obsResourceRoot).
 */
export function signObsObjectUrl(input: ObjectUrlInput, crypto: SigningCrypto<any>): string {
  const { credentials } = input;
  const expires = String(unixSeconds(input.now) + input.ttlSeconds);
  const path = encodeKeyPath(input.key);
  let resource = `${obsResourceRoot(input.endpoint, input.bucket)}/${path}`;
  if (credentials.securityToken) resource += `?${OBS_QUERY.securityToken}=${credentials.securityToken}`;
  const signature = obsSignature(crypto, credentials.accessKeySecret, ['GET', '', '', expires, resource].join('\n'));
  const params: [string, string][] = [
    [OBS_QUERY.accessKeyId, credentials.accessKeyId],
    [OBS_QUERY.expires, expires],
  ];
  if (credentials.securityToken) params.push([OBS_QUERY.securityToken, credentials.securityToken]);
  params.push([OBS_QUERY.signature, signature]);
  const { protocol, host } = parseEndpoint(input.endpoint);
  const query = params.map(([name, value]) => `${name}=${encodeRfc3986(value)}`).join('&');
  return `${protocol}://${host}/${path}?${query}`;
}

export const obsDialect: Dialect = {
  provider: 'obs',
  signUpload,
  signObjectUrl: signObsObjectUrl,
};
