// Uploads in parts on an S3-compatible bucket addressed at its own host: the endpoint the
// signer derives for AWS (https://<bucket>.s3.<region>.amazonaws.com) or an UPLOAD_ENDPOINT
// with no bucket in its path (a custom domain CNAMEd to the bucket). The part URLs address
// `<endpoint>/<key>`; the signer's own store calls (@aws-sdk/client-s3) must go to the same
// place. A loopback stand-in of such a bucket checks every store call's SigV4 signature the
// way S3 does (the dev bucket's verifier) and answers as S3 would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../../miniprogram/shared/signing';
import { verifySigV4Request } from '../../cloud-signer/src/devbucket/multipart/sigv4-request';
import { S3Error } from '../../cloud-signer/src/devbucket/s3-error';
import { startSigner, type RunningSigner } from '../support/signer';

jest.setTimeout(30_000);

const TOKEN = 'multipart-s3-own-host-0123456789';
const BUCKET = 'examplebucket';
const REGION = 'us-east-1';
const KEYS: Credentials = { accessKeyId: 'AKIAEXAMPLEOWNHOST', accessKeySecret: 'example/secret+value=' };

interface Seen {
  method: string;
  path: string;
  query: string;
  verified: boolean;
}

let seen: Seen[] = [];
let server: http.Server;
let endpoint: string;
let signer: RunningSigner;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry: Seen = { method: req.method ?? '', path: url.pathname, query: url.search, verified: false };
    seen.push(entry);
    req.resume();
    req.on('end', () => {
      try {
        verifySigV4Request(req, { bucket: BUCKET, region: REGION, credentials: KEYS }, new Date());
        entry.verified = true;
      } catch (error) {
        const e = error instanceof S3Error ? error : new S3Error(500, 'InternalError', String(error));
        res.writeHead(e.status, { 'Content-Type': 'application/xml' }).end(`<Error><Code>${e.code}</Code><Message>${e.message}</Message></Error>`);
        return;
      }
      const xml = (body: string) => res.writeHead(200, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        xml(`<InitiateMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>${url.pathname.slice(1)}</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>`);
      } else if (req.method === 'GET' && url.searchParams.get('uploadId') === 'upload-1') {
        xml(`<ListPartsResult><Bucket>${BUCKET}</Bucket><Key>${url.pathname.slice(1)}</Key><UploadId>upload-1</UploadId><IsTruncated>false</IsTruncated></ListPartsResult>`);
      } else if (req.method === 'DELETE' && url.searchParams.get('uploadId') === 'upload-1') {
        res.writeHead(204).end();
      } else {
        res.writeHead(400, { 'Content-Type': 'application/xml' }).end('<Error><Code>InvalidRequest</Code><Message>unexpected</Message></Error>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signer = await startSigner({
    UPLOAD_PROVIDER: 's3',
    UPLOAD_BUCKET: BUCKET,
    UPLOAD_REGION: REGION,
    UPLOAD_ENDPOINT: endpoint,
    UPLOAD_ACCESS_KEY_ID: KEYS.accessKeyId,
    UPLOAD_ACCESS_KEY_SECRET: KEYS.accessKeySecret,
    UPLOAD_AUTH_TOKENS: TOKEN,
    UPLOAD_ALLOWED_TYPES: 'video/mp4',
  });
});

afterAll(async () => {
  await signer?.close();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

async function api(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${signer.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

it('starts, lists and aborts an upload on the bucket\'s own host, where its part URLs point, each call signed as S3 checks it', async () => {
  const created = await api('/api/uploads', { name: 'clip.mp4', size: 30 * 1024 * 1024, type: 'video/mp4' });
  expect([created.status, created.json.error]).toEqual([200, undefined]);
  const key: string = created.json.key;
  expect(seen).toEqual([{ method: 'POST', path: `/${key}`, query: expect.stringMatching(/^\?uploads/), verified: true }]);

  // The part URLs name the same object on the same host.
  const signed = await api('/api/uploads/parts', { uploadToken: created.json.uploadToken, partNumbers: [1] });
  expect(signed.status).toBe(200);
  const partUrl = new URL(signed.json.parts[0].url);
  expect([partUrl.origin, partUrl.pathname, partUrl.searchParams.get('uploadId')]).toEqual([endpoint, `/${key}`, 'upload-1']);

  const listed = await api('/api/uploads/list', { uploadToken: created.json.uploadToken });
  expect([listed.status, listed.json.parts]).toEqual([200, []]);
  const aborted = await api('/api/uploads/abort', { uploadToken: created.json.uploadToken });
  expect([aborted.status, aborted.json]).toEqual([200, { aborted: true }]);
  expect(seen.map((s) => [s.method, s.path, s.verified])).toEqual([
    ['POST', `/${key}`, true],
    ['GET', `/${key}`, true],
    ['DELETE', `/${key}`, true],
  ]);
});
