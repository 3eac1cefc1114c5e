// The calls the signer makes to Tencent COS to start, inspect, finish and abandon a
// multipart upload, through the official cos-nodejs-sdk-v5 (multipartInit,
// multipartListPart, multipartComplete, multipartAbort): the XML, its errors and the
// SDK's own retries of 5xx answers are the SDK's.
import type COS from 'cos-nodejs-sdk-v5';
import { parseEndpoint, type Credentials } from '../../../miniprogram/shared/signing/index';
import { clientPerCredentials, everyPart, lazily, storeRefused, storeUnreachable, wholeNumber, type MultipartStore, type StoreTarget } from './store';

type CosSdk = typeof COS;
const loadSdk = lazily<CosSdk>(async () => (await import('cos-nodejs-sdk-v5')).default);

/**
 * The SDK's error carries `statusCode` once the store answered, and the store's `code`. A
 * complete can fail in a 200 answer with an <Error> body (the SDK says so and makes it an
 * error): that too is the store's refusal, named by its code.
 */
function storeFailure(error: unknown, action: string): Error {
  const { statusCode, code, error: body } = (error ?? {}) as { statusCode?: unknown; code?: unknown; error?: { Code?: unknown } };
  const answered = typeof statusCode === 'number' && (statusCode >= 300 || typeof body?.Code === 'string');
  if (answered) return storeRefused(action, typeof code === 'string' ? code : undefined, statusCode);
  return storeUnreachable(action, error);
}

/** The SDK corrects its clock by the store's only when they differ by this much (CorrectClockSkew). */
const SDK_SKEW_STEP_MS = 30_000;
/** The signer's offset last given to each client. */
const offsetGiven = new WeakMap<COS, number>();

/**
 * The SDK signs at Date.now() plus SystemClockOffset, and when the store refuses a request
 * as skewed it sets that offset from the store's Date and signs again. Setting it on every
 * call would undo that correction, so a host whose clock is off would pay one refused
 * request per call. The signer's clock (tests pin it; otherwise the machine's) is given
 * when the client is new or when that clock itself moved against the machine's by more than
 * the SDK's own step; in between, the SDK's correction stands.
 */
function followSignerClock(cos: COS, signerOffsetMs: number): void {
  const given = offsetGiven.get(cos);
  if (given !== undefined && Math.abs(signerOffsetMs - given) < SDK_SKEW_STEP_MS) return;
  offsetGiven.set(cos, signerOffsetMs);
  (cos as unknown as { options: { SystemClockOffset: number } }).options.SystemClockOffset = signerOffsetMs;
}

export function cosMultipartStore(target: StoreTarget): MultipartStore {
  const { protocol, host } = parseEndpoint(target.endpoint);
  const client = clientPerCredentials(
    (Sdk: CosSdk, credentials: Credentials) =>
      new Sdk({
        SecretId: credentials.accessKeyId,
        SecretKey: credentials.accessKeySecret,
        ...(credentials.securityToken ? { SecurityToken: credentials.securityToken } : {}),
        // The bucket's own host (derived or UPLOAD_ENDPOINT), used as it is.
        Domain: host,
        Protocol: protocol === 'http' ? 'http:' : 'https:',
        Timeout: 30_000,
      }),
  );
  const where = (key: string) => ({ Bucket: target.bucket, Region: target.region, Key: key });

  async function call<T>(action: string, work: (cos: COS) => Promise<T>): Promise<T> {
    const now = target.now();
    // Unavailable temporary keys surface as such (503 CredentialsUnavailable), not as a store error.
    const credentials = await target.credentials.get(now);
    try {
      const cos = client(await loadSdk(), credentials);
      followSignerClock(cos, now.getTime() - Date.now());
      return await work(cos);
    } catch (error) {
      throw storeFailure(error, action);
    }
  }

  return {
    create: (key, contentType) =>
      call('start the upload', async (cos) => {
        const { UploadId } = await cos.multipartInit({ ...where(key), ContentType: contentType });
        if (!UploadId) throw new Error('no UploadId');
        return UploadId;
      }),
    listParts: (key, uploadId) =>
      call('list the parts', (cos) =>
        everyPart(async (marker) => {
          const page = await cos.multipartListPart({ ...where(key), UploadId: uploadId, MaxParts: 1000, ...(marker ? { PartNumberMarker: marker } : {}) });
          return { parts: page.Part, truncated: page.IsTruncated, next: page.NextPartNumberMarker };
        }),
      ),
    complete: (key, uploadId, parts) =>
      call('complete the upload', async (cos) => {
        await cos.multipartComplete({ ...where(key), UploadId: uploadId, Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) });
      }),
    abort: (key, uploadId) =>
      call('abort the upload', async (cos) => {
        await cos.multipartAbort({ ...where(key), UploadId: uploadId });
      }),
    headObject: (key) =>
      call('look the object up', async (cos) => {
        try {
          const { headers } = await cos.headObject(where(key));
          // COS names no upload on the object: its key and size are what identify it (routes/uploads.ts).
          return { size: wholeNumber(headers?.['content-length']) };
        } catch (error) {
          if ((error as { statusCode?: unknown } | null)?.statusCode === 404) return undefined;
          throw error;
        }
      }),
  };
}
