// The calls the signer makes to Alibaba OSS to start, inspect, finish and abandon a
// multipart upload, through the official ali-oss SDK (initMultipartUpload, listParts,
// completeMultipartUpload, abortMultipartUpload): the XML and its errors are the SDK's.
// `oss` signs them with V4 (OSS4-HMAC-SHA256), `oss-v1` with V1, as the part URLs do.
/// <reference path="./untyped-sdks.d.ts" />
import { ossRegionId, parseEndpoint, type Credentials } from '../../../miniprogram/shared/signing/index';
import { clientPerCredentials, everyPart, lazily, storeRefused, storeUnreachable, wholeNumber, type MultipartStore, type StoreTarget } from './store';
import type OSS from 'ali-oss';

type OssSdk = typeof OSS;
const loadSdk = lazily<OssSdk>(async () => (await import('ali-oss')).default);

export interface OssStoreTarget extends StoreTarget {
  signatureVersion: 'v4' | 'v1';
}

/** ali-oss says a failed request in `status` (-1 no connection, -2 timeout) and the store's `code`. */
function storeFailure(error: unknown, action: string): Error {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  if (typeof status === 'number' && status >= 300) return storeRefused(action, typeof code === 'string' ? code : undefined, status);
  return storeUnreachable(action, error);
}

export function ossMultipartStore(target: OssStoreTarget): MultipartStore {
  const { protocol } = parseEndpoint(target.endpoint);
  const client = clientPerCredentials(
    (Sdk: OssSdk, credentials: Credentials) =>
      new Sdk({
        // The bucket's own host (derived or UPLOAD_ENDPOINT) as a "cname": requests go there as they are.
        endpoint: target.endpoint,
        cname: true,
        bucket: target.bucket,
        region: `oss-${ossRegionId(target.region)}`,
        authorizationV4: target.signatureVersion === 'v4',
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken ? { stsToken: credentials.securityToken } : {}),
        secure: protocol === 'https',
        // ali-oss's default is 60 s per call; a multipart call waits no longer than a ticket request.
        timeout: 30_000,
      }),
  );
  async function call<T>(action: string, work: (oss: OSS) => Promise<T>): Promise<T> {
    const now = target.now();
    // Unavailable temporary keys surface as such (503 CredentialsUnavailable), not as a store error.
    const credentials = await target.credentials.get(now);
    try {
      const oss = client(await loadSdk(), credentials);
      // ali-oss signs at Date.now() plus this offset: the signer's clock, as with the S3 SDK.
      oss.options.amendTimeSkewed = now.getTime() - Date.now();
      return await work(oss);
    } catch (error) {
      throw storeFailure(error, action);
    }
  }

  return {
    create: (key, contentType) =>
      call('start the upload', async (oss) => {
        const { uploadId } = await oss.initMultipartUpload(key, { mime: contentType });
        if (!uploadId) throw new Error('no UploadId');
        return uploadId;
      }),
    listParts: (key, uploadId) =>
      call('list the parts', (oss) =>
        everyPart(async (marker) => {
          const page = await oss.listParts(key, uploadId, { 'max-parts': '1000', ...(marker ? { 'part-number-marker': marker } : {}) });
          return { parts: page.parts, truncated: page.isTruncated, next: page.nextPartNumberMarker };
        }),
      ),
    complete: (key, uploadId, parts) =>
      call('complete the upload', async (oss) => {
        await oss.completeMultipartUpload(key, uploadId, parts.map((p) => ({ number: p.partNumber, etag: p.etag })));
      }),
    abort: (key, uploadId) =>
      call('abort the upload', async (oss) => {
        await oss.abortMultipartUpload(key, uploadId);
      }),
    headObject: (key) =>
      call('look the object up', async (oss) => {
        try {
          const { res } = await oss.head(key);
          // OSS names no upload on the object: its key and size are what identify it (routes/uploads.ts).
          return { size: wholeNumber(res.headers['content-length']) };
        } catch (error) {
          if ((error as { status?: unknown } | null)?.status === 404) return undefined;
          throw error;
        }
      }),
  };
}
