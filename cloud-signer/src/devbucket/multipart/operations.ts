// S3's multipart operations on the dev bucket, each signed with SigV4 (header or
// presigned query) by the bucket's own key:
//   POST   /dev-bucket/<key>?uploads                      CreateMultipartUpload
//   PUT    /dev-bucket/<key>?partNumber=N&uploadId=ID     UploadPart (streamed to disk)
//   GET    /dev-bucket/<key>?uploadId=ID                  ListParts
//   POST   /dev-bucket/<key>?uploadId=ID                  CompleteMultipartUpload
//   DELETE /dev-bucket/<key>?uploadId=ID                  AbortMultipartUpload
// Errors are S3's codes and statuses; nothing of an upload is readable before Complete.
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { MAX_PARTS, MAX_PART_BYTES, MIN_PART_BYTES } from '../../../../miniprogram/shared/contract/index';
import { assertSafeKey } from '../object-key';
import { answerAfterBody, clientHungUp, corsHeaders, newRequestId, sendError, toS3Error } from '../respond';
import { S3Error, invalidArgument } from '../s3-error';
import type { BucketIdentity } from '../verify-post';
import { completeResultXml, initiateResultXml, listPartsXml, parseCompleteBody } from './multipart-xml';
import { parseQuery, verifySigV4Request, type RawQuery, type VerifiedRequest } from './sigv4-request';
import type { UploadRecord, UploadStore } from './upload-store';

export interface MultipartContext {
  uploads: UploadStore;
  identity: BucketIdentity;
  now: () => Date;
  /** Largest object Complete may assemble (UPLOAD_MAX_MULTIPART_BYTES on the signer). */
  maxObjectBytes: number;
  objectUrl(req: IncomingMessage, key: string): string;
}

/** ListParts answers at most this many parts a page, as S3 does. */
const MAX_LIST_PARTS = 1000;
/** 10,000 parts of ~110 bytes of XML each, with room to spare. */
const MAX_COMPLETE_BODY_BYTES = 2 * 1024 * 1024;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

const noSuchUpload = () =>
  new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');

/** Whether a dev bucket request is one of the multipart operations (they all carry one of these queries). */
export function isMultipartRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  if (!url.includes('?')) return false;
  const query = parseQuery(url);
  return query.get('uploads') !== undefined || query.get('uploadId') !== undefined;
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  corsHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amz-request-id': requestId });
  res.end(xml);
}

async function uploadFor(ctx: MultipartContext, query: RawQuery, key: string): Promise<UploadRecord> {
  const upload = await ctx.uploads.find(query.get('uploadId') ?? '');
  // An upload id only ever names the key it was created for.
  if (!upload || upload.key !== key) throw noSuchUpload();
  return upload;
}

export async function handleMultipart(req: IncomingMessage, res: ServerResponse, key: string, ctx: MultipartContext): Promise<void> {
  const requestId = newRequestId();
  try {
    assertSafeKey(key);
    const query = parseQuery(req.url ?? '');
    const verified = verifySigV4Request(req, ctx.identity, ctx.now());
    const hasUploadId = query.get('uploadId') !== undefined;
    if (req.method === 'POST' && query.get('uploads') !== undefined && !hasUploadId) {
      await create(req, res, key, ctx, requestId);
    } else if (req.method === 'PUT' && hasUploadId) {
      await uploadPart(req, res, key, query, verified, ctx, requestId);
    } else if (req.method === 'GET' && hasUploadId) {
      await listParts(res, key, query, ctx, requestId);
    } else if (req.method === 'POST' && hasUploadId) {
      await complete(req, res, key, query, verified, ctx, requestId);
    } else if (req.method === 'DELETE' && hasUploadId) {
      await ctx.uploads.remove((await uploadFor(ctx, query, key)).uploadId);
      corsHeaders(res);
      res.writeHead(204, { 'x-amz-request-id': requestId }).end();
    } else {
      throw new S3Error(405, 'MethodNotAllowed', `The specified method ${req.method ?? ''} is not allowed against this resource.`);
    }
  } catch (error) {
    if (clientHungUp(req, error)) {
      res.destroy();
      return;
    }
    const s3Error = toS3Error(error);
    if (s3Error.status >= 500 && !(error instanceof S3Error)) throw error;
    answerAfterBody(req, res, () => sendError(req, res, s3Error, requestId));
  }
}

async function create(req: IncomingMessage, res: ServerResponse, key: string, ctx: MultipartContext, requestId: string): Promise<void> {
  const contentType = req.headers['content-type'] ?? DEFAULT_CONTENT_TYPE;
  const upload = await ctx.uploads.create(key, contentType, ctx.now());
  sendXml(res, 200, initiateResultXml(ctx.identity.bucket, key, upload.uploadId), requestId);
}

