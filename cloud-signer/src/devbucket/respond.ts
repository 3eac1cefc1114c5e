// Writing the dev bucket's answers: S3-style XML errors with a request id, CORS
// headers a browser-based uploader needs, and a way to answer an error while the
// client is still sending a body it has no use for any more.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './s3-error';
import { errorXml } from './xml';

/** After an error, read and discard at most this much more body so the client can read the answer. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

export const newRequestId = () => randomBytes(8).toString('hex').toUpperCase();

/**
 * The client hung up on its request (node's "aborted", ECONNRESET, also when the body had
 * all arrived and the answer was still being made): nobody is left to answer, and it is how
 * phones behave (a network cut, the app sent to the background), not the bucket's fault to log.
 * (POST and PUT Object see the same as IncompleteBody on the request's close.)
 */
export function clientHungUp(req: IncomingMessage, error: unknown): boolean {
  if (error instanceof S3Error) return false;
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET' || (req.destroyed && !req.complete);
}

/** Browser uploads (an H5 page, the console) need CORS like a real bucket configured for POST. */
export function corsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Location, x-amz-request-id, Content-Range, Accept-Ranges');
}

export function answerPreflight(res: ServerResponse): void {
  corsHeaders(res);
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204).end();
}

export function toS3Error(error: unknown): S3Error {
  // Anything unexpected is our fault; its details stay in our log, not in the answer.
  return error instanceof S3Error ? error : new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = req.method === 'HEAD' ? '' : errorXml(error, new URL(req.url ?? '/', 'http://x').pathname, requestId);
  corsHeaders(res);
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  });
  res.end(body);
}

/**
 * Answers once the rest of the request body has been read and thrown away: most
 * HTTP clients (wx.uploadFile, fetch) report a connection reset, not the answer,
 * when a server closes while they are still sending. Past DRAIN_LIMIT_BYTES the
 * answer goes out at once and the connection is closed behind it.
 */
export function answerAfterBody(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  if (req.complete) {
    if (!res.writableEnded) answer();
    return;
  }
  // The body never finished and the request is gone: the client left, nobody to answer.
  if (req.destroyed) return;
  let discarded = 0;
  let answered = false;
  const once = () => {
    if (answered) return;
    answered = true;
    req.removeListener('data', count);
    answer();
  };
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_LIMIT_BYTES) {
      res.setHeader('Connection', 'close');
      once();
      res.once('finish', () => req.destroy());
    }
  };
  req.on('data', count);
  req.once('end', once);
  req.resume();
}
