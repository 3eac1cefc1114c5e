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
import type { ObjectLocation, ObjectStore } from './storage';

/** `overrides`: headers a signed link asked for (response-* parameters); the inert-serving headers always win. */
export async function serveObject(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  key: string,
  overrides: Record<string, string> = {},
): Promise<void> {
  const requestId = newRequestId();
  let handle: fs.FileHandle | undefined;
  try {
    // A key the bucket would never have stored cannot exist; don't touch the disk for it.
    const opened = keyProblem(key) ? undefined : await openCurrent(store, key);
    if (!opened) throw noSuchKey();
    const { found } = opened;
    handle = opened.handle;
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
      if (error instanceof S3Error && error.status === 416) res.setHeader('Content-Range', `bytes */${found.size}`);
      throw error;
    }
    if (plan.kind === 'not-modified') {
      await closing(handle);
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
      await closing(handle);
      res.end();
      return;
    }
    const stream = handle.createReadStream(part ? { start: part.first, end: part.last } : {});
    handle = undefined; // the stream closes it now
    // pipeline, not pipe: a reader that hangs up must also close the file (pipe only unpipes).
    pipeline(stream, res, () => undefined);
  } catch (error) {
    // Whatever went wrong after the open (a header node refuses included), the file is closed.
    await closing(handle);
    sendError(req, res, toS3Error(error), requestId);
  }
}

const closing = async (handle: fs.FileHandle | undefined) => handle?.close().catch(() => undefined);

/** Times a read looks the key up again when an overwrite deleted the bytes it found. */
const LOOKUPS = 5;

/**
 * The object as stored now, opened. An overwrite commits by renaming in its metadata and
 * then deleting the bytes it replaced, so a reader that found the old metadata can find
 * its bytes gone: it looks again and opens the new ones, as S3 answers a read racing a
 * write with the old object or the new one, never a 404.
 */
async function openCurrent(store: ObjectStore, key: string): Promise<{ found: ObjectLocation; handle: fs.FileHandle } | undefined> {
  for (let lookup = 0; lookup < LOOKUPS; lookup++) {
    const found = await store.find(key);
    if (!found) return undefined;
    try {
      return { found, handle: await fs.open(found.filePath, 'r') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}
