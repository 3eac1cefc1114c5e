// Uploads in parts on Alibaba OSS (V4 and V1), Tencent COS and Huawei OBS, through the
// real signer and real HTTP, against a loopback stand-in of each vendor's multipart API
// (tests/support/multipart-stand-in.ts). The signer's store calls go through the vendors'
// SDKs, which the stand-in authenticates by key id and token; every part URL the signer
// hands out is recomputed by the stand-in with the vendor's SDK before a byte is kept.
// Then the refusals: a wrong ETag, a missing part, a short part, an expired part URL, and
// the store's own errors, each a readable JSON error with nothing visible.
import { createHash, randomBytes } from 'node:crypto';
import type { CreateUploadResponse, SignPartsResponse, StoredPart } from '../../typings/multipart';
import type { CredentialSource } from '../../cloud-signer/src/credentials';
import type { Credentials } from '../../miniprogram/shared/signing';
import { startMultipartStandIn, type MultipartStandIn, type StandInVendor } from '../support/multipart-stand-in';
import { startSigner, type RunningSigner } from '../support/signer';

const KIB = 1024;
const MIB = 1024 * KIB;
const TOKEN = 'multipart-clouds-0123456789abcdef';
const TICKET_TTL_SECONDS = 600;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

jest.setTimeout(60_000);

const TEMPORARY: Credentials = { accessKeyId: 'STS.example-key-id', accessKeySecret: 'example/secret+value=', securityToken: 'CAIS+example/token==' };
const STATIC: Credentials = { accessKeyId: 'example-key-id', accessKeySecret: 'example/secret+value=' };

interface Case {
  vendor: StandInVendor;
  bucket: string;
  region: string;
  credentials: Credentials;
  /** The store's smallest part but the last: what the signer plans with when asked for less. */
  partSize: number;
}

