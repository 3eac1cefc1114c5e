// OBS UploadPart as a query-signed PUT (what esdk-obs-nodejs `createSignedUrlSync` makes
// for Method PUT with the partNumber/uploadId query and a Content-Type header):
// base64 HMAC-SHA1 of "PUT\n\n<Content-Type>\n<Expires>\n/<bucket>/<key>?<sorted sub-resources>".
// On a custom domain the resource is `/<domain>/<key>`, as the SDK signs with is_cname
// (obs.ts obsResourceRoot).
import type { SigningCrypto } from '../primitives/crypto';
import { OBS_QUERY, obsResourceRoot, obsSignature } from './obs';
import { unixSeconds } from './post-ticket';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';
import { encodeKeyPath, encodeRfc3986, parseEndpoint } from '../primitives/url-encode';

export function signObsUploadPart(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  const { credentials } = input;
  const expires = String(unixSeconds(input.now) + input.ttlSeconds);
  const path = encodeKeyPath(input.key);
  const subResources: Record<string, string> = partQuery(input);
  if (credentials.securityToken) subResources[OBS_QUERY.securityToken] = credentials.securityToken;
  const names = Object.keys(subResources).sort();
  const resource = `${obsResourceRoot(input.endpoint, input.bucket)}/${path}?${names.map((name) => `${name}=${subResources[name]}`).join('&')}`;
  const signature = obsSignature(crypto, credentials.accessKeySecret, ['PUT', '', PART_CONTENT_TYPE, expires, resource].join('\n'));
  const params: [string, string][] = [
    [OBS_QUERY.accessKeyId, credentials.accessKeyId],
    [OBS_QUERY.expires, expires],
    ...names.map((name): [string, string] => [name, subResources[name]]),
    [OBS_QUERY.signature, signature],
  ];
  const { protocol, host } = parseEndpoint(input.endpoint);
  const query = params.map(([name, value]) => `${name}=${encodeRfc3986(value)}`).join('&');
  return { url: `${protocol}://${host}/${path}?${query}`, headers: { 'Content-Type': PART_CONTENT_TYPE } };
}
