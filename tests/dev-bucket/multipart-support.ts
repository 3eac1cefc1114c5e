// The official AWS SDK pointed at a dev bucket, plus the presigned part URLs the signer
// hands out, for the multipart tests.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { UPLOAD_PART_SIGNERS, type Credentials } from '../../miniprogram/shared/signing';
import { CREDENTIALS, REGION, type RunningBucket } from '../support/bucket-harness';

/** The dev bucket is path-style: its one bucket is the first path segment. */
export const PATH_BUCKET = 'dev-bucket';
export const MIB = 1024 * 1024;

export function sdkClient(running: RunningBucket, credentials: Credentials = CREDENTIALS, extra: S3ClientConfig = {}): S3Client {
  return new S3Client({
    endpoint: running.origin,
    forcePathStyle: true,
    region: REGION,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.accessKeySecret, sessionToken: credentials.securityToken },
    // The SDK's defaults otherwise (its checksum headers included): the dev bucket must take what it sends.
    maxAttempts: 1,
    ...extra,
  });
}

export function freshKey(): string {
  return `uploads/2026/11/22/${randomBytes(8).toString('hex')}.mp4`;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function partUrl(
  running: RunningBucket,
  key: string,
  uploadId: string,
  partNumber: number,
  partBytes: number,
  opts: { now?: Date; ttlSeconds?: number } = {},
): string {
  return UPLOAD_PART_SIGNERS.s3(
    {
      bucket: PATH_BUCKET,
      region: REGION,
      endpoint: running.endpoint,
      credentials: CREDENTIALS,
      key,
      uploadId,
      partNumber,
      partBytes,
      now: opts.now ?? new Date(),
      ttlSeconds: opts.ttlSeconds ?? 600,
    },
    nodeCrypto,
  ).url;
}

export async function putPart(url: string, body: Buffer): Promise<{ status: number; etag: string | null; text: string }> {
  const response = await fetch(url, { method: 'PUT', body: new Uint8Array(body), headers: { 'Content-Type': 'application/octet-stream' } });
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}
