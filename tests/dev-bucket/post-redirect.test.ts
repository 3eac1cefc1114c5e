// Issue 9, item 7: success_action_redirect is read before anything is stored. A value
// S3 "cannot interpret" is ignored, as S3's POST Object documentation says ("If
// success_action_redirect is not specified, or Amazon S3 cannot interpret the URL,
// Amazon S3 returns the empty document type specified in the success_action_status
// field"); it used to store the object and then answer 500.
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BUCKET, CREDENTIALS, PHOTOS, REGION, multipart, post, startBucket, type RunningBucket } from '../support/bucket-harness';

const NOW = new Date('2026-11-22T10:00:00.000Z');
let running: RunningBucket;
let photo: Buffer;

beforeAll(async () => {
  running = await startBucket({ now: NOW });
  photo = await fs.readFile(path.join(PHOTOS, 'photo-1.png'));
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

/** A form made by the official SDK whose policy allows `fields` (the clock pinned to NOW). */
async function postWith(key: string, fields: Record<string, string>) {
  const client = new S3Client({ region: REGION, credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.accessKeySecret } });
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'hrtime', 'performance'] });
  const presigned = await createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Fields: { 'Content-Type': 'image/png', ...fields },
    Expires: 300,
  }).finally(() => jest.useRealTimers());
  return post(running, multipart([
    ...Object.entries(presigned.fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: 'p.png', contentType: 'image/png', data: photo },
  ]));
}

const stored = async (key: string) => (await running.bucket.list()).some((o) => o.key === key);

test.each([
  ['an unparseable URL', 'https://[bad'],
  ['a script URL', 'javascript:alert(document.domain)'],
  ['a relative path', '/done'],
  ['a URL with a bad port', 'https://app.example:99999/done'],
])('%s is ignored: the upload gets the success_action_status answer, never a 500', async (_label, redirect) => {
  const key = `redirect/${Buffer.from(redirect).toString('hex')}.png`;
  const answer = await postWith(key, { success_action_redirect: redirect, success_action_status: '201' });
  expect(answer.status).toBe(201);
  expect(answer.text).toContain(`<Key>${key}</Key>`);
  expect(await stored(key)).toBe(true);
});

test('a valid redirect answers 303 to it with bucket, key and etag', async () => {
  const key = 'redirect/ok.png';
  const answer = await postWith(key, { success_action_redirect: 'https://app.example/done?from=upload' });
  expect(answer.status).toBe(303);
  const target = new URL(answer.headers.location ?? '');
  expect(`${target.origin}${target.pathname}`).toBe('https://app.example/done');
  expect(target.searchParams.get('from')).toBe('upload');
  expect(target.searchParams.get('bucket')).toBe(BUCKET);
  expect(target.searchParams.get('key')).toBe(key);
  expect(target.searchParams.get('etag')).toBe(answer.headers.etag);
});
