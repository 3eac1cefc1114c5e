// OBS UploadPart as a query-signed PUT (what esdk-obs-nodejs `createSignedUrlSync` makes
// for Method PUT with the partNumber/uploadId query and a Content-Type header):
// base64 HMAC-SHA1 of "PUT\n\n<Content-Type>\n<Expires>\n/<bucket>/<key>?<sorted sub-resources>".
// On the bucket's own host (`bucket.obs.region…`) the resource names the bucket; on a custom
// domain it names the domain, `/<domain>/<key>`, as the SDK signs with is_cname.
import type { SigningCrypto } from '../primitives/crypto';
import { OBS_QUERY, obsSignature } from './obs';
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
  const { protocol, host } = parseEndpoint(input.endpoint);
  const domain = host.replace(/:\d+$/, '');
  const root = domain.startsWith(`${input.bucket}.`) ? input.bucket : domain;
  const resource = `/${root}/${path}?${names.map((name) => `${name}=${subResources[name]}`).join('&')}`;
  const signature = obsSignature(crypto, credentials.accessKeySecret, ['PUT', '', PART_CONTENT_TYPE, expires, resource].join('\n'));
  const params: [string, string][] = [
    [OBS_QUERY.accessKeyId, credentials.accessKeyId],
    [OBS_QUERY.expires, expires],
    ...names.map((name): [string, string] => [name, subResources[name]]),
    [OBS_QUERY.signature, signature],
  ];
  const query = params.map(([name, value]) => `${name}=${encodeRfc3986(value)}`).join('&');
  return { url: `${protocol}://${host}/${path}?${query}`, headers: { 'Content-Type': PART_CONTENT_TYPE } };
}