function partNumberOf(query: RawQuery): number {
  const text = query.get('partNumber') ?? '';
  const number = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(number >= 1 && number <= MAX_PARTS)) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`);
  }
  return number;
}

async function uploadPart(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  query: RawQuery,
  verified: VerifiedRequest,
  ctx: MultipartContext,
  requestId: string,
): Promise<void> {
  const partNumber = partNumberOf(query);
  const declared = req.headers['content-length'];
  if (declared === undefined || !/^\d+$/.test(declared)) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const length = Number(declared);
  if (length > Math.min(MAX_PART_BYTES, ctx.maxObjectBytes)) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
  }
  const upload = await uploadFor(ctx, query, key);
  const temp = ctx.uploads.partTempPath();
  const md5 = createHash('md5');
  const sha256 = verified.payloadSha256 ? createHash('sha256') : undefined;
  let received = 0;
  try {
    await pipeline(
      req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          md5.update(chunk);
          sha256?.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(temp, { flags: 'wx' }),
    );
    if (received !== length) throw new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    if (sha256 && sha256.digest('hex') !== verified.payloadSha256) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    const etag = `"${md5.digest('hex')}"`;
    // Aborted meanwhile: the part has nowhere to go.
    if (!(await ctx.uploads.find(upload.uploadId))) throw noSuchUpload();
    await ctx.uploads.commitPart(upload.uploadId, partNumber, temp, { size: received, etag, now: ctx.now() });
    corsHeaders(res);
    res.writeHead(200, { ETag: etag, 'Content-Length': 0, 'x-amz-request-id': requestId }).end();
  } catch (error) {
    // Nothing of a failed part is kept, the client hung up or not (handleMultipart tells which).
    await fs.rm(temp, { force: true });
    throw error;
  }
}

async function listParts(res: ServerResponse, key: string, query: RawQuery, ctx: MultipartContext, requestId: string): Promise<void> {
  const upload = await uploadFor(ctx, query, key);
  const markerText = query.get('part-number-marker') ?? '0';
  const maxText = query.get('max-parts') ?? String(MAX_LIST_PARTS);
  if (!/^\d{1,5}$/.test(markerText) || !/^\d{1,6}$/.test(maxText)) throw invalidArgument('part-number-marker and max-parts must be whole numbers.');
  const marker = Number(markerText);
  const maxParts = Math.min(Number(maxText), MAX_LIST_PARTS);
  const after = (await ctx.uploads.parts(upload.uploadId)).filter((p) => p.partNumber > marker);
  const parts = after.slice(0, maxParts);
  const xml = listPartsXml({ bucket: ctx.identity.bucket, key, uploadId: upload.uploadId, marker, maxParts, parts, truncated: after.length > parts.length });
  sendXml(res, 200, xml, requestId);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Uploads being completed right now: a second Complete of the same one waits its turn as S3's would fail. */
const completing = new Set<string>();

async function complete(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  query: RawQuery,
  verified: VerifiedRequest,
  ctx: MultipartContext,
  requestId: string,
): Promise<void> {
  const upload = await uploadFor(ctx, query, key);
  const body = await readBody(req, MAX_COMPLETE_BODY_BYTES);
  if (verified.payloadSha256 && createHash('sha256').update(body).digest('hex') !== verified.payloadSha256) {
    throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const requested = parseCompleteBody(body.toString('utf8'));
  if (requested.length === 0) throw new S3Error(400, 'MalformedXML', 'The XML you provided did not list any parts.');
  if (completing.has(upload.uploadId)) throw new S3Error(409, 'OperationAborted', 'A conflicting operation is in progress on this upload. Please try again.');
  completing.add(upload.uploadId);
  try {
    const stored = new Map((await ctx.uploads.parts(upload.uploadId)).map((p) => [p.partNumber, p]));
    const chosen = requested.map((part, index) => {
      if (index > 0 && part.partNumber <= requested[index - 1].partNumber) {
        throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
      }
      const found = stored.get(part.partNumber);
      if (!found || found.etag !== `"${part.etag}"`) {
        throw new S3Error(400, 'InvalidPart', "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
      }
      return found;
    });
    if (chosen.slice(0, -1).some((part) => part.size < MIN_PART_BYTES.s3)) {
      throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    }
    if (chosen.reduce((sum, part) => sum + part.size, 0) > ctx.maxObjectBytes) {
      throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
    }
    const object = await ctx.uploads.complete(upload, chosen, ctx.now());
    sendXml(res, 200, completeResultXml(ctx.objectUrl(req, key), ctx.identity.bucket, key, object.etag), requestId);
  } finally {
    completing.delete(upload.uploadId);
  }
}
