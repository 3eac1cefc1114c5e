// OSS UploadPart as a V1 signed PUT (what ali-oss `signatureUrl` makes with method PUT
// and the partNumber/uploadId sub-resources): base64 HMAC-SHA1 of
// "PUT\n\n<Content-Type>\n<Expires>\n/<bucket>/<raw key>?<sorted sub-resources>".
import type { SigningCrypto } from '../primitives/crypto';
import { OSS_V1_QUERY, ossV1Signature } from './oss-v1';
import { unixSeconds } from './post-ticket';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';
import { encodeKeyPath, encodeRfc3986, parseEndpoint } from '../primitives/url-encode';

export function signOssUploadPartV1(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  const { credentials } = input;
  const expires = String(unixSeconds(input.now) + input.ttlSeconds);
  const subResources: Record<string, string> = partQuery(input);
  if (credentials.securityToken) subResources[OSS_V1_QUERY.securityToken] = credentials.securityToken;
  const names = Object.keys(subResources).sort();
  const resource = `/${input.bucket}/${input.key}?${names.map((name) => `${name}=${subResources[name]}`).join('&')}`;
  const signature = ossV1Signature(crypto, credentials.accessKeySecret, ['PUT', '', PART_CONTENT_TYPE, expires, resource].join('\n'));
  const params: [string, string][] = [
    [OSS_V1_QUERY.accessKeyId, credentials.accessKeyId],
    [OSS_V1_QUERY.expires, expires],
    [OSS_V1_QUERY.signature, signature],
    ...names.map((name): [string, string] => [name, subResources[name]]),
  ];
  const { protocol, host } = parseEndpoint(input.endpoint);
  const query = params.map(([name, value]) => `${name}=${encodeRfc3986(value)}`).join('&');
  return { url: `${protocol}://${host}/${encodeKeyPath(input.key)}?${query}`, headers: { 'Content-Type': PART_CONTENT_TYPE } };
}
