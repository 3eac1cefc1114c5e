// GET and HEAD of a stored object: streamed from disk with the Content-Type it was
// uploaded with, its length and ETag. Uploaded content is whatever a client sent, so
// it is served inert: no MIME sniffing, and a sandbox CSP in case a policy ever let
// HTML or SVG through (an <img> of it still renders; a page of it cannot run script).
import { promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { keyProblem } from './object-key';
import { planRead } from './read-conditions';
import { corsHeaders, newRequestId, sendError, toS3Error } from './respond';
import { S3Error, noSuchKey } from './s3-error';
import type { ObjectStore } from './storage';

/** `overrides`: headers a signed link asked for (response-* parameters); the inert-serving headers always win. */
export async function serveObject(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  key: string,
  overrides: Record<string, string> = {},
): Promise<void> {
  const requestId = newRequestId();
  try {
    // A key the bucket would never have stored cannot exist; don't touch the disk for it.
    const found = keyProblem(key) ? undefined : await store.find(key);
    // Open before answering: an overwrite may replace the bytes between find and open.
    const handle = found ? await fs.open(found.filePath, 'r').catch(() => undefined) : undefined;
    if (!found || !handle) throw noSuchKey();
    corsHeaders(res);
    const headers = {
      'Content-Type': found.contentType,
      ETag: found.etag,
      'Last-Modified': found.lastModified.toUTCString(),
      'Cache-Control': 'no-cache',
      ...overrides,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'x-amz-request-id': requestId,
      'Accept-Ranges': 'bytes',
    };
    let plan;
    try {
      plan = planRead(req.headers, found.etag, found.size, found.lastModified);
    } catch (error) {
      await handle.close();
      if (error instanceof S3Error && error.status === 416) res.setHeader('Content-Range', `bytes */${found.size}`);
      throw error;
    }
    if (plan.kind === 'not-modified') {
      await handle.close();
      res.writeHead(304, headers).end();
      return;
    }
    const part = plan.kind === 'part' ? plan : undefined;
    if (part) {
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${part.first}-${part.last}/${found.size}`, 'Content-Length': part.last - part.first + 1 });
    } else {
      res.writeHead(200, { ...headers, 'Content-Length': found.size });
    }
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    // pipeline, not pipe: a reader that hangs up must also close the file (pipe only unpipes).
    pipeline(handle.createReadStream(part ? { start: part.first, end: part.last } : {}), res, () => undefined);
  } catch (error) {
    sendError(req, res, toS3Error(error), requestId);
  }
}
