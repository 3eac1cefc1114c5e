// Every upload's bytes pass through one fixed pool of shared slots (a bound on what
// all uploads in flight hold together). A slot that never came back would shrink the
// pool for good and, once it is empty, stall every later upload: whatever way an
// upload ends (stored, cut off by its client, refused as too large), its slots return.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { OFF_THREAD_MIN_BYTES } from '../../cloud-signer/src/devbucket/md5';
import { POOL_SLOTS, SLOTS_PER_UPLOAD, slotsInUse } from '../../cloud-signer/src/devbucket/upload-slots';
import { eventually, formAroundFile, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;
const LARGE = 12_000_000;
const SMALL = 3 * MiB + 12345;

let running: RunningBucket;
beforeAll(async () => {
  running = await startBucket();
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

const chunk = Buffer.alloc(MiB, 0x37);
const etagOf = (bytes: number) => {
  const hash = createHash('md5');
  for (let sent = 0; sent < bytes; sent += MiB) hash.update(chunk.subarray(0, Math.min(MiB, bytes - sent)));
  return `"${hash.digest('hex')}"`;
};

/** Sends `bytes` of a repeated chunk as the form's file; `cutAfter` drops the connection after that many. */
function upload(bytes: number, opts: { maxBytes?: number; cutAfter?: number } = {}): Promise<{ status: number; etag?: string } | 'cut'> {
  const ticket = ticketFor(running, { maxBytes: opts.maxBytes ?? 16 * MiB });
  const { head, tail, contentType } = formAroundFile(ticket.fields, { filename: 'big.png', contentType: 'image/png' });
  return new Promise((resolve, reject) => {
    const req = http.request(running.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'Content-Length': String(head.length + bytes + tail.length) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag }));
    });
    req.on('error', (error) => (opts.cutAfter !== undefined || opts.maxBytes !== undefined ? resolve('cut') : reject(error)));
    req.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        if (opts.cutAfter !== undefined && sent >= opts.cutAfter) return void req.destroy();
        const n = Math.min(MiB, bytes - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

test('parallel uploads of every kind give every slot back, and more uploads than the pool serves still complete', async () => {
  expect(LARGE).toBeGreaterThanOrEqual(OFF_THREAD_MIN_BYTES);
  expect(SMALL).toBeLessThan(OFF_THREAD_MIN_BYTES);
  // More uploads than the pool has slots for at SLOTS_PER_UPLOAD each: some must wait for one.
  const parallel = Math.ceil(POOL_SLOTS / SLOTS_PER_UPLOAD) + 4;
  const results = await Promise.all([
    ...Array.from({ length: parallel }, (_, i) => upload(i % 2 ? LARGE : SMALL)),
    upload(LARGE, { cutAfter: 5 * MiB }),
    upload(SMALL, { cutAfter: 2 * MiB }),
    upload(2 * MiB, { maxBytes: 1 * MiB }),
  ]);
  const stored = results.slice(0, parallel);
  expect(stored).toEqual(Array.from({ length: parallel }, (_, i) => ({ status: 201, etag: etagOf(i % 2 ? LARGE : SMALL) })));
  expect(results[parallel]).toBe('cut');
  expect(results[parallel + 1]).toBe('cut');
  const refused = results[parallel + 2];
  if (refused !== 'cut') expect(refused.status).toBe(400);
  expect(await eventually(async () => slotsInUse() === 0, 20_000)).toBe(true);
  // And the pool serves the next upload as the first.
  expect(await upload(LARGE)).toEqual({ status: 201, etag: etagOf(LARGE) });
  expect(await eventually(async () => slotsInUse() === 0, 20_000)).toBe(true);
});

test('clients that send a little and go quiet do not hold the pool: an upload beside more of them than there are slots completes', async () => {
  // Each opens an upload, sends its form head and a few bytes of the file, and then nothing.
  const quiet = await Promise.all(
    Array.from({ length: POOL_SLOTS + 8 }, async () => {
      const ticket = ticketFor(running, { maxBytes: 16 * MiB });
      const { head, contentType } = formAroundFile(ticket.fields, { filename: 'slow.png', contentType: 'image/png' });
      const req = http.request(running.endpoint, { method: 'POST', headers: { 'Content-Type': contentType, 'Content-Length': String(head.length + 10 * MiB) } });
      req.on('error', () => undefined);
      req.write(head);
      req.write(Buffer.alloc(1000, 0x41));
      return req;
    }),
  );
  try {
    // With every slot held by a quiet client this upload would wait for the idle timeout (60 s).
    expect(await upload(SMALL)).toEqual({ status: 201, etag: etagOf(SMALL) });
  } finally {
    for (const req of quiet) req.destroy();
  }
  expect(await eventually(async () => slotsInUse() === 0, 20_000)).toBe(true);
}, 30_000);
