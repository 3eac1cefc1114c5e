// The multipart routes over real HTTP against a real signer and its dev bucket: start,
// sign parts, PUT them, list, complete, read back; then every refusal (tampered,
// expired and foreign tokens, wrong ETag, missing part, a part of the wrong size,
// out-of-range part numbers, too large a file), each a 4xx JSON error with nothing visible.
import { S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CreateUploadResponse, SignPartsResponse } from '../../typings/multipart';
import { startSigner, type RunningSigner } from '../support/signer';

const MIB = 1024 * 1024;
const TOKEN_A = 'token-a-0123456789abcdef';
const TOKEN_B = 'token-b-0123456789abcdef';
const sha256 = (data: Buffer | Uint8Array) => createHash('sha256').update(data).digest('hex');

jest.setTimeout(30_000);
let signer: RunningSigner;
let clock = new Date();

beforeAll(async () => {
  signer = await startSigner(
    {
      UPLOAD_AUTH_TOKENS: `${TOKEN_A},${TOKEN_B}`,
      UPLOAD_ALLOWED_TYPES: 'video/mp4,image/jpeg',
      UPLOAD_MAX_MULTIPART_BYTES: String(40 * MIB),
      UPLOAD_MULTIPART_PART_BYTES: String(5 * MIB),
      UPLOAD_MULTIPART_TTL_SECONDS: '3600',
    },
    { now: () => clock },
  );
});

afterEach(() => {
  clock = new Date();
});

afterAll(async () => {
  await signer.close();
});

