// The dev bucket's S3 multipart API with the official AWS SDK as an independent client:
// lib-storage's Upload end to end, and CreateMultipartUpload / presigned UploadPart /
// ListParts / CompleteMultipartUpload / AbortMultipartUpload step by step.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
  paginateListParts,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { filesUnder, startBucket, type RunningBucket } from '../support/bucket-harness';
import { MIB, PATH_BUCKET, freshKey, partUrl, putPart, sdkClient, sha256 } from './multipart-support';

let running: RunningBucket;

beforeAll(async () => {
  // The SDK signs with the wall clock, so the bucket's clock is pinned to the wall clock's now.
  running = await startBucket({ now: new Date() });
});

afterAll(async () => {
  await running.close();
});

describe('dev bucket multipart with @aws-sdk/client-s3', () => {
  it('stores what lib-storage Upload sends in parts, read back with the same SHA-256 and a multipart ETag', async () => {
    const data = randomBytes(12 * MIB + 12345);
    const key = freshKey();
    const upload = new Upload({
      client: sdkClient(running),
      params: { Bucket: PATH_BUCKET, Key: key, Body: data, ContentType: 'video/mp4' },
      partSize: 5 * MIB,
      queueSize: 2,
    });
    const result = await upload.done();
    expect(result.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const got = await sdkClient(running).send(new GetObjectCommand({ Bucket: PATH_BUCKET, Key: key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(sha256(bytes)).toBe(sha256(data));
    expect(got.ContentType).toBe('video/mp4');
    expect(got.ETag).toBe(result.ETag);
    // Nothing of the upload is left behind once it completed.
    expect(await filesUnder(path.join(running.dataDir, 'multipart'))).toEqual([]);
  });

  it('takes parts PUT to presigned URLs, lists them, and completes with the ETags they answered', async () => {
    const client = sdkClient(running);
    const key = freshKey();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, ContentType: 'video/mp4' }));
    const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(777)];
    const etags: string[] = [];
    for (const [index, body] of parts.entries()) {
      const answer = await putPart(partUrl(running, key, UploadId!, index + 1, body.length), body);
      expect(answer.status).toBe(200);
      etags.push(answer.etag!);
    }
    // Nothing is visible before Complete.
    expect(await running.bucket.list()).not.toContainEqual(expect.objectContaining({ key }));
    const listed = await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual(parts.map((p, i) => [i + 1, etags[i], p.length]));

    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: PATH_BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: PATH_BUCKET, Key: key }));
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(Buffer.concat(parts)));
  });

  it('pages ListParts like S3 (max-parts, part-number-marker), which the SDK paginator follows', async () => {
    const client = sdkClient(running);
    const key = freshKey();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key }));
    for (const partNumber of [1, 2, 3]) {
      await client.send(new UploadPartCommand({ Bucket: PATH_BUCKET, Key: key, UploadId, PartNumber: partNumber, Body: Buffer.from(`part ${partNumber}`) }));
    }
    const first = await client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId, MaxParts: 2 }));
    expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(first.IsTruncated).toBe(true);
    const second = await client.send(
      new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId, MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker }),
    );
    expect(second.Parts?.map((p) => p.PartNumber)).toEqual([3]);
    expect(second.IsTruncated).toBe(false);
    const paged: number[] = [];
    for await (const page of paginateListParts({ client, pageSize: 2 }, { Bucket: PATH_BUCKET, Key: key, UploadId })) {
      paged.push(...(page.Parts ?? []).map((p) => p.PartNumber!));
    }
    expect(paged).toEqual([1, 2, 3]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, UploadId }));
  });

  it('aborts: the parts are deleted and the upload id is gone', async () => {
    const client = sdkClient(running);
    const key = freshKey();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key }));
    await putPart(partUrl(running, key, UploadId!, 1, 1000), randomBytes(1000));
    await client.send(new AbortMultipartUploadCommand({ Bucket: PATH_BUCKET, Key: key, UploadId }));
    await expect(client.send(new ListPartsCommand({ Bucket: PATH_BUCKET, Key: key, UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    expect(await filesUnder(path.join(running.dataDir, 'multipart', UploadId!))).toEqual([]);
  });
});

describe('assembling many parts', () => {
  it('joins 12 parts byte for byte, in order, with the multipart ETag of 12', async () => {
    const data = randomBytes(11 * 5 * MIB + 999);
    const upload = new Upload({
      client: sdkClient(running),
      params: { Bucket: PATH_BUCKET, Key: freshKey(), Body: data, ContentType: 'video/mp4' },
      partSize: 5 * MIB,
      queueSize: 3,
    });
    const result = await upload.done();
    expect(result.ETag).toMatch(/^"[0-9a-f]{32}-12"$/);
    const got = await sdkClient(running).send(new GetObjectCommand({ Bucket: PATH_BUCKET, Key: result.Key! }));
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(data));
  });
});
