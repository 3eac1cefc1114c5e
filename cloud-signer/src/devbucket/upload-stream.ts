// The streaming half every upload shares (POST Object and presigned PUT): bytes go
// straight to a temp file with an MD5 for the ETag and a byte count as the only
// per-chunk work, pausing the source while the disk or the hasher catches up.
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { md5For, type Md5Sink } from './md5';
import { S3Error } from './s3-error';
import type { ObjectStore } from './storage';

/**
 * Buffer sizes along the path socket → parser → file → disk, shared out of one budget.
 * Node's defaults (16 KiB) make every stage pause and resume thousands of times per
 * gigabyte, so one large upload gets 1 MiB per stage (1 GiB at ~0.6× a bare pipe-to-file
 * server, ~0.3× with 128 KiB). But 1 MiB each made a hundred parallel uploads hold
 * ~300 MiB, which the C allocator then keeps as RSS long after they are done: past
 * 16 uploads in flight each gets its share of the budget, down to the 64 KiB a socket
 * read delivers anyway.
 */
const STREAM_BUDGET_BYTES = 16 * 1024 * 1024;
const MAX_STREAM_BUFFER_BYTES = 1024 * 1024;
const MIN_STREAM_BUFFER_BYTES = 64 * 1024;
let uploadsInFlight = 0;

/** One upload's buffer size, from when it starts until `release` (call once, when its answer is done). */
export function leaseStreamBuffers(): { bytes: number; release(): void } {
  uploadsInFlight += 1;
  const share = Math.floor(STREAM_BUDGET_BYTES / uploadsInFlight / MIN_STREAM_BUFFER_BYTES) * MIN_STREAM_BUFFER_BYTES;
  let released = false;
  return {
    bytes: Math.max(MIN_STREAM_BUFFER_BYTES, Math.min(MAX_STREAM_BUFFER_BYTES, share)),
    release: () => {
      if (released) return;
      released = true;
      uploadsInFlight -= 1;
    },
  };
}

export interface StreamedUpload {
  /** More than this many bytes fails the upload with EntityTooLarge. */
  maxBytes: number;
  tempPath: string;
  out: WriteStream;
  md5: Md5Sink;
  size: number;
  /** Every byte is on disk. */
  written: boolean;
}

/** A temp file to stream up to `maxBytes` into, hashed on the way (off-thread when `contentLength` is large). */
export function startUpload(store: ObjectStore, maxBytes: number, contentLength: number, bufferBytes: number): StreamedUpload {
  const tempPath = store.tempPath();
  // 'wx': a temp name is never reused, and never follows a link someone left there.
  const out = createWriteStream(tempPath, { flags: 'wx', highWaterMark: bufferBytes });
  return { maxBytes, tempPath, out, md5: md5For(contentLength), size: 0, written: false };
}

export function streamToDisk(file: Readable, upload: StreamedUpload, fail: (error: unknown) => void, written: () => void): void {
  const { out, md5 } = upload;
  const max = upload.maxBytes;
  out.on('error', fail);
  file.on('data', (chunk: Buffer) => {
    upload.size += chunk.length;
    if (upload.size > max) {
      file.removeAllListeners('data');
      file.resume();
      fail(new S3Error(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${max} bytes.`));
      return;
    }
    const hashReady = md5.update(chunk);
    const diskReady = out.write(chunk);
    if (hashReady && diskReady) return;
    // Pause until both the disk and the hasher have caught up.
    file.pause();
    let waiting = Number(!hashReady) + Number(!diskReady);
    const caughtUp = () => {
      waiting -= 1;
      if (waiting === 0) file.resume();
    };
    if (!hashReady) md5.onDrain(caughtUp);
    if (!diskReady) out.once('drain', caughtUp);
  });
  file.once('end', () => out.end());
  out.once('finish', () => {
    upload.written = true;
    written();
  });
}

/** Stops writing and deletes the temp file; resolves once nothing of the upload remains. */
export async function discard(upload: StreamedUpload | undefined): Promise<void> {
  if (!upload) return;
  const { out } = upload;
  upload.md5.abort();
  if (!out.closed) {
    // Wait for the stream to close: deleting before a pending open would let it recreate the file.
    await new Promise<void>((resolve) => {
      out.once('close', resolve);
      out.destroy();
    });
  }
  await fs.rm(upload.tempPath, { force: true });
}
