// Issue 9, item 11: a private dev bucket checks presigned GETs as S3 does. Every query
// parameter but the signature is part of what is signed, so one appended to a link
// breaks it; a duplicated signature (or any auth parameter twice) is malformed;
// response-* overrides are honoured only when signed (the official presigner is the
// cross-check), and an unsigned read of a public bucket cannot use them at all.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { signS3ObjectUrl } from '../../miniprogram/shared/signing/dialects/s3-presign';
import { BUCKET, CREDENTIALS, PHOTOS, REGION, errorCode, formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

const NOW = new Date('2026-11-22T10:00:00.000Z');
let privateBucket: RunningBucket;
let publicBucket: RunningBucket;
let photo: Buffer;
let key: string;

/** A presigned GET of `k` on `bucket`, as /api/object-urls signs it. */
const linkOn = (bucket: RunningBucket, k: string, { now = NOW, ttlSeconds = 3600 } = {}) =>
  signS3ObjectUrl({ bucket: BUCKET, region: REGION, endpoint: bucket.endpoint, publicBaseUrl: bucket.endpoint, credentials: CREDENTIALS, key: k, now, ttlSeconds }, nodeCrypto);
const linkFor = (k: string) => linkOn(privateBucket, k);

/** The official SDK, path style, with the bucket's keys: the presigner cross-checked against. */
const sdkFor = (bucket: RunningBucket) =>
  new S3Client({
    region: REGION,
    endpoint: bucket.origin,
    forcePathStyle: true,
    credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.accessKeySecret },
  });

beforeAll(async () => {
  privateBucket = await startBucket({ now: NOW, privateReads: true });
  publicBucket = await startBucket({ now: NOW });
  photo = await fs.readFile(path.join(PHOTOS, 'photo-2.png'));
  const ticket = ticketFor(privateBucket);
  key = ticket.key;
  expect((await post(privateBucket, formFor(ticket, photo))).status).toBe(201);
  expect((await post(publicBucket, formFor(ticket, photo, ticketFor(publicBucket, { key }).fields))).status).toBe(201);
});
afterAll(async () => {
  for (const running of [privateBucket, publicBucket]) {
    await running.close();
    await fs.rm(running.root, { recursive: true, force: true });
  }
});

test('the link as signed works', async () => {
  expect((await request(linkFor(key))).status).toBe(200);
});

test.each([
  ['an unsigned parameter appended', (link: string) => `${link}&response-content-type=text%2Fhtml`],
  ['an unsigned parameter put first', (link: string) => link.replace('?', '?foo=bar&')],
  ['an unsigned parameter without a value', (link: string) => `${link}&x-id`],
])('%s breaks the signature: 403 SignatureDoesNotMatch', async (_label, change) => {
  const answer = await request(change(linkFor(key)));
  expect(answer.status).toBe(403);
  expect(errorCode(answer)).toBe('SignatureDoesNotMatch');
  expect(answer.headers['content-type']).not.toBe('text/html');
});

test.each([
  ['a GET of the public bucket', () => `${publicBucket.endpoint}/${key}?x=%zz`, 'GET'],
  ['a presigned GET', () => `${linkFor(key)}&x=%E0%A4%A`, 'GET'],
  ['a PUT', () => `${publicBucket.endpoint}/${key}?X-Amz-Credential=%E0%A4%A`, 'PUT'],
])('a query that is not valid percent-encoding (%s) is 400 InvalidArgument, not a 500', async (_label, url, method) => {
  const answer = await request(url(), { method });
  expect([answer.status, errorCode(answer)]).toEqual([400, 'InvalidArgument']);
});

test('an X-Amz-Security-Token appended to a link signed with long-term keys is refused, as S3 refuses a token it did not issue: 400 InvalidToken', async () => {
  const answer = await request(`${linkFor(key)}&X-Amz-Security-Token=anything`);
  expect(answer.status).toBe(400);
  expect(errorCode(answer)).toBe('InvalidToken');
});

test.each(['X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires'])('%s twice is malformed: 400', async (name) => {
  const link = linkFor(key);
  const value = new URL(link).searchParams.get(name) ?? '';
  const answer = await request(`${link}&${name}=${encodeURIComponent(value)}`);
  expect(answer.status).toBe(400);
  expect(errorCode(answer)).toBe('AuthorizationQueryParametersError');
});

test('signed response-* overrides from the official presigner are honoured', async () => {
  const client = sdkFor(privateBucket);
  const command = new GetObjectCommand({
    Bucket: BUCKET,
    Key: key,
    ResponseContentDisposition: 'attachment; filename="holiday.png"',
    ResponseCacheControl: 'max-age=60',
  });
  const link = await getSignedUrl(client, command, { expiresIn: 600, signingDate: NOW });
  const answer = await request(link);
  expect(answer.status).toBe(200);
  expect(answer.body.equals(photo)).toBe(true);
  expect(answer.headers['content-disposition']).toBe('attachment; filename="holiday.png"');
  expect(answer.headers['cache-control']).toBe('max-age=60');
  // Served inert whatever a link asks for.
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
});

test('an unsigned read of a public bucket cannot ask for response-* overrides', async () => {
  const answer = await request(`${publicBucket.endpoint}/${key}?response-content-type=text%2Fhtml`);
  expect(answer.status).toBe(400);
  expect(errorCode(answer)).toBe('InvalidRequest');
  expect((await request(`${publicBucket.endpoint}/${key}`)).status).toBe(200);
});

describe('a public bucket checks the authentication a read carries, as S3 does', () => {
  const publicLinkFor = (k: string, now = NOW) => linkOn(publicBucket, k, { now, ttlSeconds: 600 });

  test('a genuine presigned link is served, with its signed overrides', async () => {
    const client = sdkFor(publicBucket);
    const link = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseCacheControl: 'max-age=60' }), { expiresIn: 600, signingDate: NOW });
    const answer = await request(link);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(photo)).toBe(true);
    expect(answer.headers['cache-control']).toBe('max-age=60');
  });

  test.each([
    ['a tampered signature', (link: string) => link.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`), 403, 'SignatureDoesNotMatch'],
    ['an unsigned parameter appended', (link: string) => `${link}&response-content-type=text%2Fhtml`, 403, 'SignatureDoesNotMatch'],
    ['a credential without a signature', (link: string) => link.replace(/&X-Amz-Signature=[0-9a-f]+/, ''), 400, 'AuthorizationQueryParametersError'],
  ])('%s is refused, where the same read without authentication is served', async (_label, change, status, code) => {
    const answer = await request(change(publicLinkFor(key)));
    expect([answer.status, errorCode(answer)]).toEqual([status, code]);
    expect((await request(`${publicBucket.endpoint}/${key}`)).status).toBe(200);
  });

  test('an expired link is refused', async () => {
    const answer = await request(publicLinkFor(key, new Date(NOW.getTime() - 3600_000)));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Request has expired');
  });
});
