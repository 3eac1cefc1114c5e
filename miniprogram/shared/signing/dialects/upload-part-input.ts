// What every presigned UploadPart dialect takes and returns (upload-part.ts lists them).
import type { SigningCrypto } from '../primitives/crypto';
import type { BucketTarget, Credentials } from './dialect';
/**
 * The content type every part is sent with. Mini program request APIs add
 * `application/json` when none is given, and OSS and OBS sign the Content-Type the
 * request carries, so the signer names one and signs it.
 */
export const PART_CONTENT_TYPE = 'application/octet-stream';

/** The query parameters that make a PUT an UploadPart on every one of these stores. */
export const PART_QUERY = { partNumber: 'partNumber', uploadId: 'uploadId' } as const;

export interface UploadPartInput extends Omit<BucketTarget, 'publicBaseUrl'> {
  credentials: Credentials;
  key: string;
  /** The store's id for the multipart upload. */
  uploadId: string;
  partNumber: number;
  /** The exact length of this part; stores whose presigned URLs can pin it (S3) do. */
  partBytes: number;
  now: Date;
  ttlSeconds: number;
}

export interface PresignedPart {
  url: string;
  headers: Record<string, string>;
}

export type UploadPartSigner = (input: UploadPartInput, crypto: SigningCrypto<any>) => PresignedPart;

/** Query parameters of a part, as the stores list sub-resources: `partNumber` before `uploadId`. */
export function partQuery(input: UploadPartInput): Record<string, string> {
  return { [PART_QUERY.partNumber]: String(input.partNumber), [PART_QUERY.uploadId]: input.uploadId };
}
