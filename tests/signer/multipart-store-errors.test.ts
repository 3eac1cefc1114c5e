// Each cloud's multipart store (the per-vendor stores in cloud-signer/src/multipart/) called directly,
// past the routes' own checks, so the store's refusals reach it as the vendor documents
// them: a part whose ETag does not match (InvalidPart), parts out of order
// (InvalidPartOrder), a part below the store's floor (EntityTooSmall), an upload the store
// no longer has (NoSuchUpload → UploadExpired, as with S3), a call signed with another
// secret (SignatureDoesNotMatch), a store that cannot be reached; and the HEAD of an object
// (headObject): its size (and, on OBS, its upload id), none for a missing key, a refusal named. The parts go up with the same part URLs the signer hands out.
import type { ApiFailure, LoggedFailure } from '../../cloud-signer/src/api-error';
import { staticCredentials } from '../../cloud-signer/src/credentials';
import { cosMultipartStore } from '../../cloud-signer/src/multipart/cos-store';
import { obsMultipartStore } from '../../cloud-signer/src/multipart/obs-store';
import { ossMultipartStore } from '../../cloud-signer/src/multipart/oss-store';
import type { MultipartStore, StoreTarget } from '../../cloud-signer/src/multipart/store';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { UPLOAD_PART_SIGNERS, type Credentials } from '../../miniprogram/shared/signing';
import { startMultipartStandIn, type MultipartStandIn, type StandInVendor } from '../support/multipart-stand-in';

jest.setTimeout(30_000);

const KIB = 1024;
const CREDENTIALS: Credentials = { accessKeyId: 'store-key-id', accessKeySecret: 'store-secret/value=', securityToken: 'store-token+=' };

const STORES: [StandInVendor, string, string, (target: StoreTarget) => MultipartStore, number][] = [
  ['oss', 'examplebucket', 'cn-hangzhou', (t) => ossMultipartStore({ ...t, signatureVersion: 'v4' }), 100 * KIB],
  ['oss-v1', 'examplebucket', 'cn-hangzhou', (t) => ossMultipartStore({ ...t, signatureVersion: 'v1' }), 100 * KIB],
  ['cos', 'examplebucket-1250000000', 'ap-guangzhou', cosMultipartStore, 1024 * KIB],
  ['obs', 'examplebucket', 'cn-north-4', obsMultipartStore, 100 * KIB],
];

/** What the route would send: the failure's status, code and message. */
async function failureOf(work: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const { status, code, message } = error as ApiFailure;
    return { status, code, message };
  }
  throw new Error('the store call succeeded');
}

