// A client that hangs up in the middle of its request body is how phones behave (a
// network cut, the app sent to the background), not a fault of the dev bucket: nothing
// is kept, nobody is left to answer, and the signer's log must not call it an
// "unexpected error" with a stack (the bench's network cut printed one for a
// CompleteMultipartUpload cut mid-body). The upload is still there to finish afterwards.
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { startBucket, type RunningBucket } from '../support/bucket-harness';
import { freshKey, PATH_BUCKET, partUrl, putPart, sdkClient } from './multipart-support';

let running: RunningBucket;
const unexpected: unknown[] = [];

beforeAll(async () => {
  // The SDK signs with the wall clock, so the bucket's clock is pinned to the wall clock's now.
  running = await startBucket({ now: new Date(), onError: (error) => unexpected.push(error) });
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});
afterEach(() => {
  unexpected.length = 0;
});

/** Sends `method url` announcing `declared` bytes, writes `sent` of them, then drops the connection. */
function cutMidBody(url: string, method: string, sent: Buffer, declared: number, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers: { ...headers, 'Content-Length': String(declared) } });
    req.on('error', () => resolve());
    req.on('response', () => resolve()); // an early answer also ends the test's wait
    req.write(sent, () => setTimeout(() => req.destroy(), 50));
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

async function uploadWithOnePart() {
  const client = sdkClient(running);
  const key = freshKey();
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, ContentType: 'video/mp4' }));
  const body = randomBytes(1024);
  const part = await putPart(partUrl(running, key, UploadId!, 1, body.length), body);
  expect(part.status).toBe(200);
  return { client, key, uploadId: UploadId!, parts: [{ PartNumber: 1, ETag: part.etag! }] };
}

test('a CompleteMultipartUpload cut mid-body is not logged, and the upload completes afterwards', async () => {
  const { client, key, uploadId, parts } = await uploadWithOnePart();
  const command = new CompleteMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } });
  // The official client, told (before it signs) that the body is longer than it is: the
  // bucket takes the signed headers and waits for the rest, until the client gives up.
  const cutting = sdkClient(running);
  cutting.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: string };
      request.headers['content-length'] = String(Buffer.byteLength(request.body) + 1000);
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'bodyLongerThanSent' },
  );
  const gaveUp = new AbortController();
  setTimeout(() => gaveUp.abort(), 150);
  await expect(cutting.send(command, { abortSignal: gaveUp.signal })).rejects.toThrow();
  await settle();
  expect(unexpected).toEqual([]);
  const done = await client.send(command);
  expect(done.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
});

test('a part cut mid-body is not logged, and the part can be sent again', async () => {
  const { key, uploadId } = await uploadWithOnePart();
  const body = randomBytes(256 * 1024);
  const url = partUrl(running, key, uploadId, 2, body.length);
  await cutMidBody(url, 'PUT', body.subarray(0, 100 * 1024), body.length, { 'Content-Type': 'application/octet-stream' });
  await settle();
  expect(unexpected).toEqual([]);
  expect((await putPart(url, body)).status).toBe(200);
});
