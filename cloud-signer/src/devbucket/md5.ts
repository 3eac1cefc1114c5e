// The ETag is the MD5 of the object, and MD5 is the most expensive thing the dev
// bucket does per byte (about twice what multipart parsing costs). For large uploads
// it runs on a worker thread, so hashing proceeds on the second core while the main
// thread parses the next bytes; small uploads hash inline, where a message round trip
// would cost more than the hash.
//
// Memory: the shared buffers the bytes travel through are a fixed pool, handed to the
// worker once and leased per upload. A fresh SharedArrayBuffer per upload was never
// given back (the worker, which allocates almost nothing, rarely collects the copy it
// was sent), so every large upload used to leave 4 MiB behind for good.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface Md5Sink {
  /** Feeds bytes; false means "wait for onDrain before feeding more". */
  update(chunk: Buffer): boolean;
  onDrain(callback: () => void): void;
  digestHex(): Promise<string>;
  /** Forgets the bytes fed so far (the upload failed). */
  abort(): void;
}

/** Bodies above this size hash off the main thread. */
export const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;
/**
 * Bytes reach the worker through a ring of fixed slots in shared memory: one message
 * per full MiB (not per socket read), no allocation per batch (so nothing piles up
 * for a garbage collector), and a hard bound on what one upload can hold.
 */
const SLOT_BYTES = 1024 * 1024;
const SLOTS = 4;
/**
 * Uploads hashing off-thread at once; more run inline (still correct, just on the main
 * thread). Bounds the pool at RING_POOL_SIZE × SLOTS × SLOT_BYTES = 32 MiB.
 */
export const RING_POOL_SIZE = 8;
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 };

export function inlineMd5(): Md5Sink {
  const hash = createHash('md5');
  return {
    update: (chunk) => {
      hash.update(chunk);
      return true;
    },
    onDrain: (callback) => callback(),
    digestHex: async () => hash.digest('hex'),
    abort: () => undefined,
  };
}

