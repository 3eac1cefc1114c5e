// Presigned UploadPart requests, one pure function per provider: credentials, bucket,
// key, the store's upload id, the part number and `now` in; a URL and the headers a
// plain PUT of the part's bytes must send out. Like the ticket dialects, they run the
// same in the signer and (for client-side signing) in the app.
import type { TicketProvider } from '../../../../typings/ticket';
import { signCosUploadPart } from './cos-upload-part';
import { signObsUploadPart } from './obs-upload-part';
import { signOssUploadPartV1 } from './oss-v1-upload-part';
import { signOssUploadPartV4 } from './oss-upload-part';
import { signS3UploadPart } from './s3-upload-part';
import type { UploadPartSigner } from './upload-part-input';

export { PART_CONTENT_TYPE, PART_QUERY, partQuery } from './upload-part-input';
export type { PresignedPart, UploadPartInput, UploadPartSigner } from './upload-part-input';

export const UPLOAD_PART_SIGNERS: Readonly<Record<TicketProvider, UploadPartSigner>> = {
  s3: signS3UploadPart,
  oss: signOssUploadPartV4,
  'oss-v1': signOssUploadPartV1,
  cos: signCosUploadPart,
  obs: signObsUploadPart,
};
