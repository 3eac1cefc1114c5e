// /api/uploads/list on Amazon S3 for an upload the store no longer has (NoSuchUpload):
// assembled by a complete whose answer was lost, or truly gone. The signer tells them
// apart with a HEAD of the upload's key, through the real S3 SDK, against a loopback S3
// that answers as the S3 API reference documents: CreateMultipartUpload's XML, ListParts'
// NoSuchUpload error, and HeadObject's answer for a missing key, which is 404 with
// s3:ListBucket and 403 without it ("Permissions" in HeadObject). A HEAD the store fails
// is a 502 the app retries, never a 410 that would send the whole file again. /complete,
// whose own answer may have been lost, reads the same HEAD the same way.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSigner, type RunningSigner } from '../support/signer';

const MIB = 1024 * 1024;
const TOKEN = 's3-list-0123456789abcdef';
const BUCKET = 'examplebucket';
const SIZE = 12 * MIB;

/** What HEAD of the upload's key answers. */
type Head = { status: 200; size: number } | { status: 403 | 404 | 500 };

interface LoopbackS3 {
  endpoint: string;
  head: Head;
  heads: number;
  close(): Promise<void>;
}

async function startLoopbackS3(): Promise<LoopbackS3> {
  const state: LoopbackS3 = { endpoint: '', head: { status: 404 }, heads: 0, close: async () => undefined };
  const xml = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'loopback' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const key = decodeURIComponent(url.pathname.slice(`/${BUCKET}/`.length));
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        xml(res, 200, `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${BUCKET}</Bucket><Key>${key}</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>`);
      } else if (req.method === 'GET' && url.searchParams.has('uploadId')) {
        // Completed, aborted or expired: S3 no longer knows the upload.
        xml(res, 404, '<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message><UploadId>upload-1</UploadId></Error>');
      } else if (req.method === 'HEAD') {
        state.heads += 1;
        // A HEAD's answer has no body, whatever its status.
        const head = state.head;
        res.writeHead(head.status, head.status === 200 ? { 'Content-Length': String(head.size), ETag: '"abc-2"' } : {});
        res.end();
      } else {
        xml(res, 400, '<Error><Code>InvalidRequest</Code><Message>not in this stand-in</Message></Error>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${BUCKET}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

let s3: LoopbackS3;
let signer: RunningSigner;

beforeAll(async () => {
  s3 = await startLoopbackS3();
  signer = await startSigner({
    UPLOAD_PROVIDER: 's3',
    UPLOAD_BUCKET: BUCKET,
    UPLOAD_REGION: 'us-east-1',
    UPLOAD_ENDPOINT: s3.endpoint,
    UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    UPLOAD_ACCESS_KEY_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    UPLOAD_AUTH_TOKENS: TOKEN,
    UPLOAD_ALLOWED_TYPES: 'video/mp4',
    UPLOAD_MULTIPART_PART_BYTES: String(8 * MIB),
  });
});

afterAll(async () => {
  await signer?.close();
  await s3?.close();
});

async function api(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${signer.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function listAfterHead(head: Head) {
  const started = await api('/api/uploads', { name: 'clip.mp4', size: SIZE, type: 'video/mp4' });
  expect(started.status).toBe(200);
  s3.head = head;
  const heads = s3.heads;
  const listed = await api('/api/uploads/list', { uploadToken: started.json.uploadToken });
  // Asked (a 5xx several times: the SDK retries it).
  expect(s3.heads).toBeGreaterThan(heads);
  return { listed, key: started.json.key as string };
}

test('the object is there with the declared size: the upload was assembled, and the list says so', async () => {
  const { listed, key } = await listAfterHead({ status: 200, size: SIZE });
  expect(listed.status).toBe(200);
  expect(listed.json.assembled).toMatchObject({ key, size: SIZE });
});

test.each([
  ['404 (the signer may list the bucket)', 404],
  ['403 (no s3:ListBucket: how S3 answers a missing key then)', 403],
] as const)('HEAD answers %s: no object, so the upload is gone (410) and the app starts the file again', async (_name, status) => {
  const logged = signer.logged.length;
  const { listed } = await listAfterHead({ status });
  expect(listed).toEqual({ status: 410, json: { error: { code: 'UploadExpired', message: expect.stringMatching(/start the file again/) } } });
  // A 403 may also mean no s3:GetObject: the operator is told which permission it takes.
  const said = signer.logged.slice(logged).filter((line) => line.includes('s3:GetObject'));
  expect(said).toHaveLength(status === 403 ? 1 : 0);
});

test('/complete reads the HEAD the same way: there, the upload was assembled (200); missing (403), 410', async () => {
  const started = await api('/api/uploads', { name: 'clip.mp4', size: SIZE, type: 'video/mp4' });
  const parts = [1, 2].map((partNumber) => ({ partNumber, etag: `"${'a'.repeat(32)}"` }));
  s3.head = { status: 200, size: SIZE };
  expect(await api('/api/uploads/complete', { uploadToken: started.json.uploadToken, parts })).toMatchObject({ status: 200, json: { key: started.json.key, size: SIZE } });
  s3.head = { status: 403 };
  expect(await api('/api/uploads/complete', { uploadToken: started.json.uploadToken, parts })).toMatchObject({ status: 410, json: { error: { code: 'UploadExpired' } } });
});

test('HEAD fails (500): a 502 the app retries, not a 410, and the log says so', async () => {
  const { listed } = await listAfterHead({ status: 500 });
  expect(listed).toEqual({ status: 502, json: { error: { code: 'StoreError', message: 'The bucket refused to look the object up: Unknown (HTTP 500).' } } });
  expect(signer.logged).toContain('signer: The bucket refused to look the object up: Unknown (HTTP 500).');
});
