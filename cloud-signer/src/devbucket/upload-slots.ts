// The bytes of every upload in flight pass through one fixed pool of slots in shared
// memory: a chunk from the socket is copied into a slot at once, and the slot (not
// the chunk) is what waits for the disk and the hasher. Why: Node hands out every
// socket read as a fresh allocation (up to 64 KiB). Held in write queues while a
// hundred uploads share the disk, those chunks outlived two scavenges, moved to V8's
// old generation and waited there for a full collection: a hundred parallel 12 MB
// uploads peaked at ~190 MiB of ArrayBuffer memory, mostly dead chunks, and the C
// allocator kept that peak as RSS. Copied on arrival, a chunk is dead at once, and
// its memory is given back then (free-now.ts: even a young dead chunk would wait for a
// collection that its small size in V8's heap rarely triggers).
// The pool bounds what waits in total; an upload that finds no free slot pauses its request.
//
// The pool is one SharedArrayBuffer, so the MD5 worker reads the same slots (it is
// handed the buffer once). Its pages become resident only when a slot is first used,
// and freed slots are reused most-recent first, so a light load touches only a few.

/** One disk write and one hash message per slot. */
export const SLOT_BYTES = 128 * 1024;
/** The pool: POOL_SLOTS × SLOT_BYTES = 8 MiB for every upload in flight together. */
export const POOL_SLOTS = 64;
/** What one upload may hold at once (1 MiB: enough to keep the disk and the hasher busy). */
export const SLOTS_PER_UPLOAD = 8;

export const slotPool = new SharedArrayBuffer(POOL_SLOTS * SLOT_BYTES);
const poolBytes = Buffer.from(slotPool);

/** A slot, named by its byte offset into the pool. */
export type Slot = number;

/** The slot's bytes, `length` of them from its start (a view, nothing copied). */
export function slotBytes(slot: Slot, length = SLOT_BYTES): Buffer {
  return poolBytes.subarray(slot, slot + length);
}

// Stack order (the last freed is the next taken) keeps a light load on a few warm slots.
const free: Slot[] = Array.from({ length: POOL_SLOTS }, (_, i) => (POOL_SLOTS - 1 - i) * SLOT_BYTES);
/** Uploads waiting for a slot, first come first served. */
const waiters: Array<(slot: Slot) => void> = [];

/** A free slot now, or undefined when the pool is empty. */
export function takeSlot(): Slot | undefined {
  return free.pop();
}

/** Hands `slot` to the longest waiting upload, or back to the pool. */
export function giveBackSlot(slot: Slot): void {
  const waiter = waiters.shift();
  if (waiter) waiter(slot);
  else free.push(slot);
}

/** Calls `receive` with the next slot given back; the returned function cancels the wait. */
export function waitForSlot(receive: (slot: Slot) => void): () => void {
  waiters.push(receive);
  return () => {
    const at = waiters.indexOf(receive);
    if (at >= 0) waiters.splice(at, 1);
  };
}

/** Slots held by uploads right now (all of them come back once every upload is over). */
export function slotsInUse(): number {
  return POOL_SLOTS - free.length;
}
