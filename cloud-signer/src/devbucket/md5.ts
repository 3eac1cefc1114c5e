// The ETag is the MD5 of the object, and MD5 is the most expensive thing the dev
// bucket does per byte (about twice what multipart parsing costs). For large uploads
// it runs on a worker thread, so hashing proceeds on the second core while the main
// thread parses the next bytes; small uploads hash inline, where a message round trip
// would cost more than the hash.
//
// Both hash the slots of the upload pool (upload-slots.ts): the worker is handed the
// pool once and gets one small message per full slot, so nothing is allocated or
// copied per batch and the worker's heap stays tiny. A slot is only given back to
// the pool once the hash is done with it (`done`).
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { slotBytes, slotPool, type Slot } from './upload-slots';

export interface Md5Sink {
  /** Hashes the first `length` bytes of `slot`, after every slot given before; `done` once it may be reused. */
  update(slot: Slot, length: number, done: () => void): void;
  digestHex(): Promise<string>;
  /** Forgets the bytes fed so far (the upload failed); `done` still comes for every slot given. */
  abort(): void;
}

/** Bodies above this size hash off the main thread. */
export const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 };

export function inlineMd5(): Md5Sink {
  const hash = createHash('md5');
  return {
    update: (slot, length, done) => {
      hash.update(slotBytes(slot, length));
      done();
    },
    digestHex: async () => hash.digest('hex'),
    abort: () => undefined,
  };
}

// The worker keeps one running hash per upload id and acknowledges every slot, even
// one of an upload it already dropped, so the slot always comes back. Plain CommonJS,
// evaluated from this string, so the signer stays a single bundled file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const pool = new Uint8Array(workerData.pool);
const uploads = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    uploads.set(m.id, createHash('md5'));
  } else if (m.type === 'data') {
    uploads.get(m.id)?.update(pool.subarray(m.slot, m.slot + m.length));
    parentPort.postMessage({ type: 'ack', id: m.id });
  } else if (m.type === 'end') {
    const hash = uploads.get(m.id);
    uploads.delete(m.id);
    parentPort.postMessage({ type: 'digest', id: m.id, hex: hash ? hash.digest('hex') : '' });
  } else if (m.type === 'drop') {
    uploads.delete(m.id);
    parentPort.postMessage({ type: 'dropped', id: m.id });
  }
});
`;

interface Session {
  acked(): void;
  digested(hex: string): void;
  dropped(): void;
  failed(error: Error): void;
}

let worker: Worker | undefined;
let nextId = 1;
const sessions = new Map<number, Session>();

function sharedWorker(): Worker {
  if (worker) return worker;
  // The worker only holds small messages and hash states: a small heap keeps its RSS small.
  const started = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: WORKER_HEAP_LIMITS, workerData: { pool: slotPool } });
  started.on('message', (m: { type: string; id: number; hex?: string }) => {
    const session = sessions.get(m.id);
    if (m.type === 'ack') session?.acked();
    else if (m.type === 'digest') session?.digested(m.hex ?? '');
    else if (m.type === 'dropped') session?.dropped();
  });
  const fail = (error: Error) => {
    if (worker !== started) return;
    worker = undefined;
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

export function offThreadMd5(): Md5Sink {
  const thread = sharedWorker();
  const id = nextId++;
  /** One per slot with the worker, in the order given: it acknowledges in that order. */
  const waiting: Array<() => void> = [];
  let failure: Error | undefined;
  let settle: { resolve(hex: string): void; reject(error: Error): void } | undefined;
  /** Nothing read by the worker any more: every slot still waiting may be reused. */
  const releaseAll = () => {
    for (const done of waiting.splice(0)) done();
  };

  sessions.set(id, {
    acked: () => waiting.shift()?.(),
    digested(hex) {
      sessions.delete(id);
      settle?.resolve(hex);
    },
    dropped() {
      sessions.delete(id);
      releaseAll();
    },
    failed(error) {
      failure = error;
      releaseAll();
      settle?.reject(error);
    },
  });
  thread.postMessage({ type: 'open', id });

  return {
    update(slot, length, done) {
      if (failure) return done();
      waiting.push(done);
      thread.postMessage({ type: 'data', id, slot, length });
    },
    digestHex() {
      if (failure) return Promise.reject(failure);
      return new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
        thread.postMessage({ type: 'end', id });
      });
    },
    abort() {
      if (failure || !sessions.has(id)) return;
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
