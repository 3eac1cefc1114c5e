// The calls the signer makes to an S3-compatible store (and to the dev bucket, which
// speaks the same API) to start, inspect, finish and abandon a multipart upload, with
// its own credentials, through the official @aws-sdk/client-s3: the XML, retries and
// error parsing are the SDK's. Store errors become the signer's JSON errors; what the
// store said is named, nothing secret is.
import type { S3Client } from '@aws-sdk/client-s3';
import type { StoredPart } from '../../../typings/multipart';
import { parseEndpoint } from '../../../miniprogram/shared/signing/index';
import { lazily, storeRefused, storeUnreachable, type MultipartStore, type StoreTarget } from './store';

type S3Sdk = typeof import('@aws-sdk/client-s3');
/** Loaded on first use (store.ts says why); under jsdom it would be the SDK's browser build. */
const loadSdk = lazily<S3Sdk>(() => import('@aws-sdk/client-s3'));

export type { MultipartStore } from './store';
/** `endpoint`: `https://bucket.host` (virtual host) or `https://host/bucket` (path style). */
export type S3StoreTarget = StoreTarget;

/** How the SDK must address the bucket for an endpoint written the way UPLOAD_ENDPOINT is (`bucket`: the SDK's Bucket parameter). */
export function sdkAddressing(endpoint: string, bucket: string): { endpoint: string; forcePathStyle: boolean; bucketEndpoint: boolean; bucket: string } {
  const { protocol, host, basePath } = parseEndpoint(endpoint);
  if (basePath !== '') {
    // Path style (MinIO, R2, the dev bucket): the first path segment is the bucket the URL names.
    return { endpoint: `${protocol}://${host}`, forcePathStyle: true, bucketEndpoint: false, bucket: basePath.slice(1) };
  }
  // The bucket at its own host (AWS's virtual host, a custom domain): with bucketEndpoint the
  // SDK takes the Bucket parameter as that URL and sends each call there as is; a bare bucket
  // name it cannot parse, and every call failed before leaving ("Invalid URL").
  return { endpoint: `${protocol}://${host}`, forcePathStyle: false, bucketEndpoint: true, bucket: `${protocol}://${host}` };
}

function storeFailure(sdk: S3Sdk | undefined, error: unknown, action: string): Error {
  if (sdk && error instanceof sdk.S3ServiceException) return storeRefused(action, error.name, error.$metadata.httpStatusCode);
  return storeUnreachable(action, error);
}

export function s3MultipartStore(target: S3StoreTarget): MultipartStore {
  const addressing = sdkAddressing(target.endpoint, target.bucket);
  const Bucket = addressing.bucket;
  // One client per call: cheap next to the round trip, and it signs at the signer's clock now.
  const client = (sdk: S3Sdk): S3Client =>
    new sdk.S3Client({
      region: target.region,
      endpoint: addressing.endpoint,
      forcePathStyle: addressing.forcePathStyle,
      bucketEndpoint: addressing.bucketEndpoint,
      systemClockOffset: target.now().getTime() - Date.now(),
      credentials: async () => {
        const c = await target.credentials.get(target.now());
        return { accessKeyId: c.accessKeyId, secretAccessKey: c.accessKeySecret, sessionToken: c.securityToken };
      },
    });
  /** Runs one store call with the SDK loaded, its failures turned into the signer's errors. */
  async function call<T>(action: string, work: (sdk: S3Sdk, s3: S3Client) => Promise<T>): Promise<T> {
    // Unavailable temporary keys surface as such (503 CredentialsUnavailable, Retry-After), as
    // on the other stores: from inside the SDK's provider they read as a bucket out of reach.
    await target.credentials.get(target.now());
    let sdk: S3Sdk | undefined;
    try {
      sdk = await loadSdk();
      return await work(sdk, client(sdk));
    } catch (error) {
      throw storeFailure(sdk, error, action);
    }
  }
  return {
    create: (key, contentType) =>
      call('start the upload', async (sdk, s3) => {
        const { UploadId } = await s3.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType }));
        if (!UploadId) throw new Error('no UploadId');
        return UploadId;
      }),
    listParts: (key, uploadId) =>
      call('list the parts', async (sdk, s3) => {
        const parts: StoredPart[] = [];
        // Paged by hand on IsTruncated: the SDK's paginator follows NextPartNumberMarker
        // alone, and stores differ in whether they send one on the last page.
        let marker: string | undefined;
        for (;;) {
          const page = await s3.send(new sdk.ListPartsCommand({ Bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
          for (const part of page.Parts ?? []) {
            parts.push({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '', size: part.Size ?? 0 });
          }
          if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker) break;
          marker = page.NextPartNumberMarker;
        }
        return parts.sort((a, b) => a.partNumber - b.partNumber);
      }),
    complete: (key, uploadId, parts) =>
      call('complete the upload', async (sdk, s3) => {
        await s3.send(
          new sdk.CompleteMultipartUploadCommand({
            Bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
          }),
        );
      }),
    abort: (key, uploadId) =>
      call('abort the upload', async (sdk, s3) => {
        await s3.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }));
      }),
    headObject: (key) =>
      call('look the object up', async (sdk, s3) => {
        try {
          const head = await s3.send(new sdk.HeadObjectCommand({ Bucket, Key: key }));
          // S3 names no upload on the object: its key and size are what identify it (routes/uploads.ts).
          return { size: head.ContentLength ?? 0 };
        } catch (error) {
          // A HEAD's 404 has no body: the SDK calls it NotFound (NoSuchKey on some stores). Without
          // s3:ListBucket, S3 answers a missing key with 403 instead (HeadObject, "Permissions"):
          // the same "no object" here, where the key is one only this upload was ever given.
          const status = error instanceof sdk.S3ServiceException ? error.$metadata.httpStatusCode : undefined;
          if (status === 403) {
            // A 403 has no body: it may as well mean no s3:GetObject, and then every lost answer
            // to a complete would send its file again. Logged every time, so the operator sees it.
            target.log?.(
              'signer: S3 answered 403 to the HEAD of an upload\'s key, read as no object (its answer for a missing key without s3:ListBucket); ' +
                'the signer\'s role needs s3:GetObject on the upload folder, or a complete whose answer was lost starts its file again',
            );
            return undefined;
          }
          if (status === 404) return undefined;
          throw error;
        }
      }),
  };
}
