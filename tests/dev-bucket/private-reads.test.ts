// A private dev bucket (UPLOAD_PRIVATE_BUCKET=true) serves objects only to presigned
// SigV4 GETs, like a private S3 bucket: the link /api/object-urls would sign works
// until it expires; no signature, a tampered one, another key's link, another access
// key or an expired link all get S3's 403. The console signs its own thumbnails.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { signS3ObjectUrl } from '../../miniprogram/shared/signing/dialects/s3-presign';
import { BUCKET, CREDENTIALS, PHOTOS, REGION, errorCode, formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const LINK_TTL_SECONDS = 3600;
let running: RunningBucket;
let photo: Buffer;
let key: string;

function linkFor(k: string, overrides: { now?: Date; accessKeySecret?: string; accessKeyId?: string } = {}): string {
  return signS3ObjectUrl(
    {
      bucket: BUCKET,
      region: REGION,
      endpoint: running.endpoint,
      publicBaseUrl: running.endpoint,
      credentials: { ...CREDENTIALS, ...overrides },
      key: k,
      now: overrides.now ?? NOW,
      ttlSeconds: LINK_TTL_SECONDS,
    },
    nodeCrypto,
  );
}

beforeAll(async () => {
  running = await startBucket({ now: NOW, privateReads: true });
  photo = await fs.readFile(path.join(PHOTOS, 'photo-2.png'));
  const ticket = ticketFor(running);
  key = ticket.key;
  expect((await post(running, formFor(ticket, photo))).status).toBe(201);
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});
afterEach(() => running.setNow(NOW));

test('a presigned GET reads the object back byte for byte', async () => {
  const answer = await request(linkFor(key));
  expect(answer.status).toBe(200);
  expect(answer.body.equals(photo)).toBe(true);
  expect(answer.headers['content-type']).toBe('image/png');
});

test('an unsigned GET is 403 AccessDenied, and says where links come from', async () => {
  const answer = await request(`${running.endpoint}/${key}`);
  expect(answer.status).toBe(403);
  expect(errorCode(answer)).toBe('AccessDenied');
  expect(answer.body.toString()).toContain('/api/object-urls');
});

test('a tampered signature is 403 SignatureDoesNotMatch', async () => {
  const link = new URL(linkFor(key));
  const signature = link.searchParams.get('X-Amz-Signature')!;
  link.searchParams.set('X-Amz-Signature', (signature[0] === '0' ? '1' : '0') + signature.slice(1));
  const answer = await request(link.toString());
  expect(answer.status).toBe(403);
  expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
});

test('a longer lifetime than was signed is 403 SignatureDoesNotMatch', async () => {
  const link = new URL(linkFor(key));
  link.searchParams.set('X-Amz-Expires', '604800');
  expect(errorCode(await request(link.toString()))).toBe('SignatureDoesNotMatch');
});

test("another object's link cannot read this one", async () => {
  const other = new URL(linkFor('uploads/2026/11/22/0000000000000000.png'));
  const swapped = `${running.endpoint}/${key}${other.search}`;
  const answer = await request(swapped);
  expect(answer.status).toBe(403);
  expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
});

test('a link signed with a wrong secret or an unknown key id is refused', async () => {
  expect(errorCode(await request(linkFor(key, { accessKeySecret: 'not-the-secret' })))).toBe('SignatureDoesNotMatch');
  const foreign = await request(linkFor(key, { accessKeyId: 'AKIAFOREIGN' }));
  expect(foreign.status).toBe(403);
  expect(errorCode(foreign)).toBe('InvalidAccessKeyId');
});

test('a link works until it expires, then is 403 "Request has expired"', async () => {
  const link = linkFor(key);
  running.setNow(new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000));
  expect((await request(link)).status).toBe(200);
  running.setNow(new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000 + 1000));
  const answer = await request(link);
  expect(answer.status).toBe(403);
  expect(errorCode(answer)).toBe('AccessDenied');
  expect(answer.body.toString()).toContain('Request has expired');
});

test('HEAD with a GET link is refused: the method is part of the signature', async () => {
  expect((await request(linkFor(key), { method: 'HEAD' })).status).toBe(403);
});

test('the console page shows thumbnails through presigned links that work', async () => {
  const page = (await request(`${running.origin}/`)).body.toString();
  const src = /<img class="thumb" src="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  expect(src).toContain('X-Amz-Signature=');
  const answer = await request(src!);
  expect(answer.status).toBe(200);
  expect(answer.body.equals(photo)).toBe(true);
});

test("the bucket's own key reads with a SigV4 header (the S3 SDK's HeadObject, as the signer looks a completed upload up); another secret is 403", async () => {
  const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const client = (accessKeySecret: string) =>
    new S3Client({
      region: REGION,
      endpoint: running.endpoint.replace(/\/dev-bucket$/, ''),
      forcePathStyle: true,
      systemClockOffset: NOW.getTime() - Date.now(),
      credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: accessKeySecret, sessionToken: CREDENTIALS.securityToken },
    });
  const head = await client(CREDENTIALS.accessKeySecret).send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  expect(head.ContentLength).toBe(photo.length);
  await expect(client('another-secret').send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
});
