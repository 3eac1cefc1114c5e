// Issue 9, item 1: every upload of 8 MiB or more (hashed off-thread) used to keep
// memory it never gave back. Several rounds of parallel 12 MB uploads must leave
// the process's ArrayBuffer memory where it started once garbage is collected.
// (RSS after 400 such uploads is a figure of `npm run bench`, too slow for the suite.)
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OFF_THREAD_MIN_BYTES } from '../../cloud-signer/src/devbucket/md5';
import { formAroundFile, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

jest.setTimeout(120_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const UPLOAD_BYTES = 12_000_000;
const PARALLEL = 8;
const ROUNDS = 3;
/** What may legitimately stay: the fixed pool of upload slots and allocator slack, not a per-upload cost. */
const ALLOWED_GROWTH_BYTES = 40 * MiB;

let running: RunningBucket;
beforeAll(async () => {
  running = await startBucket();
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

/** Streams a form whose file is `bytes` of one repeated chunk, so the test itself holds almost nothing. */
function upload(): Promise<number> {
  const ticket = ticketFor(running, { maxBytes: 16 * MiB });
  const { head, tail, contentType } = formAroundFile(ticket.fields, { filename: 'big.png', contentType: 'image/png' });
  const chunk = Buffer.alloc(MiB, 0x42);
  return new Promise((resolve, reject) => {
    const req = http.request(running.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'Content-Length': String(head.length + UPLOAD_BYTES + tail.length) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < UPLOAD_BYTES) {
        const n = Math.min(chunk.length, UPLOAD_BYTES - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

async function settledArrayBuffers(): Promise<number> {
  // Give the hashing thread's last acks and any closing file handles a moment, then collect.
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  return process.memoryUsage().arrayBuffers;
}

test('rounds of parallel 12 MB uploads leave ArrayBuffer memory at its baseline', async () => {
  expect(UPLOAD_BYTES).toBeGreaterThanOrEqual(OFF_THREAD_MIN_BYTES);
  // One round first, so whatever the bucket keeps for good (its pool of upload slots) is in the baseline.
  expect(await Promise.all(Array.from({ length: PARALLEL }, upload))).toEqual(Array(PARALLEL).fill(201));
  const baseline = await settledArrayBuffers();
  for (let round = 0; round < ROUNDS; round++) {
    const statuses = await Promise.all(Array.from({ length: PARALLEL }, upload));
    expect(statuses).toEqual(Array(PARALLEL).fill(201));
  }
  const after = await settledArrayBuffers();
  expect(after - baseline).toBeLessThan(ALLOWED_GROWTH_BYTES);
});