async function api(path: string, body: unknown, token = TOKEN_A): Promise<{ status: number; json: any }> {
  const response = await fetch(`${signer.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function start(size: number): Promise<CreateUploadResponse> {
  const answer = await api('/api/uploads', { name: 'clip.mp4', size, type: 'video/mp4' });
  expect(answer.status).toBe(200);
  return answer.json;
}

async function sendParts(upload: CreateUploadResponse, data: Buffer, numbers: number[]): Promise<{ partNumber: number; etag: string }[]> {
  const signed: SignPartsResponse = (await api('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers: numbers })).json;
  const done = [];
  for (const part of signed.parts) {
    const offset = (part.partNumber - 1) * upload.partSize;
    const response = await fetch(part.url, { method: 'PUT', headers: part.headers, body: new Uint8Array(data.subarray(offset, offset + part.size)) });
    expect(response.status).toBe(200);
    done.push({ partNumber: part.partNumber, etag: response.headers.get('etag')! });
  }
  return done;
}

async function readBack(url: string): Promise<{ status: number; sha: string }> {
  const response = await fetch(url);
  return { status: response.status, sha: sha256(new Uint8Array(await response.arrayBuffer())) };
}

/** The store's upload id, which the token carries (it is signed, not secret). */
const uploadIdOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).uploadId as string;

describe('multipart routes', () => {
  it('offers multipart in /healthz with its limits', async () => {
    const health = await (await fetch(`${signer.origin}/healthz`)).json();
    expect(health.multipart).toEqual({ maxBytes: 40 * MIB, partSize: 5 * MIB });
  });

  it('starts, signs parts, lists what the store holds, completes, and the object reads back with the same SHA-256', async () => {
    const data = randomBytes(12 * MIB + 1234);
    const upload = await start(data.length);
    expect(upload).toMatchObject({ partSize: 5 * MIB, partCount: 3, size: data.length, contentType: 'video/mp4', provider: 's3' });
    // Under the caller's own folder, like a ticket's key (a static-token caller's is service/).
    expect(upload.key).toMatch(/^uploads\/service\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.mp4$/);
    const first = await sendParts(upload, data, [1, 3]);
    const listed = await api('/api/uploads/list', { uploadToken: upload.uploadToken });
    expect(listed.json.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MIB],
      [3, 2 * MIB + 1234],
    ]);
    const second = await sendParts(upload, data, [2]);
    // Nothing readable before complete.
    expect((await readBack(upload.objectUrl)).status).toBe(404);
    const parts = [...first, ...second].sort((a, b) => a.partNumber - b.partNumber);
    const done = await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts });
    expect(done).toEqual({ status: 200, json: { key: upload.key, objectUrl: upload.objectUrl, size: data.length } });
    expect(await readBack(upload.objectUrl)).toEqual({ status: 200, sha: sha256(data) });
  });

  it('refuses a tampered token, another caller, and an expired token, each with its own code', async () => {
    const upload = await start(6 * MIB);
    const [head, payload, signature] = upload.uploadToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = [head, Buffer.from(JSON.stringify({ ...claims, size: 1 })).toString('base64url'), signature].join('.');
    expect(await api('/api/uploads/parts', { uploadToken: forged, partNumbers: [1] })).toMatchObject({ status: 400, json: { error: { code: 'InvalidUploadToken' } } });
    expect(await api('/api/uploads/parts', { uploadToken: 'nope', partNumbers: [1] })).toMatchObject({ status: 400, json: { error: { code: 'InvalidUploadToken' } } });
    expect(await api('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers: [1] }, TOKEN_B)).toMatchObject({
      status: 403,
      json: { error: { code: 'Forbidden' } },
    });
    clock = new Date(Date.now() + 3601_000);
    expect(await api('/api/uploads/list', { uploadToken: upload.uploadToken })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
  });

  it('refuses part numbers outside the upload and a file above UPLOAD_MAX_MULTIPART_BYTES', async () => {
    const upload = await start(6 * MIB);
    for (const partNumbers of [[0], [3], [1, 1], [], 'x']) {
      expect(await api('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers })).toMatchObject({ status: 400, json: { error: { code: 'InvalidPartNumber' } } });
    }
    expect(await api('/api/uploads', { name: 'big.mp4', size: 40 * MIB + 1, type: 'video/mp4' })).toMatchObject({ status: 400, json: { error: { code: 'FileTooLarge' } } });
    expect(await api('/api/uploads', { name: 'x.exe', size: 6 * MIB, type: 'application/x-msdownload' })).toMatchObject({ status: 400, json: { error: { code: 'TypeNotAllowed' } } });
  });

  it('refuses to complete with a part missing, a wrong ETag or a part of the wrong size; nothing is visible and the upload stays resumable', async () => {
    const data = randomBytes(6 * MIB);
    const upload = await start(data.length);
    const [first] = await sendParts(upload, data, [1]);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first] })).toMatchObject({
      status: 400,
      json: { error: { code: 'PartMissing' } },
    });
    const withSecond = [first, { partNumber: 2, etag: '"0123456789abcdef0123456789abcdef"' }];
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: withSecond })).toMatchObject({
      status: 400,
      json: { error: { code: 'PartMissing' } },
    });

    // A store that cannot pin a part's length in its URL (OSS, COS, OBS) would take a short
    // part 2: put one there with the store's own key, as such a client could.
    const storeClient = new S3Client({
      endpoint: signer.origin,
      forcePathStyle: true,
      region: signer.config.region,
      credentials: { accessKeyId: signer.config.credentials.accessKeyId, secretAccessKey: signer.config.credentials.accessKeySecret },
    });
    const short = await storeClient.send(
      new UploadPartCommand({ Bucket: 'dev-bucket', Key: upload.key, UploadId: uploadIdOf(upload.uploadToken), PartNumber: 2, Body: Buffer.alloc(10) }),
    );
    const shortParts = [first, { partNumber: 2, etag: short.ETag! }];
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: shortParts })).toMatchObject({
      status: 400,
      json: { error: { code: 'SizeMismatch' } },
    });
    const [second] = await sendParts(upload, data, [2]);
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, { ...second, etag: first.etag }] })).toMatchObject({
      status: 400,
      json: { error: { code: 'EtagMismatch' } },
    });
    expect((await readBack(upload.objectUrl)).status).toBe(404);
    // The right list still completes it: the refusals left the upload as it was.
    expect((await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts: [first, second] })).status).toBe(200);
    expect(await readBack(upload.objectUrl)).toEqual({ status: 200, sha: sha256(data) });
  });

  it('an upload whose token has expired can still be aborted, and the store drops its parts; a forged or foreign one cannot', async () => {
    const data = randomBytes(6 * MIB);
    const upload = await start(data.length);
    await sendParts(upload, data, [1]);
    const uploadsOnDisk = () => fs.readdirSync(path.join(signer.dataDir, 'multipart'));
    const before = uploadsOnDisk();
    expect(before.length).toBeGreaterThan(0);
    clock = new Date(Date.now() + 3601_000);
    const [head, payload, signature] = upload.uploadToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = [head, Buffer.from(JSON.stringify({ ...claims, uploadId: 'x' })).toString('base64url'), signature].join('.');
    expect(await api('/api/uploads/abort', { uploadToken: forged })).toMatchObject({ status: 400, json: { error: { code: 'InvalidUploadToken' } } });
    expect(await api('/api/uploads/abort', { uploadToken: upload.uploadToken }, TOKEN_B)).toMatchObject({ status: 403, json: { error: { code: 'Forbidden' } } });
    expect(await api('/api/uploads/abort', { uploadToken: upload.uploadToken })).toEqual({ status: 200, json: { aborted: true } });
    expect(uploadsOnDisk().length).toBe(before.length - 1);
    // Every other step still refuses the expired token.
    expect(await api('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers: [2] })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
  });

  it('aborts: the store forgets the upload, later steps hear UploadExpired, nothing is visible', async () => {
    const data = randomBytes(6 * MIB);
    const upload = await start(data.length);
    const parts = await sendParts(upload, data, [1, 2]);
    expect(await api('/api/uploads/abort', { uploadToken: upload.uploadToken })).toEqual({ status: 200, json: { aborted: true } });
    expect(await api('/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
    expect((await readBack(upload.objectUrl)).status).toBe(404);
  });
});
