// Reading objects back: GET and HEAD with the stored type, length and ETag, S3's
// NoSuchKey for anything else, and objects that outlive the process that stored them.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PHOTOS, errorCode, formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

let running: RunningBucket;
let photo: Buffer;
let key: string;
let etag: string;

beforeAll(async () => {
  running = await startBucket();
  photo = await fs.readFile(path.join(PHOTOS, 'photo-2.png'));
  const ticket = ticketFor(running, { key: 'uploads/2026/11/22/a photo+1.png' });
  key = ticket.key;
  const answer = await post(running, formFor(ticket, photo));
  expect(answer.status).toBe(201);
  etag = `"${createHash('md5').update(photo).digest('hex')}"`;
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

const urlOf = (base: string, k: string) => `${base}/${k.split('/').map(encodeURIComponent).join('/')}`;

it('GET streams the bytes with their Content-Type, length and ETag', async () => {
  const answer = await request(urlOf(running.endpoint, key));
  expect(answer.status).toBe(200);
  expect(answer.body.equals(photo)).toBe(true);
  expect(answer.headers['content-type']).toBe('image/png');
  expect(answer.headers['content-length']).toBe(String(photo.length));
  expect(answer.headers.etag).toBe(etag);
  expect(answer.headers['last-modified']).toBe('Sun, 22 Nov 2026 10:00:00 GMT');
  // Uploaded bytes are served inert.
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['content-security-policy']).toContain('sandbox');
});

it('HEAD answers the same headers and no body', async () => {
  const answer = await request(urlOf(running.endpoint, key), { method: 'HEAD' });
  expect(answer.status).toBe(200);
  expect(answer.body.length).toBe(0);
  expect(answer.headers['content-length']).toBe(String(photo.length));
  expect(answer.headers.etag).toBe(etag);
});

it('answers 304 to a matching If-None-Match', async () => {
  const answer = await request(urlOf(running.endpoint, key), { headers: { 'If-None-Match': etag } });
  expect(answer.status).toBe(304);
});

it.each([
  ['uploads/missing.png'],
  ['uploads/../../etc/passwd'],
  ['%2e%2e/%2e%2e/etc/passwd'],
])('answers 404 NoSuchKey in XML for %s', async (pathPart) => {
  const answer = await request(`${running.endpoint}/${pathPart}`);
  expect(answer.status).toBe(404);
  expect(errorCode(answer)).toBe('NoSuchKey');
  expect(answer.headers['content-type']).toBe('application/xml');
});

it('refuses methods a bucket does not offer with 405, and a PUT without a presigned URL with 403', async () => {
  const remove = await request(urlOf(running.endpoint, key), { method: 'DELETE' });
  expect(remove.status).toBe(405);
  expect(errorCode(remove)).toBe('MethodNotAllowed');
  // PUT is offered, to presigned URLs only (presigned-put.test.ts); the object stays as it was.
  const put = await request(urlOf(running.endpoint, key), { method: 'PUT', body: Buffer.from('x') });
  expect(put.status).toBe(403);
  expect(errorCode(put)).toBe('AccessDenied');
  expect((await request(urlOf(running.endpoint, key))).body.equals(photo)).toBe(true);
  const getRoot = await request(running.endpoint);
  expect(getRoot.status).toBe(405);
});

it('answers a CORS preflight so browser forms can post', async () => {
  const answer = await request(running.endpoint, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' } });
  expect(answer.status).toBe(204);
  expect(answer.headers['access-control-allow-origin']).toBe('*');
  expect(answer.headers['access-control-allow-methods']).toContain('POST');
});

it('still serves every object after a restart on the same dataDir', async () => {
  await running.close();
  const again = await startBucket({ root: running.root });
  try {
    const answer = await request(urlOf(again.endpoint, key));
    expect(answer.status).toBe(200);
    expect(answer.body.equals(photo)).toBe(true);
    expect(answer.headers.etag).toBe(etag);
    expect((await again.bucket.list()).map((o) => o.key)).toEqual([key]);
  } finally {
    await again.close();
  }
});

it('a read racing overwrites of its key gets the old object or a new one whole, never NoSuchKey', async () => {
  const racing = await startBucket();
  try {
    await race(racing);
  } finally {
    await racing.close();
    await fs.rm(racing.root, { recursive: true, force: true });
  }
});

async function race(running: RunningBucket) {
  const ticket = ticketFor(running, { key: 'uploads/2026/11/22/raced.png' });
  const versions = [0, 1, 2, 3].map((i) => Buffer.alloc(20_000 + i * 1000, i + 1));
  expect((await post(running, formFor(ticket, versions[0]))).status).toBe(201);
  const url = urlOf(running.endpoint, ticket.key);
  const until = Date.now() + 1500;
  const statuses: number[] = [];
  let writes = 0;
  const writer = async (version: Buffer) => {
    while (Date.now() < until) {
      expect((await post(running, formFor(ticket, version))).status).toBe(201);
      writes += 1;
    }
  };
  const reader = async () => {
    while (Date.now() < until) {
      const answer = await request(url);
      statuses.push(answer.status);
      if (answer.status === 200) expect(versions.some((v) => v.equals(answer.body))).toBe(true);
    }
  };
  await Promise.all([...versions.map(writer), ...Array.from({ length: 6 }, reader)]);
  expect(writes).toBeGreaterThan(20);
  expect(statuses.length).toBeGreaterThan(100);
  expect(new Set(statuses)).toEqual(new Set([200]));
}
