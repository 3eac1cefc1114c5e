// OSS UploadPart as a V4 query-signed PUT (what ali-oss `signatureUrlV4('PUT', …)`
// makes with the partNumber and uploadId queries). V4 signs Content-Type whenever the
// request carries one, so the part's content type is part of the canonical headers.
import type { SigningCrypto } from '../primitives/crypto';
import {
  OSS_SERVICE,
  OSS_UNSIGNED_PAYLOAD,
  OSS_V4_ALGORITHM,
  OSS_V4_QUERY,
  OSS_V4_TERMINATOR,
  ossCredential,
  ossDate,
  ossRegionId,
  ossV4Signature,
} from './oss';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';
import { canonicalQuery, encodeKeyPath, parseEndpoint } from '../primitives/url-encode';

export function signOssUploadPartV4(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  const { credentials } = input;
  const date = ossDate(input.now);
  const day = date.slice(0, 8);
  const query: Record<string, string> = {
    ...partQuery(input),
    [OSS_V4_QUERY.credential]: ossCredential(credentials.accessKeyId, day, input.region),
    [OSS_V4_QUERY.date]: date,
    [OSS_V4_QUERY.expires]: String(input.ttlSeconds),
    [OSS_V4_QUERY.signatureVersion]: OSS_V4_ALGORITHM,
  };
  if (credentials.securityToken) query[OSS_V4_QUERY.securityToken] = credentials.securityToken;
  const canonicalRequest = [
    'PUT',
    `/${input.bucket}/${encodeKeyPath(input.key)}`,
    canonicalQuery(query),
    `content-type:${PART_CONTENT_TYPE}\n`,
    '', // no additional headers
    OSS_UNSIGNED_PAYLOAD,
  ].join('\n');
  const scope = `${day}/${ossRegionId(input.region)}/${OSS_SERVICE}/${OSS_V4_TERMINATOR}`;
  const stringToSign = [OSS_V4_ALGORITHM, date, scope, crypto.sha256Hex(canonicalRequest)].join('\n');
  query[OSS_V4_QUERY.signature] = ossV4Signature(crypto, credentials.accessKeySecret, day, input.region, stringToSign);
  const { protocol, host } = parseEndpoint(input.endpoint);
  return {
    url: `${protocol}://${host}/${encodeKeyPath(input.key)}?${canonicalQuery(query)}`,
    headers: { 'Content-Type': PART_CONTENT_TYPE },
  };
}
