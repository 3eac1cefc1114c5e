// S3 UploadPart as a SigV4 query-presigned PUT (what @aws-sdk/s3-request-presigner makes
// of an UploadPartCommand). The part's exact Content-Length is a signed header: the
// URL then stores that many bytes and no more, so a leaked part URL cannot be used to
// park an arbitrary amount of data in the bucket.
import type { SigningCrypto } from '../primitives/crypto';
import { presignS3 } from './s3-presign';
import { PART_CONTENT_TYPE, partQuery, type PresignedPart, type UploadPartInput } from './upload-part-input';

export function signS3UploadPart(input: UploadPartInput, crypto: SigningCrypto<any>): PresignedPart {
  const url = presignS3(
    {
      method: 'PUT',
      endpoint: input.endpoint,
      region: input.region,
      key: input.key,
      credentials: input.credentials,
      now: input.now,
      ttlSeconds: input.ttlSeconds,
      headers: { 'content-length': String(input.partBytes) },
      extraQuery: partQuery(input),
    },
    crypto,
  );
  // Content-Type is not signed here; it is sent only so the platform does not add its own.
  return { url, headers: { 'Content-Type': PART_CONTENT_TYPE } };
}
