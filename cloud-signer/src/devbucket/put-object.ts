// S3 PUT Object through a presigned URL (UPLOAD_METHOD=put tickets, what R2 needs):
// the query signature is checked before a byte is read, with the request's exact
// Content-Length and Content-Type among what it signs, and the body then takes the
// same path as a POST upload: streamed to a temp file with its MD5, committed under
// the key only once every byte arrived, deleted on any failure.
import { promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertSafeKey } from './object-key';
import { verifyPresignedPut } from './presigned-query';
import { answerAfterBody, corsHeaders, newRequestId, sendError, toS3Error } from './respond';
import { S3Error } from './s3-error';
import type { ObjectStore } from './storage';
import { discard, startUpload, streamToDisk, type StreamedUpload } from './upload-stream';
import type { BucketIdentity } from './verify-post';
import { MAX_POST_OBJECT_BYTES } from './verify-post';

export interface PutContext {
  store: ObjectStore;
  identity: BucketIdentity;
  now: () => Date;
  /** The bucket base URL as the client reached it: the signature covers its host. */
  endpoint: string;
  onError?: (error: unknown) => void;
}

/** S3 answers a PUT without a type with this one. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export function handlePutObject(req: IncomingMessage, res: ServerResponse, key: string, ctx: PutContext): void {
  const requestId = newRequestId();
  let upload: StreamedUpload | undefined;
  let settled = false;
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    if (!(error instanceof S3Error)) ctx.onError?.(error);
    void discard(upload).then(() => {
      if (req.destroyed && !req.complete) return;
      answerAfterBody(req, res, () => sendError(req, res, toS3Error(error), requestId));
    });
  };

  let size: number;
  try {
    assertSafeKey(key);
    verifyPresignedPut(req, key, ctx.endpoint, ctx.identity, ctx.now());
    size = Number(req.headers['content-length']);
    if (size > MAX_POST_OBJECT_BYTES) {
      throw new S3Error(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${MAX_POST_OBJECT_BYTES} bytes.`);
    }
    // Node's parser ends the body at Content-Length, and that length is signed: the ceiling is exact.
    upload = startUpload(ctx.store, size, size);
  } catch (error) {
    fail(error);
    return;
  }
  const done = upload;
  req.on('close', () => {
    if (!req.complete) fail(new S3Error(400, 'IncompleteBody', 'The request body ended before the upload was complete.'));
  });
  streamToDisk(req, done, fail, () => {
    if (settled) return;
    if (done.size !== size) {
      fail(new S3Error(400, 'IncompleteBody', `The body has ${done.size} bytes, not the ${size} of its Content-Length.`));
      return;
    }
    settled = true;
    done.md5
      .digestHex()
      .then(async (hex) => {
        const etag = `"${hex}"`;
        const contentType = req.headers['content-type'] || DEFAULT_CONTENT_TYPE;
        await ctx.store.commit(done.tempPath, { key, size, contentType, etag, lastModified: ctx.now() });
        corsHeaders(res);
        res.writeHead(200, { ETag: etag, 'x-amz-request-id': requestId, 'Content-Length': 0 }).end();
      })
      .catch(async (error) => {
        ctx.onError?.(error);
        await fs.rm(done.tempPath, { force: true });
        sendError(req, res, toS3Error(error), requestId);
      });
  });
}
