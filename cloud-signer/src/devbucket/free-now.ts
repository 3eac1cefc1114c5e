// Gives a body chunk's memory back to the C allocator now, instead of at V8's next full
// collection. Why: every socket read reaches the dev bucket as a fresh allocation of up
// to 64 KiB, copied into the upload pool on arrival (upload-slots.ts) and dead from then
// on. But a chunk adds almost nothing to V8's own heap, so V8 collects the dead ones only
// when their external size forces a full collection: with a hundred uploads at once that
// was 60–120 MB of dead chunks between collections, a peak the C allocator then keeps as
// RSS (it returns only the top of its heap, and node cannot ask it to trim).
//
// Node 20 has no ArrayBuffer.prototype.transfer, and no call that frees a buffer; what it
// has is the structured-clone transfer of HTML's postMessage: a transferred ArrayBuffer is
// detached and its memory moves into the message. Posted to a port whose other end is
// closed, the message is dropped at once (the HTML rule node follows), and the memory
// with it. ~2 µs a chunk, batched.
import { MessageChannel } from 'node:worker_threads';

// Closed when the module loads, long before the first upload: a message posted before the
// close has gone through would wait in the port until it has (and be freed only then).
const channel = new MessageChannel();
const sink = channel.port1;
channel.port2.close();

/** Memory to free once the code running now is done (a set: the same chunk may come twice). */
let waiting = new Set<ArrayBuffer>();

function freeWaiting(): void {
  const batch = [...waiting];
  waiting = new Set();
  try {
    sink.postMessage(undefined, batch);
  } catch {
    // A buffer that cannot be transferred (one made untransferable) stays for the GC: nothing is lost.
  }
}

/**
 * Frees the memory under `chunk` once the code running now is done (the parser that
 * handed it out may still be reading the rest of the same socket read until then). Only for a
 * chunk nothing else will read again: after this, every view of its memory is empty.
 * Only a chunk that is the whole of its memory, and larger than node's shared 8 KiB pool
 * slabs: a view of part of a buffer (a form's file bytes between its boundaries, a small
 * buffer cut from a slab) may share that memory with bytes still to be read, so it is left
 * to the GC (a form's first and last chunk; the middle ones are whole socket reads).
 */
export function freeAfterThisTurn(chunk: Buffer): void {
  const memory = chunk.buffer;
  if (!(memory instanceof ArrayBuffer) || memory.byteLength <= Buffer.poolSize) return;
  if (chunk.byteOffset !== 0 || chunk.byteLength !== memory.byteLength) return;
  if (waiting.size === 0) queueMicrotask(freeWaiting);
  waiting.add(memory);
}
