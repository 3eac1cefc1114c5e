// Issue 9, item 6: UPLOAD_PROVIDER=local with UPLOAD_METHOD=put used to hand out PUT
// tickets the dev bucket answered with 405. It now takes S3 presigned PUTs: the query
// signature (with the exact Content-Length and Content-Type it signs), its expiry and
// the key are checked before a byte is stored, then the body takes the POST path
// (streamed, MD5 ETag, committed only when complete). The official presigner is the
// cross-check.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TicketResponse, UploadTicket } from '../../typings/ticket';
import { PHOTOS, errorCode, filesUnder, request } from '../support/bucket-harness';
import { startSigner, type RunningSigner } from '../support/signer';

let now = new Date('2026-11-22T10:00:00.000Z');
let signer: RunningSigner;
let photo: Buffer;
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

beforeAll(async () => {
  signer = await startSigner({ UPLOAD_METHOD: 'put' }, { now: () => now });
  photo = await fs.readFile(path.join(PHOTOS, 'photo-1.png'));
});
afterAll(() => signer.close());
afterEach(() => {
  now = new Date('2026-11-22T10:00:00.000Z');
});

async function ticketFor(size: number, type = 'image/png'): Promise<UploadTicket> {
  const res = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'photo-1.png', size, type }] }),
  });
  expect(res.status).toBe(200);
  const ticket = ((await res.json()) as TicketResponse).tickets[0];
  expect(ticket.method).toBe('PUT');
  return ticket;
}

const put = (url: string, body: Buffer, headers: Record<string, string>) =>
  request(url, { method: 'PUT', body, headers: { 'Content-Length': String(body.length), ...headers } });

async function nothingStored(): Promise<void> {
  expect(await filesUnder(path.join(signer.dataDir, 'objects'))).toEqual([]);
  expect(await filesUnder(path.join(signer.dataDir, 'tmp'))).toEqual([]);
}

test('a PUT ticket sent with x-amz-* headers it did not sign is refused (S3: HeadersNotSigned), and nothing is stored', async () => {
  const ticket = await ticketFor(photo.length);
  const extras: Record<string, string>[] = [{ 'x-amz-acl': 'public-read-write' }, { 'x-amz-meta-evil': '1' }, { 'x-amz-server-side-encryption': 'aws:kms' }];
  for (const extra of extras) {
    const answer = await put(ticket.url, photo, { ...(ticket.headers ?? {}), ...extra });
    expect([answer.status, errorCode(answer)]).toEqual([403, 'AccessDenied']);
  }
  await nothingStored();
});

test('a PUT ticket uploads, and the object reads back with its type and MD5 ETag', async () => {
  const ticket = await ticketFor(photo.length);
  const answer = await put(ticket.url, photo, ticket.headers ?? {});
  expect(errorCode(answer)).toBeUndefined();
  expect(answer.status).toBe(ticket.successStatus);
  expect(answer.headers.etag).toBe(`"${md5(photo)}"`);
  const read = await request(ticket.objectUrl);
  expect(read.status).toBe(200);
  expect(read.body.equals(photo)).toBe(true);
  expect(read.headers['content-type']).toBe('image/png');
  await fs.rm(path.join(signer.dataDir, 'objects'), { recursive: true });
  await fs.rm(path.join(signer.dataDir, 'meta'), { recursive: true });
  await fs.mkdir(path.join(signer.dataDir, 'objects'));
  await fs.mkdir(path.join(signer.dataDir, 'meta'));
});

describe('refused before anything is stored', () => {
  afterEach(nothingStored);

  test('another Content-Type than signed', async () => {
    const ticket = await ticketFor(photo.length);
    const answer = await put(ticket.url, photo, { 'Content-Type': 'text/html' });
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
  });

  test('another Content-Length than signed', async () => {
    const ticket = await ticketFor(photo.length);
    const answer = await put(ticket.url, Buffer.concat([photo, Buffer.from('more')]), ticket.headers ?? {});
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
  });

  test('a tampered signature', async () => {
    const ticket = await ticketFor(photo.length);
    const url = new URL(ticket.url);
    const sig = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0'));
    const answer = await put(url.toString(), photo, ticket.headers ?? {});
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
  });

  test('an expired ticket', async () => {
    const ticket = await ticketFor(photo.length);
    now = new Date(Date.parse(ticket.expiresAt) + 1000);
    const answer = await put(ticket.url, photo, ticket.headers ?? {});
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Request has expired');
  });

  test('an X-Amz-Security-Token appended to a ticket signed with long-term keys (S3: InvalidToken)', async () => {
    const ticket = await ticketFor(photo.length);
    const answer = await put(`${ticket.url}&X-Amz-Security-Token=anything`, photo, ticket.headers ?? {});
    expect([answer.status, errorCode(answer)]).toEqual([400, 'InvalidToken']);
  });

  test('no signature at all', async () => {
    const ticket = await ticketFor(photo.length);
    const answer = await put(ticket.url.split('?')[0], photo, ticket.headers ?? {});
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('AccessDenied');
  });

  test('a PUT ticket sent to another key', async () => {
    const ticket = await ticketFor(photo.length);
    const other = ticket.url.replace(/[0-9a-f]{16}\.png/, '0000000000000000.png');
    const answer = await put(other, photo, ticket.headers ?? {});
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
  });

  test('a body without Content-Length (chunked)', async () => {
    const ticket = await ticketFor(photo.length);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(ticket.url, { method: 'PUT', headers: { ...ticket.headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(photo);
    });
    expect(answer.status).toBe(411);
    expect(answer.text).toContain('MissingContentLength');
  });

  test('a body cut short leaves nothing', async () => {
    const ticket = await ticketFor(photo.length);
    await new Promise<void>((resolve) => {
      const req = http.request(ticket.url, { method: 'PUT', headers: { ...ticket.headers, 'Content-Length': String(photo.length) } });
      req.on('error', () => resolve());
      req.write(photo.subarray(0, 1000), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 100));
    });
    // Cleanup after a dropped connection is asynchronous.
    for (let i = 0; i < 100 && (await filesUnder(path.join(signer.dataDir, 'tmp'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  });
});

test('a PUT presigned by the official SDK, signing Content-Type and Content-Length, is accepted', async () => {
  const client = new S3Client({
    region: signer.config.region,
    endpoint: signer.origin + '/dev-bucket',
    forcePathStyle: false,
    bucketEndpoint: true,
    credentials: { accessKeyId: signer.config.credentials.accessKeyId, secretAccessKey: signer.config.credentials.accessKeySecret },
  });
  const key = 'uploads/2026/11/22/00000000000000aa.png';
  const command = new PutObjectCommand({ Bucket: signer.origin + '/dev-bucket', Key: key, ContentType: 'image/png', ContentLength: photo.length });
  const url = await getSignedUrl(client, command, { expiresIn: 300, signingDate: now, signableHeaders: new Set(['content-type', 'content-length']) });
  const answer = await put(url, photo, { 'Content-Type': 'image/png' });
  expect(errorCode(answer)).toBeUndefined();
  expect(answer.status).toBe(200);
  expect((await request(`${signer.origin}/dev-bucket/${key}`)).body.equals(photo)).toBe(true);
});