const CASES: Case[] = [
  { vendor: 'oss', bucket: 'examplebucket', region: 'cn-hangzhou', credentials: TEMPORARY, partSize: 100 * KIB },
  { vendor: 'oss-v1', bucket: 'examplebucket', region: 'cn-hangzhou', credentials: STATIC, partSize: 100 * KIB },
  { vendor: 'cos', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', credentials: TEMPORARY, partSize: 1 * MIB },
  { vendor: 'obs', bucket: 'examplebucket', region: 'cn-north-4', credentials: TEMPORARY, partSize: 100 * KIB },
];

describe.each(CASES)('uploads in parts on $vendor', ({ vendor, bucket, region, credentials, partSize }) => {
  let store: MultipartStandIn;
  let signer: RunningSigner;
  /** The signer's clock; the store's is this plus `storeSkewMs`. */
  let clock = new Date();
  let storeSkewMs = 0;

  const signerEnv = (keys: Credentials, endpoint = store.endpoint): Record<string, string> => ({
    UPLOAD_PROVIDER: vendor,
    UPLOAD_BUCKET: bucket,
    UPLOAD_REGION: region,
    UPLOAD_ENDPOINT: endpoint,
    UPLOAD_ACCESS_KEY_ID: keys.accessKeyId,
    UPLOAD_ACCESS_KEY_SECRET: keys.accessKeySecret,
    ...(keys.securityToken ? { UPLOAD_SECURITY_TOKEN: keys.securityToken } : {}),
    UPLOAD_AUTH_TOKENS: TOKEN,
    UPLOAD_ALLOWED_TYPES: 'video/mp4',
    UPLOAD_MAX_MULTIPART_BYTES: String(64 * MIB),
    // Below every store's floor: the plan must raise it to this store's.
    UPLOAD_MULTIPART_PART_BYTES: String(100 * KIB),
    UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS),
  });

  beforeAll(async () => {
    // Two parts per ListParts page, so the signer must follow IsTruncated / NextPartNumberMarker.
    store = await startMultipartStandIn({ vendor, bucket, region, credentials, now: () => new Date(clock.getTime() + storeSkewMs), maxPartsPerPage: 2 });
    signer = await startSigner(signerEnv(credentials), { now: () => clock });
    // ali-oss and the OBS SDK warn on the console about static STS tokens and their own setup.
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    clock = new Date();
    storeSkewMs = 0;
    store.allow();
  });

  afterAll(async () => {
    await signer?.close();
    await store?.close();
    jest.restoreAllMocks();
  });

  async function api(path: string, body: unknown, on: RunningSigner = signer): Promise<{ status: number; json: any }> {
    const response = await fetch(`${on.origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  async function start(size: number, on: RunningSigner = signer): Promise<CreateUploadResponse> {
    const answer = await api('/api/uploads', { name: 'clip.mp4', size, type: 'video/mp4' }, on);
    expect(answer).toMatchObject({ status: 200 });
    return answer.json;
  }

  async function sign(upload: CreateUploadResponse, partNumbers: number[], on: RunningSigner = signer): Promise<SignPartsResponse> {
    const signed = await api('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers }, on);
    expect(signed.status).toBe(200);
    return signed.json;
  }

  /** PUTs the parts to their URLs, as the app does (a plain PUT with the part's headers). */
  async function sendParts(upload: CreateUploadResponse, data: Buffer, numbers: number[], on: RunningSigner = signer): Promise<{ partNumber: number; etag: string }[]> {
    const done = [];
    for (const part of (await sign(upload, numbers, on)).parts) {
      const offset = (part.partNumber - 1) * upload.partSize;
      const response = await fetch(part.url, { method: 'PUT', headers: part.headers, body: new Uint8Array(data.subarray(offset, offset + part.size)) });
      expect(response.status).toBe(200);
      done.push({ partNumber: part.partNumber, etag: response.headers.get('etag')! });
    }
    return done;
  }

  const listed = async (upload: CreateUploadResponse): Promise<{ status: number; json: { parts: StoredPart[] } }> => api('/api/uploads/list', { uploadToken: upload.uploadToken });

  it("advertises multipart in /healthz with this store's part size", async () => {
    const health = await (await fetch(`${signer.origin}/healthz`)).json();
    expect(health).toMatchObject({ provider: vendor, multipart: { maxBytes: 64 * MIB, partSize } });
  });

  it('creates, signs, takes the parts, lists what the store holds, completes: the store holds the same bytes', async () => {
    const data = randomBytes(4 * partSize + 1234);
    const upload = await start(data.length);
    expect(upload).toMatchObject({ partSize, partCount: 5, size: data.length, provider: vendor, contentType: 'video/mp4' });
    const early = await sendParts(upload, data, [1, 3, 5]);
    // Five parts on pages of two: the list is the store's, every page of it.
    expect((await listed(upload)).json.parts.map((p) => [p.partNumber, p.size])).toEqual([
      [1, partSize],
      [3, partSize],
      [5, 1234],
    ]);
    const late = await sendParts(upload, data, [2, 4]);
    expect(store.object(upload.key)).toBeUndefined();
    const parts = [...early, ...late].sort((a, b) => a.partNumber - b.partNumber);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toEqual({
      status: 200,
      json: { key: upload.key, objectUrl: `${store.endpoint}/${upload.key}`, size: data.length },
    });
    const held = store.object(upload.key);
    expect(held && { sha: sha256(held.bytes), contentType: held.contentType }).toEqual({ sha: sha256(data), contentType: 'video/mp4' });
    expect(store.openUploads()).toBe(0);
    // Every part URL went through the vendor SDK's recomputation, every store call through the header check.
    expect(store.log.filter((entry) => entry.operation === 'uploadPart').every((entry) => entry.presigned)).toBe(true);
    expect(store.log.filter((entry) => entry.operation !== 'uploadPart').every((entry) => !entry.presigned)).toBe(true);
  });

  it('refuses a missing part, a wrong ETag and a short part before the store assembles anything; the right list still completes', async () => {
    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const [first] = await sendParts(upload, data, [1]);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, { partNumber: 2, etag: first.etag }] })).toMatchObject({
      status: 400,
      json: { error: { code: 'PartMissing' } },
    });
    // These stores' part URLs do not pin the length: a client can store a short part 2 with its URL.
    const [url2] = (await sign(upload, [2])).parts;
    const short = await fetch(url2.url, { method: 'PUT', headers: url2.headers, body: new Uint8Array(10) });
    expect(short.status).toBe(200);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, { partNumber: 2, etag: short.headers.get('etag')! }] })).toMatchObject({
      status: 400,
      json: { error: { code: 'SizeMismatch', message: expect.stringContaining(`the ${data.length} bytes declared`) } },
    });
    const [second] = await sendParts(upload, data, [2]);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, { ...second, etag: first.etag }] })).toMatchObject({
      status: 400,
      json: { error: { code: 'EtagMismatch' } },
    });
    expect(store.object(upload.key)).toBeUndefined();
    expect((await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, second] })).status).toBe(200);
    expect(sha256(store.object(upload.key)!.bytes)).toBe(sha256(data));
  });

  it('refuses an expired part URL with 403; a URL signed again goes in', async () => {
    const data = randomBytes(partSize + 10);
    const upload = await start(data.length);
    const [part] = (await sign(upload, [1])).parts;
    // Past the part URL's life, well within the stores' 15 minutes of tolerated skew.
    clock = new Date(clock.getTime() + (TICKET_TTL_SECONDS + 60) * 1000);
    const late = await fetch(part.url, { method: 'PUT', headers: part.headers, body: new Uint8Array(data.subarray(0, part.size)) });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Code>AccessDenied</Code>');
    expect((await listed(upload)).json.parts).toEqual([]);
    const [again] = await sendParts(upload, data, [1]);
    expect((await listed(upload)).json.parts).toEqual([{ partNumber: 1, etag: again.etag, size: partSize }]);
  });

  it('refuses a part URL that was altered (another part number) with 403', async () => {
    const upload = await start(2 * partSize);
    const [part] = (await sign(upload, [1])).parts;
    const altered = part.url.replace('partNumber=1', 'partNumber=2');
    expect(altered).not.toBe(part.url);
    const response = await fetch(altered, { method: 'PUT', headers: part.headers, body: new Uint8Array(partSize) });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await listed(upload)).json.parts).toEqual([]);
  });

  it("turns the store's refusals (AccessDenied, a 5xx) into readable JSON errors, never a secret; nothing is visible", async () => {
    store.refuse('initiate', { status: 403, code: 'AccessDenied', message: 'You have no right to access this object because of bucket acl.' });
    const refused = await api('/api/uploads', { name: 'clip.mp4', size: 2 * partSize, type: 'video/mp4' });
    expect(refused).toEqual({ status: 502, json: { error: { code: 'StoreError', message: 'The bucket refused to start the upload: AccessDenied (HTTP 403).' } } });
    store.allow();

    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    store.refuse('complete', { status: 503, code: 'ServiceUnavailable', message: 'Please reduce your request rate.' });
    const busy = await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts });
    expect(busy).toEqual({ status: 502, json: { error: { code: 'StoreError', message: 'The bucket refused to complete the upload: ServiceUnavailable (HTTP 503).' } } });
    for (const answer of [refused, busy]) {
      expect(JSON.stringify(answer)).not.toContain(credentials.accessKeySecret);
      if (credentials.securityToken) expect(JSON.stringify(answer)).not.toContain(credentials.securityToken);
    }
    // The operator reads both in the log too.
    expect(signer.logged).toEqual(
      expect.arrayContaining([
        'signer: The bucket refused to start the upload: AccessDenied (HTTP 403).',
        'signer: The bucket refused to complete the upload: ServiceUnavailable (HTTP 503).',
      ]),
    );
    expect(store.object(upload.key)).toBeUndefined();
    store.allow();
    expect((await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).status).toBe(200);
  });

  it('a store that cannot be reached is a 502 for the app and a logged reason for the operator, with no secret in either', async () => {
    const gone = await startMultipartStandIn({ vendor, bucket, region, credentials });
    const endpoint = gone.endpoint;
    await gone.close();
    const nowhere = await startSigner(signerEnv(credentials, endpoint), { now: () => clock });
    try {
      const answer = await api('/api/uploads', { name: 'clip.mp4', size: 2 * partSize, type: 'video/mp4' }, nowhere);
      expect(answer).toEqual({ status: 502, json: { error: { code: 'StoreError', message: 'The bucket could not be reached to start the upload; try again.' } } });
      const line = nowhere.logged.find((l) => l.startsWith('signer: the bucket could not be reached to start the upload: '));
      // What the SDK said, down to the socket's own error.
      expect(line).toMatch(/ECONNREFUSED/);
      for (const secret of [credentials.accessKeySecret, credentials.securityToken].filter(Boolean) as string[]) {
        expect(nowhere.logged.join('\n')).not.toContain(secret);
        expect(JSON.stringify(answer)).not.toContain(secret);
      }
    } finally {
      await nowhere.close();
    }
  });

  it("names the store's authentication refusals: another token; a clock 20 minutes off (COS's SDK sets its clock by the store's and signs again)", async () => {
    const other = await startSigner(signerEnv({ ...credentials, securityToken: 'another-token' }), { now: () => clock });
    try {
      expect(await api('/api/uploads', { name: 'clip.mp4', size: 2 * partSize, type: 'video/mp4' }, other)).toMatchObject({
        status: 502,
        json: { error: { code: 'StoreError', message: 'The bucket refused to start the upload: InvalidSecurityToken (HTTP 403).' } },
      });
    } finally {
      await other.close();
    }
    storeSkewMs = 20 * 60 * 1000;
    const sdkSays = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const skewed = await api('/api/uploads', { name: 'clip.mp4', size: 2 * partSize, type: 'video/mp4' });
    const said = sdkSays.mock.calls.flat();
    sdkSays.mockRestore();
    if (vendor === 'cos') {
      expect(skewed.status).toBe(200);
      expect(said).toContain('error: Local time is too skewed.');
    } else {
      expect(skewed).toMatchObject({
        status: 502,
        json: { error: { code: 'StoreError', message: 'The bucket refused to start the upload: RequestTimeTooSkewed (HTTP 403).' } },
      });
    }
  });

  if (vendor === 'cos') {
    it("keeps the COS SDK's own clock correction: on a store 20 minutes ahead only the first call is refused", async () => {
      storeSkewMs = 20 * 60 * 1000;
      const sdkSays = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const before = store.log.length;
      try {
        for (let i = 0; i < 3; i++) expect((await api('/api/uploads', { name: 'clip.mp4', size: 2 * partSize, type: 'video/mp4' })).status).toBe(200);
      } finally {
        sdkSays.mockRestore();
      }
      // One refusal when this client had not met the store's clock yet (an earlier test may have made it meet it).
      const statuses = store.log.slice(before).map((entry) => entry.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(3);
      expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(1);
    });
  }

  it('follows temporary keys that are renewed mid-upload (STS, instance role): store calls and part URLs use the new ones', async () => {
    let keys: Credentials = { accessKeyId: 'STS.first-key-id', accessKeySecret: 'first/secret=', securityToken: 'first+token' };
    const rotating = await startMultipartStandIn({ vendor, bucket, region, credentials: () => keys, maxPartsPerPage: 2 });
    const source: CredentialSource = { get: async () => keys };
    const renewed = await startSigner(signerEnv(keys, rotating.endpoint), { now: () => clock, credentials: source });
    try {
      const data = randomBytes(2 * partSize + 99);
      const upload = await start(data.length, renewed);
      const first = await sendParts(upload, data, [1], renewed);
      // The store now takes only the renewed keys, as when the old ones have expired.
      keys = { accessKeyId: 'STS.second-key-id', accessKeySecret: 'second/secret=', securityToken: 'second+token' };
      const rest = await sendParts(upload, data, [2, 3], renewed);
      expect((await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [...first, ...rest] }, renewed)).status).toBe(200);
      expect(sha256(rotating.object(upload.key)!.bytes)).toBe(sha256(data));
    } finally {
      await renewed.close();
      await rotating.close();
    }
  });

  it("a complete whose answer was lost: the store made the object, a retried complete answers 200 with the first one's body, not UploadExpired", async () => {
    const data = randomBytes(2 * partSize + 777);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2, 3]);
    const open = store.openUploads();
    const done = { status: 200, json: { key: upload.key, objectUrl: `${store.endpoint}/${upload.key}`, size: data.length } };
    // The store assembles, then the connection drops: the SDK may ask again itself (and hear
    // NoSuchUpload) or give up; either way the signer must not tell the app to start over.
    store.loseAnswer('complete');
    const first = await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts });
    expect([200, 502]).toContain(first.status);
    if (first.status === 200) expect(first).toEqual(done);
    expect(sha256(store.object(upload.key)!.bytes)).toBe(sha256(data));
    // The app, having heard nothing (or a 502), asks again: the upload is gone, the object is there.
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toEqual(done);
    expect(store.log.some((entry) => entry.operation === 'head' && entry.status === 200)).toBe(true);
    expect(store.openUploads()).toBe(open - 1);
  });

  it('a list after a complete whose answer was lost says the object is made (assembled), so a resume does not start the file again', async () => {
    const data = randomBytes(2 * partSize + 5);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2, 3]);
    expect((await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).status).toBe(200);
    // The app never heard that answer (paused, killed, timed out) and resumes with a list.
    expect(await api('/api/uploads/list', { uploadToken: upload.uploadToken })).toEqual({
      status: 200,
      json: {
        parts: [],
        partSize: upload.partSize,
        partCount: upload.partCount,
        assembled: { key: upload.key, objectUrl: `${store.endpoint}/${upload.key}`, size: data.length },
      },
    });
  });

  it('a list of an upload aborted with no object is still 410 UploadExpired (nothing assembled to report)', async () => {
    const upload = await start(2 * partSize);
    await api('/api/uploads/abort', { uploadToken: upload.uploadToken });
    expect(await api('/api/uploads/list', { uploadToken: upload.uploadToken })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
  });

  it(`an object of the declared size at the upload's key ${vendor === 'obs' ? 'made by another upload (x-obs-uploadId) is not this one: 410' : 'can only be this upload\'s (a fresh key): 200'}`, async () => {
    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    await api('/api/uploads/abort', { uploadToken: upload.uploadToken });
    store.plant(upload.key, { bytes: data, contentType: 'video/mp4', etag: '"planted"', uploadId: 'ANOTHER-UPLOAD' });
    const retried = await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts });
    if (vendor === 'obs') expect(retried).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
    else expect(retried.status).toBe(200);
  });

  it('an object of another size at the key is not what this upload would have made: 410', async () => {
    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    await api('/api/uploads/abort', { uploadToken: upload.uploadToken });
    store.plant(upload.key, { bytes: data.subarray(1), contentType: 'video/mp4', etag: '"planted"', uploadId: 'ANOTHER-UPLOAD' });
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
  });

  it('an upload aborted after its parts went in has no object to find: complete still answers 410 UploadExpired', async () => {
    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    await api('/api/uploads/abort', { uploadToken: upload.uploadToken });
    const before = store.log.length;
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
    // The signer looked and found nothing (a HEAD's 404), rather than guessing.
    expect(store.log.slice(before).map((entry) => [entry.operation, entry.status])).toEqual([
      ['listParts', 404],
      ['head', 404],
    ]);
  });

  it('aborts: the store forgets the upload and its parts, later steps hear UploadExpired, nothing is visible', async () => {
    const data = randomBytes(2 * partSize);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    const open = store.openUploads();
    expect(await api('/api/uploads/abort', { uploadToken: upload.uploadToken })).toEqual({ status: 200, json: { aborted: true } });
    expect(store.openUploads()).toBe(open - 1);
    expect(await listed(upload)).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
    expect(store.object(upload.key)).toBeUndefined();
  });
});