describe.each(STORES)('the %s store', (vendor, bucket, region, makeStore, minPart) => {
  let standIn: MultipartStandIn;
  let store: MultipartStore;

  beforeAll(async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    standIn = await startMultipartStandIn({ vendor, bucket, region, credentials: CREDENTIALS });
    store = makeStore({ endpoint: standIn.endpoint, bucket, region, credentials: staticCredentials(CREDENTIALS), now: () => new Date() });
  });
  afterAll(async () => {
    await standIn.close();
    jest.restoreAllMocks();
  });

  /** PUTs `bytes` as part `partNumber` through the URL the signer would sign; answers the store's ETag. */
  async function putPart(key: string, uploadId: string, partNumber: number, bytes: number): Promise<string> {
    const signed = UPLOAD_PART_SIGNERS[vendor](
      { bucket, region, endpoint: standIn.endpoint, credentials: CREDENTIALS, key, uploadId, partNumber, partBytes: bytes, now: new Date(), ttlSeconds: 600 },
      nodeCrypto,
    );
    const response = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: new Uint8Array(bytes).fill(partNumber) });
    expect(response.status).toBe(200);
    return response.headers.get('etag')!;
  }

  it('hears InvalidPart, InvalidPartOrder and EntityTooSmall as the vendor sends them, and assembles nothing', async () => {
    const key = `uploads/${vendor}/refused.bin`;
    const uploadId = await store.create(key, 'application/octet-stream');
    const small = await putPart(key, uploadId, 1, minPart - 1);
    const last = await putPart(key, uploadId, 2, 10);
    expect(await failureOf(store.complete(key, uploadId, [{ partNumber: 1, etag: small }, { partNumber: 2, etag: small }]))).toEqual({
      status: 502,
      code: 'StoreError',
      message: 'The bucket refused to complete the upload: InvalidPart (HTTP 400).',
    });
    // ali-oss sorts the list before it sends it; the COS and OBS SDKs send it as given.
    if (vendor === 'cos' || vendor === 'obs') {
      expect((await failureOf(store.complete(key, uploadId, [{ partNumber: 2, etag: last }, { partNumber: 1, etag: small }]))).message).toBe(
        'The bucket refused to complete the upload: InvalidPartOrder (HTTP 400).',
      );
    }
    expect((await failureOf(store.complete(key, uploadId, [{ partNumber: 1, etag: small }, { partNumber: 2, etag: last }]))).message).toBe(
      'The bucket refused to complete the upload: EntityTooSmall (HTTP 400).',
    );
    expect(standIn.object(key)).toBeUndefined();
    expect((await store.listParts(key, uploadId)).map((part) => [part.partNumber, part.size])).toEqual([
      [1, minPart - 1],
      [2, 10],
    ]);
    await store.abort(key, uploadId);
  });

  it('hears NoSuchUpload for an upload it no longer has, as the S3 store does: 410 UploadExpired', async () => {
    const key = `uploads/${vendor}/gone.bin`;
    const uploadId = await store.create(key, 'application/octet-stream');
    await store.abort(key, uploadId);
    const gone = { status: 410, code: 'UploadExpired', message: 'The store no longer has this upload (completed, aborted or cleaned up); start the file again.' };
    expect(await failureOf(store.listParts(key, uploadId))).toEqual(gone);
    expect(await failureOf(store.abort(key, uploadId))).toEqual(gone);
    expect(await failureOf(store.complete(key, uploadId, [{ partNumber: 1, etag: '"00"' }]))).toEqual(gone);
  });

  it('looks an object up: its size (on OBS also the upload that made it), undefined when there is none, a refused HEAD named', async () => {
    const key = `uploads/${vendor}/headed.bin`;
    const uploadId = await store.create(key, 'application/octet-stream');
    expect(await store.headObject(key)).toBeUndefined();
    const etag = await putPart(key, uploadId, 1, 10);
    await store.complete(key, uploadId, [{ partNumber: 1, etag }]);
    expect(await store.headObject(key)).toEqual(vendor === 'obs' ? { size: 10, uploadId } : { size: 10 });
    const otherSecret = makeStore({ endpoint: standIn.endpoint, bucket, region, credentials: staticCredentials({ ...CREDENTIALS, accessKeySecret: 'another-secret' }), now: () => new Date() });
    // A HEAD's refusal has no body: the store is named by its HTTP status.
    expect(await failureOf(otherSecret.headObject(key))).toMatchObject({ status: 502, code: 'StoreError', message: expect.stringMatching(/^The bucket refused to look the object up: .*\(HTTP 403\)\.$/) });
  });

  it('hears SignatureDoesNotMatch when it signs with a secret the store does not hold (or, on V4, for another region)', async () => {
    const refused = { status: 502, code: 'StoreError', message: 'The bucket refused to start the upload: SignatureDoesNotMatch (HTTP 403).' };
    const otherSecret = makeStore({ endpoint: standIn.endpoint, bucket, region, credentials: staticCredentials({ ...CREDENTIALS, accessKeySecret: 'another-secret' }), now: () => new Date() });
    expect(await failureOf(otherSecret.create(`uploads/${vendor}/x.bin`, 'application/octet-stream'))).toEqual(refused);
    if (vendor === 'oss') {
      const otherRegion = makeStore({ endpoint: standIn.endpoint, bucket, region: 'cn-beijing', credentials: staticCredentials(CREDENTIALS), now: () => new Date() });
      expect(await failureOf(otherRegion.create(`uploads/${vendor}/x.bin`, 'application/octet-stream'))).toEqual(refused);
    }
    expect(standIn.openUploads()).toBe(0);
  });

  // COS documents that CompleteMultipartUpload can answer 200 with an <Error> body (its SDK turns it into an error).
  if (vendor === 'cos') {
    it('names an error COS sends in a 200 answer to complete as a refusal, not as a store out of reach', async () => {
      const key = `uploads/${vendor}/late-error.bin`;
      const uploadId = await store.create(key, 'application/octet-stream');
      const etag = await putPart(key, uploadId, 1, 10);
      standIn.refuse('complete', { status: 200, code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
      try {
        expect(await failureOf(store.complete(key, uploadId, [{ partNumber: 1, etag }]))).toEqual({
          status: 502,
          code: 'StoreError',
          message: 'The bucket refused to complete the upload: InternalError (HTTP 200).',
        });
      } finally {
        standIn.allow();
      }
      expect(standIn.object(key)).toBeUndefined();
      await store.abort(key, uploadId);
    });
  }

  it('says so when the store cannot be reached', async () => {
    const closed = await startMultipartStandIn({ vendor, bucket, region, credentials: CREDENTIALS });
    const endpoint = closed.endpoint;
    await closed.close();
    const nowhere = makeStore({ endpoint, bucket, region, credentials: staticCredentials(CREDENTIALS), now: () => new Date() });
    expect(await failureOf(nowhere.create('uploads/x.bin', 'application/octet-stream'))).toEqual({
      status: 502,
      code: 'StoreError',
      message: 'The bucket could not be reached to start the upload; try again.',
    });
    expect(await failureOf(nowhere.headObject('uploads/x.bin'))).toEqual({
      status: 502,
      code: 'StoreError',
      message: 'The bucket could not be reached to look the object up; try again.',
    });
    // What the operator will read, before the server's redaction: the reason, on one line, and no key or token.
    const logLine = await nowhere.create('uploads/x.bin', 'application/octet-stream').then(
      () => '',
      (error: LoggedFailure) => error.logLine,
    );
    expect(logLine).toMatch(/^signer: the bucket could not be reached to start the upload: .*ECONNREFUSED/);
    expect(logLine).not.toMatch(/\n/);
    for (const secret of [CREDENTIALS.accessKeySecret, CREDENTIALS.securityToken!, encodeURIComponent(CREDENTIALS.securityToken!)]) expect(logLine).not.toContain(secret);
  });
});
