// The streaming half every upload shares (POST Object and presigned PUT): bytes go
// straight to a temp file with an MD5 for the ETag and a byte count as the only
// per-chunk work. Each chunk is copied into a slot of the shared upload pool as it
// arrives (upload-slots.ts says why); a full slot goes to the disk and to the hasher
// at once and returns to the pool when both are done with it. When the upload holds
// SLOTS_PER_UPLOAD slots, or the pool is empty, the source is paused until one comes back.
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { freeAfterThisTurn } from './free-now';
import { md5For, type Md5Sink } from './md5';
import { S3Error } from './s3-error';
import type { ObjectStore } from './storage';
import { giveBackSlot, slotBytes, SLOT_BYTES, SLOTS_PER_UPLOAD, takeSlot, waitForSlot, type Slot } from './upload-slots';

/**
 * What the parser (busboy) and the request may hold while an upload is paused: one
 * socket read (Node delivers at most 64 KiB). The slots do the buffering that keeps
 * the disk busy, so larger stream buffers would only add chunks waiting in queues.
 */
export const STREAM_BUFFER_BYTES = 64 * 1024;

/**
 * A slot is sent on to the disk and the hasher at most this long after its first bytes,
 * full or not. A slow uplink (a phone at 500 kbit/s takes seconds to fill 128 KiB), or a
 * client that sends a few bytes and stops, would otherwise sit on pool memory while its
 * bytes trickle in, and a few dozen of them would hold the whole pool and stall every
 * other upload. A fast upload fills its slots well within it (128 KiB in 50 ms is 2.6 MB/s).
 */
export const PARTIAL_SLOT_MS = 50;

export interface StreamedUpload {
  /** More than this many bytes fails the upload with EntityTooLarge. */
  maxBytes: number;
  tempPath: string;
  out: WriteStream;
  md5: Md5Sink;
  size: number;
  /** Every byte is on disk. */
  written: boolean;
  /** Stops taking bytes and gives back the slots not with the disk or the hasher (set by streamToDisk). */
  stop(): void;
}

/** A temp file to stream up to `maxBytes` into, hashed on the way (off-thread when `contentLength` is large). */
export function startUpload(store: ObjectStore, maxBytes: number, contentLength: number): StreamedUpload {
  const tempPath = store.tempPath();
  // 'wx': a temp name is never reused, and never follows a link someone left there.
  const out = createWriteStream(tempPath, { flags: 'wx' });
  return { maxBytes, tempPath, out, md5: md5For(contentLength), size: 0, written: false, stop: () => undefined };
}

/** A chunk waiting for a slot, `from` bytes of it already copied. */
interface WaitingChunk {
  chunk: Buffer;
  from: number;
}

export function streamToDisk(file: Readable, upload: StreamedUpload, fail: (error: unknown) => void, written: () => void): void {
  const { out, md5 } = upload;
  const max = upload.maxBytes;
  /** The slot being filled, and how far. */
  let current: Slot | undefined;
  let filled = 0;
  /** Slots this upload holds: the one being filled and those with the disk or the hasher. */
  let held = 0;
  /** Chunks that found no free slot, each with how much of it is already copied; the source is paused meanwhile. */
  const pending: WaitingChunk[] = [];
  let cancelWait: (() => void) | undefined;
  let ended = false;
  let stopped = false;
  let closing = false;
  let partialTimer: NodeJS.Timeout | undefined;

  const dispatch = () => {
    if (partialTimer !== undefined) {
      clearTimeout(partialTimer);
      partialTimer = undefined;
    }
    if (current === undefined || filled === 0) return;
    const slot = current;
    const length = filled;
    current = undefined;
    filled = 0;
    let users = 2;
    const done = () => {
      users -= 1;
      if (users > 0) return;
      held -= 1;
      giveBackSlot(slot);
      proceed();
    };
    md5.update(slot, length, done);
    out.write(slotBytes(slot, length), (error) => {
      // A failed or cancelled write may still have the bytes in use until the file is closed.
      if (!error || out.closed) done();
      else out.once('close', done);
    });
  };

  /** A slot to fill, or false (then `proceed` runs again once one is free). */
  const haveSlot = (): boolean => {
    if (current !== undefined) return true;
    if (held >= SLOTS_PER_UPLOAD) return false; // one of ours comes back: proceed runs then
    if (cancelWait) return false;
    const slot = takeSlot();
    if (slot === undefined) {
      cancelWait = waitForSlot((given) => {
        cancelWait = undefined;
        current = given;
        held += 1;
        proceed();
      });
      return false;
    }
    current = slot;
    held += 1;
    return true;
  };

  /**
   * Copies what fits of `chunk` from `from` into slots; true when all of it did (its memory
   * is then freed: free-now.ts says why; the chunk itself waits, not a view of its rest, so it can be).
   */
  const take = (chunk: Buffer, from = 0): boolean => {
    let offset = from;
    while (offset < chunk.length) {
      if (!haveSlot()) {
        pending.push({ chunk, from: offset });
        return false;
      }
      const copied = chunk.copy(slotBytes(current as Slot), filled, offset, offset + Math.min(chunk.length - offset, SLOT_BYTES - filled));
      filled += copied;
      offset += copied;
      if (filled === SLOT_BYTES) dispatch();
    }
    freeAfterThisTurn(chunk);
    return true;
  };

  /** Sends a partly filled slot on PARTIAL_SLOT_MS after its first bytes (it says why). */
  const flushWhenQuiet = () => {
    if (partialTimer !== undefined || current === undefined || filled === 0) return;
    partialTimer = setTimeout(() => {
      partialTimer = undefined;
      if (!stopped && !closing) dispatch();
    }, PARTIAL_SLOT_MS);
  };

  /** After a slot came back: the waiting bytes first, then the source or the end. */
  const proceed = () => {
    if (stopped) return;
    while (pending.length > 0) {
      const next = pending.shift() as WaitingChunk;
      if (!take(next.chunk, next.from)) {
        // take put the rest back at the end; it belongs at the front.
        pending.unshift(pending.pop() as WaitingChunk);
        return;
      }
    }
    if (ended) finishWriting();
    else {
      flushWhenQuiet();
      if (file.isPaused()) file.resume();
    }
  };

  const finishWriting = () => {
    if (closing) return;
    closing = true;
    dispatch();
    out.end();
  };

  upload.stop = () => {
    if (stopped) return;
    stopped = true;
    if (partialTimer !== undefined) clearTimeout(partialTimer);
    partialTimer = undefined;
    cancelWait?.();
    cancelWait = undefined;
    pending.length = 0;
    if (current !== undefined) {
      held -= 1;
      giveBackSlot(current);
      current = undefined;
      filled = 0;
    }
  };

  out.on('error', fail);
  file.on('data', (chunk: Buffer) => {
    if (stopped) return;
    upload.size += chunk.length;
    if (upload.size > max) {
      file.removeAllListeners('data');
      file.resume();
      fail(new S3Error(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${max} bytes.`));
      return;
    }
    // Behind already (a chunk came while pausing): keep the order.
    if (pending.length > 0) pending.push({ chunk, from: 0 });
    else if (take(chunk)) return flushWhenQuiet();
    file.pause();
  });
  file.once('end', () => {
    ended = true;
    if (!stopped && pending.length === 0) finishWriting();
  });
  out.once('finish', () => {
    upload.written = true;
    written();
  });
}

/** Stops writing and deletes the temp file; resolves once nothing of the upload remains. */
export async function discard(upload: StreamedUpload | undefined): Promise<void> {
  if (!upload) return;
  const { out } = upload;
  upload.stop();
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
