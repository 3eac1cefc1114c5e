// The calls the signer makes to Huawei OBS to start, inspect, finish and abandon a
// multipart upload, through the official esdk-obs-nodejs (initiateMultipartUpload,
// listParts, completeMultipartUpload, abortMultipartUpload). On the bucket's own host the
// SDK signs with the OBS signature ("OBS ak:signature", x-obs-security-token); on any other
// endpoint (is_cname) it picks the S3-compatible V2 one itself. It answers a store's refusal
// as a result (CommonMsg.Status and Code), not as a throw, and signs by this machine's
// clock: it takes no offset, unlike the other SDKs.
/// <reference path="./untyped-sdks.d.ts" />
import type ObsClient from 'esdk-obs-nodejs';
import { parseEndpoint, type Credentials } from '../../../miniprogram/shared/signing/index';
import { clientPerCredentials, everyPart, lazily, storeRefused, storeUnreachable, wholeNumber, type ListedPart, type MultipartStore, type StoreTarget } from './store';

type ObsSdk = typeof ObsClient;
interface ObsAnswer<T> {
  CommonMsg: { Status: number; Code?: string };
  InterfaceResult?: T;
}
/** The signed HEAD is sent at once; it needs to live only as long as the request. */
const HEAD_URL_SECONDS = 60;
const loadSdk = lazily<ObsSdk>(async () => (await import('esdk-obs-nodejs')).default);

/**
 * Where the SDK must send requests for a bucket URL written as config.ts derives it
 * (`https://bucket.obs.region.myhuaweicloud.com`): to the regional server, the bucket
 * as a virtual host. Any other endpoint (a custom domain, an address) is the bucket's own
 * base URL, as the part URLs address it (`<endpoint>/<key>`): the SDK's `is_cname`, which
 * leaves the bucket out of host and path. Without it the SDK would put the bucket in the
 * path (it does so for any IPv4 server), naming another object than the part URLs do.
 */
export function obsServer(endpoint: string, bucket: string): { server: string; cname: boolean } {
  const { protocol, host } = parseEndpoint(endpoint);
  if (host.startsWith(`${bucket}.`)) return { server: `${protocol}://${host.slice(bucket.length + 1)}`, cname: false };
  return { server: `${protocol}://${host}`, cname: true };
}

export function obsMultipartStore(target: StoreTarget): MultipartStore {
  const { server, cname } = obsServer(target.endpoint, target.bucket);
  const client = clientPerCredentials((Sdk: ObsSdk, credentials: Credentials) => {
    const obs = new Sdk({
      access_key_id: credentials.accessKeyId,
      secret_access_key: credentials.accessKeySecret,
      ...(credentials.securityToken ? { security_token: credentials.securityToken } : {}),
      server,
      is_cname: cname,
      timeout: 30,
    });
    // The client finishes its setup a turn after construction.
    return { obs, ready: new Promise<void>((resolve) => setImmediate(resolve)) };
  });
  const where = (key: string) => ({ Bucket: target.bucket, Key: key });

  /** One SDK call's answer, whatever its status; only a request that got none throws. */
  async function send<T>(action: string, work: (obs: ObsClient) => Promise<ObsAnswer<Partial<T>>>): Promise<ObsAnswer<Partial<T>>> {
    // Unavailable temporary keys surface as such (503 CredentialsUnavailable), not as a store error.
    const credentials = await target.credentials.get(target.now());
    try {
      const { obs, ready } = client(await loadSdk(), credentials);
      await ready;
      return await work(obs);
    } catch (error) {
      throw storeUnreachable(action, error);
    }
  }

  async function call<T>(action: string, work: (obs: ObsClient) => Promise<ObsAnswer<Partial<T>>>): Promise<Partial<T>> {
    const answer = await send(action, work);
    const { Status, Code } = answer.CommonMsg;
    if (Status >= 300) throw storeRefused(action, Code, Status);
    return answer.InterfaceResult ?? {};
  }

  return {
    create: async (key, contentType) => {
      const { UploadId } = await call<{ UploadId: string }>('start the upload', (obs) => obs.initiateMultipartUpload({ ...where(key), ContentType: contentType }));
      if (!UploadId) throw storeUnreachable('start the upload', new Error('its answer had no UploadId'));
      return UploadId;
    },
    listParts: (key, uploadId) =>
      everyPart(async (marker) => {
        const page = await call<{ Parts?: ListedPart[]; IsTruncated?: unknown; NextPartNumberMarker?: unknown }>('list the parts', (obs) =>
          obs.listParts({ ...where(key), UploadId: uploadId, MaxParts: 1000, ...(marker ? { PartNumberMarker: wholeNumber(marker) } : {}) }),
        );
        return { parts: page.Parts, truncated: page.IsTruncated, next: page.NextPartNumberMarker };
      }),
    complete: async (key, uploadId, parts) => {
      await call('complete the upload', (obs) =>
        obs.completeMultipartUpload({ ...where(key), UploadId: uploadId, Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) }) as Promise<ObsAnswer<object>>,
      );
    },
    abort: async (key, uploadId) => {
      await call('abort the upload', (obs) => obs.abortMultipartUpload({ ...where(key), UploadId: uploadId }) as Promise<ObsAnswer<object>>);
    },
    headObject: async (key) => {
      const action = 'look the object up';
      // Not getObjectMetadata: its output model drops x-obs-uploadId, the header obs_04_0102
      // names for this very check (a merge that timed out or got 500/503: compare the object's
      // x-obs-uploadId with the upload's). So the SDK signs the HEAD (createSignedUrlSync, as it
      // signs every call: OBS signature, or V2 with is_cname) and the answer's headers are read here.
      const credentials = await target.credentials.get(target.now());
      let response: Response;
      try {
        const { obs, ready } = client(await loadSdk(), credentials);
        await ready;
        const signed = obs.createSignedUrlSync({ Method: 'HEAD', ...where(key), Expires: HEAD_URL_SECONDS });
        response = await fetch(signed.SignedUrl, { method: 'HEAD', headers: signed.ActualSignedRequestHeaders, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        throw storeUnreachable(action, error);
      }
      if (response.status === 404) return undefined;
      // A HEAD's refusal has no body to name its code in.
      if (!response.ok) throw storeRefused(action, undefined, response.status);
      const uploadId = response.headers.get('x-obs-uploadid') ?? undefined;
      return { size: wholeNumber(response.headers.get('content-length')), ...(uploadId ? { uploadId } : {}) };
    },
  };
}
