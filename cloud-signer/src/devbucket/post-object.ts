// S3 POST Object, streamed: busboy parses the multipart body, the form is verified
// as soon as the file part begins, and the file's bytes go straight to a temp file
// (MD5 for the ETag and a byte count are the only per-chunk work). The object
// appears under its key only after everything has checked out; any failure, a
// client that goes away included, deletes the temp file before anything is answered.
import Busboy from 'busboy';
import { promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertSafeKey } from './object-key';
import { answerAfterBody, corsHeaders, newRequestId, sendError, toS3Error } from './respond';
import { S3Error, invalidArgument, malformedPost } from './s3-error';
import type { ObjectStore } from './storage';
import { discard, startUpload, STREAM_BUFFER_BYTES, streamToDisk, type StreamedUpload } from './upload-stream';
import { verifyPost, type BucketIdentity, type FormFields, type VerifiedPost } from './verify-post';
import { postResponseXml } from './xml';

/** S3 refuses more than 20 KB of form fields before the file part. */
export const MAX_PRE_DATA_BYTES = 20 * 1024;
/** Far more fields than any real form has; a bound so a hostile form cannot grow the map. */
const MAX_FIELDS = 100;
const FILE_FIELD = 'file';
const FILENAME_PLACEHOLDER = '${filename}';

export interface PostContext {
  store: ObjectStore;
  identity: BucketIdentity;
  now: () => Date;
  /** Public URL of a stored key, for the Location the answer carries. */
  objectUrl: (req: IncomingMessage, key: string) => string;
  onError?: (error: unknown) => void;
}

interface FileUpload extends StreamedUpload {
  verified: VerifiedPost;
  key: string;
}

export function handlePostObject(req: IncomingMessage, res: ServerResponse, ctx: PostContext): void {
  const requestId = newRequestId();
  let settled = false;
  let formDone = false;
  let fileSeen = false;
  let upload: FileUpload | undefined;
  const fields: FormFields = new Map();
  let preDataBytes = 0;

  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    if (!(error instanceof S3Error)) ctx.onError?.(error);
    req.unpipe(parser);
    void discard(upload).then(() => {
      // A client that went away gets no answer; there is nobody to read it.
      if (req.destroyed && !req.complete) return;
      answerAfterBody(req, res, () => sendError(req, res, toS3Error(error), requestId));
    });
  };

  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: req.headers,
      limits: { fieldSize: MAX_PRE_DATA_BYTES, fields: MAX_FIELDS, fieldNameSize: MAX_PRE_DATA_BYTES },
      highWaterMark: STREAM_BUFFER_BYTES,
      fileHwm: STREAM_BUFFER_BYTES,
    });
  } catch {
    answerAfterBody(req, res, () => sendError(req, res, malformedPost(), requestId));
    return;
  }

  parser.on('field', (name, value, info) => {
    if (settled) return;
    if (fileSeen) {
      fail(invalidArgument(`The file must be the last field of the form, but the field '${name}' came after it.`));
      return;
    }
    preDataBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (info.nameTruncated || info.valueTruncated || preDataBytes > MAX_PRE_DATA_BYTES) {
      fail(new S3Error(400, 'MaxPostPreDataLengthExceeded', 'Your POST request fields preceding the upload file were too large.'));
      return;
    }
    const lower = name.toLowerCase();
    if (fields.has(lower)) {
      fail(invalidArgument(`The field '${name}' appears more than once in the form.`));
      return;
    }
    fields.set(lower, value);
  });
  parser.on('fieldsLimit', () => fail(invalidArgument(`The form has more than ${MAX_FIELDS} fields.`)));

  parser.on('file', (name, stream, info) => {
    // busboy destroys the file stream with the form's error (say, a body cut short);
    // the parser's own 'error' reports it, this only keeps it from going unhandled.
    stream.on('error', () => undefined);
    if (settled || fileSeen) {
      stream.resume();
      fail(invalidArgument('POST requires exactly one file upload per request.'));
      return;
    }
    fileSeen = true;
    try {
      if (name.toLowerCase() !== FILE_FIELD) throw invalidArgument(`The file must be sent in a field named '${FILE_FIELD}', not '${name}'.`);
      const verified = verifyPost(fields, ctx.identity, ctx.now());
      const key = verified.key.split(FILENAME_PLACEHOLDER).join(info.filename ?? '');
      assertSafeKey(key);
      upload = { ...startUpload(ctx.store, verified.maxBytes, Number(req.headers['content-length'] ?? 0)), verified, key };
    } catch (error) {
      stream.resume();
      fail(error);
      return;
    }
    streamToDisk(stream, upload, fail, () => finish());
  });

  parser.on('close', () => {
    formDone = true;
    finish();
  });
  parser.on('error', () => fail(malformedPost()));

  req.on('close', () => {
    // The socket closed before the whole body arrived: the client gave up.
    if (!req.complete) fail(new S3Error(400, 'IncompleteBody', 'The request body ended before the upload was complete.'));
  });

  const finish = () => {
    if (settled || !formDone) return;
    if (!fileSeen || !upload) {
      fail(invalidArgument('POST requires exactly one file upload per request.'));
      return;
    }
    if (!upload.written) return;
    const done = upload;
    if (done.size < done.verified.minBytes) {
      fail(new S3Error(400, 'EntityTooSmall', `Your proposed upload is smaller than the minimum allowed size of ${done.verified.minBytes} bytes.`));
      return;
    }
    settled = true;
    done.md5
      .digestHex()
      .then(async (hex) => {
        const etag = `"${hex}"`;
        await ctx.store.commit(done.tempPath, { key: done.key, size: done.size, contentType: done.verified.contentType, etag, lastModified: ctx.now() });
        answerSuccess(req, res, ctx, done, etag, requestId);
      })
      .catch(async (error) => {
        ctx.onError?.(error);
        await fs.rm(done.tempPath, { force: true });
        sendError(req, res, toS3Error(error), requestId);
      });
  };

  req.pipe(parser);
}

function answerSuccess(req: IncomingMessage, res: ServerResponse, ctx: PostContext, upload: FileUpload, etag: string, requestId: string): void {
  const location = ctx.objectUrl(req, upload.key);
  corsHeaders(res);
  res.setHeader('ETag', etag);
  res.setHeader('Location', location);
  res.setHeader('x-amz-request-id', requestId);
  const redirect = upload.verified.successRedirect;
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', ctx.identity.bucket);
    target.searchParams.set('key', upload.key);
    target.searchParams.set('etag', etag);
    res.writeHead(303, { Location: target.toString(), 'Content-Length': 0 }).end();
    return;
  }
  const status = upload.verified.successStatus;
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  if (status === 200) {
    res.writeHead(200, { 'Content-Length': 0 }).end();
    return;
  }
  const body = postResponseXml({ location, bucket: ctx.identity.bucket, key: upload.key, etag });
  res.writeHead(201, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
