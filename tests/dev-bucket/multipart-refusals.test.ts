// What the dev bucket refuses in a multipart upload, with S3's codes, and that a refused
// upload leaves nothing readable: tampered and expired part URLs, another key's upload
// id, a part longer than its URL allows, a wrong ETag, a missing part, a small middle
// part, a foreign key, an unsigned request, a part cut off mid-way, abandoned uploads.
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { errorCode, eventually, filesUnder, request, startBucket, type RunningBucket } from '../support/bucket-harness';
import { MIB, PATH_BUCKET, freshKey, partUrl, putPart, sdkClient } from './multipart-support';

let running: RunningBucket;
let client: S3Client;
const START = new Date();

beforeAll(async () => {
  running = await startBucket({ now: START });
  client = sdkClient(running);
});

afterEach(() => running.setNow(START));

afterAll(async () => {
  await running.close();
});

async function started(by: S3Client = client): Promise<{ key: string; uploadId: string }> {
  const key = freshKey();
  const { UploadId } = await by.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key }));
  return { key, uploadId: UploadId! };
}

function completeWith(key: string, uploadId: string, parts: { PartNumber: number; ETag: string }[]) {
  return client.send(new CompleteMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
}

async function nothingVisible(key: string): Promise<void> {
  expect((await running.bucket.list()).map((o) => o.key)).not.toContain(key);
  expect((await request(`${running.endpoint}/${key}`)).status).toBe(404);
}

describe('dev bucket multipart refusals', () => {
  it('refuses a part URL whose part number was changed (SignatureDoesNotMatch) and keeps nothing', async () => {
    const { key, uploadId } = await started();
    const tampered = partUrl(running, key, uploadId, 1, 100).replace('partNumber=1', 'partNumber=2');
    const answer = await putPart(tampered, randomBytes(100));
    expect([answer.status, /<Code>([^<]*)/.exec(answer.text)?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
    expect((await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
  });

  it('refuses a part URL past its expiry, and one signed by another key', async () => {
    const { key, uploadId } = await started();
    const url = partUrl(running, key, uploadId, 1, 100, { now: START, ttlSeconds: 60 });
    running.setNow(new Date(START.getTime() + 61_000));
    const expired = await putPart(url, randomBytes(100));
    expect([expired.status, expired.text]).toEqual([403, expect.stringContaining('Request has expired')]);
    running.setNow(START);
    const foreign = await putPart(url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`), randomBytes(100));
    expect(foreign.status).toBe(403);
  });

  it('refuses a part URL with an X-Amz-Security-Token appended, the bucket\'s keys having none (InvalidToken), and keeps nothing', async () => {
    const { key, uploadId } = await started();
    const answer = await putPart(`${partUrl(running, key, uploadId, 1, 100)}&X-Amz-Security-Token=anything`, randomBytes(100));
    expect([answer.status, /<Code>([^<]*)/.exec(answer.text)?.[1]]).toEqual([400, 'InvalidToken']);
    expect((await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
  });

  it('refuses a body longer or shorter than the Content-Length the URL signed', async () => {
    const { key, uploadId } = await started();
    const url = partUrl(running, key, uploadId, 1, 5 * MIB);
    expect((await putPart(url, randomBytes(5 * MIB + 1))).status).toBe(403);
    expect((await putPart(url, randomBytes(5 * MIB - 1))).status).toBe(403);
    expect(await filesUnder(path.join(running.dataDir, 'multipart', uploadId))).toEqual(['upload-record']);
  });

  it("refuses an upload id used with another key (NoSuchUpload): one upload never writes another's object", async () => {
    const { uploadId } = await started();
    const otherKey = freshKey();
    const answer = await putPart(partUrl(running, otherKey, uploadId, 1, 10), randomBytes(10));
    expect([answer.status, /<Code>([^<]*)/.exec(answer.text)?.[1]]).toEqual([404, 'NoSuchUpload']);
    await expect(completeWith(otherKey, uploadId, [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }])).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
    await nothingVisible(otherKey);
  });

  it('refuses Complete with a wrong ETag, a missing part, parts out of order or a small middle part; nothing becomes visible', async () => {
    const { key, uploadId } = await started();
    const first = await putPart(partUrl(running, key, uploadId, 1, 5 * MIB), randomBytes(5 * MIB));
    const second = await putPart(partUrl(running, key, uploadId, 2, 1000), randomBytes(1000));
    const third = await putPart(partUrl(running, key, uploadId, 3, 1000), randomBytes(1000));
    const wrongEtag = `"${'a'.repeat(32)}"`;
    await expect(completeWith(key, uploadId, [{ PartNumber: 1, ETag: first.etag! }, { PartNumber: 2, ETag: wrongEtag }])).rejects.toMatchObject({ name: 'InvalidPart' });
    await expect(completeWith(key, uploadId, [{ PartNumber: 1, ETag: first.etag! }, { PartNumber: 4, ETag: second.etag! }])).rejects.toMatchObject({ name: 'InvalidPart' });
    await expect(completeWith(key, uploadId, [{ PartNumber: 2, ETag: second.etag! }, { PartNumber: 1, ETag: first.etag! }])).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await expect(
      completeWith(key, uploadId, [
        { PartNumber: 1, ETag: first.etag! },
        { PartNumber: 2, ETag: second.etag! },
        { PartNumber: 3, ETag: third.etag! },
      ]),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' });
    await nothingVisible(key);
    // The upload itself is intact: the right list still completes it.
    await completeWith(key, uploadId, [{ PartNumber: 1, ETag: first.etag! }, { PartNumber: 2, ETag: second.etag! }]);
    expect((await request(`${running.endpoint}/${key}`)).body.length).toBe(5 * MIB + 1000);
  });

  it('refuses a part URL sent with x-amz-* headers its signature does not cover, as S3 does (HeadersNotSigned)', async () => {
    const { key, uploadId } = await started();
    const url = partUrl(running, key, uploadId, 1, 100);
    for (const header of ['x-amz-acl', 'x-amz-meta-owner', 'x-amz-server-side-encryption']) {
      const res = await fetch(url, { method: 'PUT', body: new Uint8Array(randomBytes(100)), headers: { [header]: 'x' } });
      const text = await res.text();
      expect([res.status, /<Code>([^<]*)/.exec(text)?.[1]]).toEqual([403, 'AccessDenied']);
      expect(text).toContain(`headers present in the request which were not signed: ${header}`);
    }
    expect((await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
    // The same URL without them goes in.
    expect((await putPart(url, randomBytes(100))).status).toBe(200);
  });

  it('answers 403, not 500, when SignedHeaders names a header no request has (constructor, __proto__)', async () => {
    const day = START.toISOString().slice(0, 10).replace(/-/g, '');
    const amzDate = START.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    for (const name of ['constructor', '__proto__', 'tostring']) {
      const answer = await request(`${running.endpoint}/${freshKey()}?uploadId=x&partNumber=1`, {
        method: 'PUT',
        body: Buffer.from('x'),
        headers: {
          Authorization: `AWS4-HMAC-SHA256 Credential=DEVKEYTEST000001/${day}/us-east-1/s3/aws4_request, SignedHeaders=host;${name}, Signature=${'0'.repeat(64)}`,
          'x-amz-date': amzDate,
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
          'Content-Length': '1',
        },
      });
      expect([answer.status, errorCode(answer)]).toEqual([403, 'AccessDenied']);
    }
  });

  it('refuses unsigned requests and requests signed with another secret', async () => {
    const key = freshKey();
    const unsigned = await request(`${running.endpoint}/${key}?uploads`, { method: 'POST' });
    expect([unsigned.status, errorCode(unsigned)]).toEqual([403, 'AccessDenied']);
    const impostor = sdkClient(running, { accessKeyId: 'DEVKEYTEST000001', accessKeySecret: 'not-the-secret' });
    await expect(impostor.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const stranger = sdkClient(running, { accessKeyId: 'SOMEONEELSE', accessKeySecret: 'x' });
    await expect(stranger.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
  });

  it('refuses part numbers outside 1…10000 and keys that would leave the bucket', async () => {
    const { key, uploadId } = await started();
    const zero = await putPart(partUrl(running, key, uploadId, 0, 10), randomBytes(10));
    expect([zero.status, /<Code>([^<]*)/.exec(zero.text)?.[1]]).toEqual([400, 'InvalidArgument']);
    const tooHigh = await putPart(partUrl(running, key, uploadId, 10_001, 10), randomBytes(10));
    expect(tooHigh.status).toBe(400);
    const traversal = await request(`${running.endpoint}/uploads/%2e%2e/%2e%2e/x?uploads`, { method: 'POST' });
    expect([traversal.status, errorCode(traversal)]).toEqual([400, 'InvalidArgument']);
  });

  it('keeps nothing of a part whose connection is cut mid-way', async () => {
    const { key, uploadId } = await started();
    const url = new URL(partUrl(running, key, uploadId, 1, 5 * MIB));
    await new Promise<void>((resolve) => {
      const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT', headers: { 'Content-Length': 5 * MIB } });
      req.on('error', () => resolve());
      req.write(randomBytes(MIB), () => {
        req.destroy();
        resolve();
      });
    });
    expect(await eventually(async () => (await filesUnder(path.join(running.dataDir, 'multipart', uploadId))).length === 1)).toBe(true);
    expect((await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
  });

  it('deletes uploads left alone longer than the abandon age, and only those', async () => {
    const old = await started();
    await putPart(partUrl(running, old.key, old.uploadId, 1, 10), randomBytes(10));
    const later = 23 * 3600 * 1000;
    running.setNow(new Date(START.getTime() + later));
    // The SDK's own clock offset, so it signs at the bucket's (moved) time.
    const recent = await started(sdkClient(running, undefined, { systemClockOffset: later }));
    running.setNow(new Date(START.getTime() + 24 * 3600 * 1000 + 1000));
    expect(await running.bucket.sweepAbandonedUploads()).toBeGreaterThanOrEqual(1);
    expect(await filesUnder(path.join(running.dataDir, 'multipart', old.uploadId))).toEqual([]);
    expect(await filesUnder(path.join(running.dataDir, 'multipart', recent.uploadId))).toEqual(['upload-record']);
  });
});
