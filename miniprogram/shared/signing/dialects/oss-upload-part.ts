// OSS UploadPart as a V4 query-signed PUT (what ali-oss `signatureUrlV4('PUT', …)`
// makes with the partNumber and uploadId queries). V4 signs Content-Type whenever the
// request carries one, so the part's content type is part of the canonical headers.
import type { SigningCrypto } from '../primitives/crypto';
import { presignOssV4 } from './oss';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';

export function signOssUploadPartV4(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  return {
    url: presignOssV4(input, { method: 'PUT', extraQuery: partQuery(input), canonicalHeaders: `content-type:${PART_CONTENT_TYPE}\n` }, crypto),
    headers: { 'Content-Type': PART_CONTENT_TYPE },
  };
}