// The worker keeps one running hash per upload id. Plain CommonJS, evaluated from
// this string, so the signer stays a single bundled file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const uploads = new Map();
const rings = [];
parentPort.on('message', (m) => {
  if (m.type === 'ring') {
    rings[m.index] = new Uint8Array(m.buffer);
  } else if (m.type === 'open') {
    uploads.set(m.id, { ring: rings[m.ring], hash: createHash('md5') });
  } else if (m.type === 'data') {
    const upload = uploads.get(m.id);
    if (!upload) return;
    upload.hash.update(upload.ring.subarray(m.slot * m.slotBytes, m.slot * m.slotBytes + m.length));
    parentPort.postMessage({ type: 'ack', id: m.id, slot: m.slot });
  } else if (m.type === 'end') {
    const upload = uploads.get(m.id);
    uploads.delete(m.id);
    if (upload) parentPort.postMessage({ type: 'digest', id: m.id, hex: upload.hash.digest('hex') });
  } else if (m.type === 'drop') {
    uploads.delete(m.id);
  }
});
`;

interface Session {
  acked(slot: number): void;
  digested(hex: string): void;
  failed(error: Error): void;
}

let worker: Worker | undefined;
let nextId = 1;
const sessions = new Map<number, Session>();

interface Ring {
  index: number;
  buffer: SharedArrayBuffer;
  bytes: Buffer;
}
/** Every ring ever made (at most RING_POOL_SIZE), and those no upload holds now. */
const rings: Ring[] = [];
const freeRings: Ring[] = [];
/** Rings the current worker has been sent (a restarted worker gets them again). */
let ringsSent = new Set<number>();

/** A ring for one upload, or undefined when RING_POOL_SIZE uploads already hold one. */
function leaseRing(thread: Worker): Ring | undefined {
  let ring = freeRings.pop();
  if (!ring && rings.length < RING_POOL_SIZE) {
    const buffer = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    ring = { index: rings.length, buffer, bytes: Buffer.from(buffer) };
    rings.push(ring);
  }
  if (!ring) return undefined;
  if (!ringsSent.has(ring.index)) {
    thread.postMessage({ type: 'ring', index: ring.index, buffer: ring.buffer });
    ringsSent.add(ring.index);
  }
  return ring;
}

function sharedWorker(): Worker {
  if (worker) return worker;
  // The worker only holds small messages and hash states: a small heap keeps its RSS small.
  const started = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: WORKER_HEAP_LIMITS });
  started.on('message', (m: { type: string; id: number; slot?: number; hex?: string }) => {
    const session = sessions.get(m.id);
    if (m.type === 'ack') session?.acked(m.slot ?? 0);
    else if (m.type === 'digest') session?.digested(m.hex ?? '');
  });
  const fail = (error: Error) => {
    if (worker !== started) return;
    worker = undefined;
    ringsSent = new Set();
    for (const session of sessions.values()) session.failed(error);
    sessions.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`The MD5 worker stopped (exit code ${code}).`)));
  // An idle hasher must never keep the signer (or a test run) alive. Last: adding a
  // 'message' listener refs the worker again.
  started.unref();
  worker = started;
  return started;
}

/** Off-thread when a ring is free, inline otherwise. */
export function offThreadMd5(): Md5Sink {
  const thread = sharedWorker();
  const ring = leaseRing(thread);
  if (!ring) return inlineMd5();
  const id = nextId++;
  const { bytes } = ring;
  let released = false;
  /**
   * Back to the pool once this upload is over. Safe even while the worker still has
   * messages of this upload queued: they only read the ring, the worker handles
   * messages in order, and the next lease's bytes are sent after this upload's end.
   */
  const release = () => {
    if (released) return;
    released = true;
    freeRings.push(ring);
  };
  const free: number[] = Array.from({ length: SLOTS }, (_, slot) => slot);
  let slot = free.shift() as number | undefined;
  let filled = 0;
  /** The part of a chunk that did not fit while every slot was with the worker. */
  let pending: Buffer | undefined;
  let drainWaiter: (() => void) | undefined;
  let failure: Error | undefined;
  let settle: { resolve(hex: string): void; reject(error: Error): void } | undefined;

  const send = () => {
    if (slot === undefined || filled === 0) return;
    thread.postMessage({ type: 'data', id, slot, length: filled, slotBytes: SLOT_BYTES });
    slot = free.shift();
    filled = 0;
  };
  /** Copies as much of `chunk` as the free slots take; returns what is left over. */
  const fill = (chunk: Buffer): Buffer | undefined => {
    let offset = 0;
    while (offset < chunk.length) {
      if (slot === undefined) return chunk.subarray(offset);
      const copied = chunk.copy(bytes, slot * SLOT_BYTES + filled, offset, offset + Math.min(chunk.length - offset, SLOT_BYTES - filled));
      filled += copied;
      offset += copied;
      if (filled === SLOT_BYTES) send();
    }
    return undefined;
  };

  sessions.set(id, {
    acked(done) {
      free.push(done);
      if (slot === undefined) slot = free.shift();
      if (pending) pending = fill(pending);
      if (!pending && drainWaiter) {
        const waiter = drainWaiter;
        drainWaiter = undefined;
        waiter();
      }
    },
    digested(hex) {
      sessions.delete(id);
      release();
      settle?.resolve(hex);
    },
    failed(error) {
      failure = error;
      release();
      settle?.reject(error);
      // Let a paused upload run to its end, where digestHex reports the failure.
      pending = undefined;
      drainWaiter?.();
    },
  });
  thread.postMessage({ type: 'open', id, ring: ring.index });

  return {
    update(chunk) {
      if (failure) return true;
      // Never called while pending: the caller waits for onDrain first.
      pending = fill(chunk);
      return pending === undefined;
    },
    onDrain(callback) {
      if (failure || !pending) callback();
      else drainWaiter = callback;
    },
    digestHex() {
      if (failure) return Promise.reject(failure);
      send();
      return new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
        thread.postMessage({ type: 'end', id });
      });
    },
    abort() {
      sessions.delete(id);
      release();
      drainWaiter = undefined;
      pending = undefined;
      thread.postMessage({ type: 'drop', id });
    },
  };
}

/**
 * Starts the hashing thread ahead of the first large upload, like any thread pool:
 * its fixed footprint (an isolate, ~10 MiB) belongs to the server, not to an upload,
 * and the first large upload does not wait for it to boot.
 */
export function startMd5Worker(): void {
  sharedWorker();
}

/** Inline for small bodies, off-thread for large ones (sized by the request's Content-Length). */
export function md5For(contentLength: number): Md5Sink {
  return contentLength >= OFF_THREAD_MIN_BYTES ? offThreadMd5() : inlineMd5();
}
