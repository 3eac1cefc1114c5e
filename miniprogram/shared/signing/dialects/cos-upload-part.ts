// COS Upload Part as a signed URL (the COS request signature in the query, as
// cos-nodejs-sdk-v5 `getAuthorization` computes it for method put with the partNumber
// and uploadId parameters and the host header).
import type { SigningCrypto } from '../primitives/crypto';
import { COS_FIELDS, cosAuthorization, cosKeyTime } from './cos';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';
import { encodeRfc3986, objectUrlFor, parseEndpoint } from '../primitives/url-encode';

export function signCosUploadPart(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  const { host } = parseEndpoint(input.endpoint);
  const query = partQuery(input);
  const authorization = cosAuthorization(crypto, input.credentials, {
    method: 'put',
    key: input.key,
    headers: { host },
    query,
    keyTime: cosKeyTime(input.now, input.ttlSeconds),
  });
  const token = input.credentials.securityToken;
  const tokenParam = token ? `&${COS_FIELDS.securityToken}=${encodeRfc3986(token)}` : '';
  const partParams = Object.keys(query)
    .map((name) => `${name}=${encodeRfc3986(query[name])}`)
    .join('&');
  return {
    url: `${objectUrlFor(input.endpoint, input.key, 'strict')}?${partParams}&${authorization}${tokenParam}`,
    headers: { 'Content-Type': PART_CONTENT_TYPE },
  };
}
