// The streaming side: bounded memory for a large upload, an oversize upload stopped
// as soon as it crosses the limit (and still answered), a client that disconnects
// mid-body, and overwrites that never leave an old or half version behind.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DRAIN_LIMIT_BYTES } from '../../cloud-signer/src/devbucket/respond';
import { eventually, filesUnder, formAroundFile, formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

let running: RunningBucket;

beforeAll(async () => {
  running = await startBucket();
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

/** The form's head and tail around a file of `fileBytes` generated on the fly (never held in memory). */
function streamedForm(fields: Record<string, string>, fileBytes: number) {
  const { head, tail, contentType } = formAroundFile(fields, { filename: 'big.bin', contentType: 'image/png' });
  return { head, tail, contentType, length: head.length + fileBytes + tail.length };
}

/** Sends a form whose file part is `fileBytes` of a repeated 1 MiB chunk, honouring backpressure. */
function sendLarge(url: string, fields: Record<string, string>, fileBytes: number, opts: { abortAfter?: number; tolerateReset?: boolean } = {}) {
  const form = streamedForm(fields, fileBytes);
  const chunk = Buffer.alloc(MiB, 0x5a);
  return new Promise<{ status: number; text: string } | 'aborted'>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (error) => (opts.abortAfter !== undefined || opts.tolerateReset ? resolve('aborted') : reject(error)));
    let sent = 0;
    const pump = () => {
      while (sent < fileBytes) {
        if (opts.abortAfter !== undefined && sent >= opts.abortAfter) {
          req.destroy();
          return;
        }
        const piece = chunk.subarray(0, Math.min(MiB, fileBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(form.tail);
    };
    req.write(form.head);
    pump();
  });
}

async function nothingLeft(): Promise<boolean> {
  return (await filesUnder(running.dataDir)).length === 0 && (await running.bucket.list()).length === 0;
}

it('stores a 256 MiB upload with bounded memory and the right ETag', async () => {
  const size = 256 * MiB;
  const ticket = ticketFor(running, { maxBytes: size });
  const before = process.memoryUsage().rss;
  const answer = await sendLarge(running.endpoint, ticket.fields, size);
  const growth = process.memoryUsage().rss - before;
  expect(answer).toMatchObject({ status: 201 });
  // The budget the issue sets for a 1 GiB upload; a buffering server would need 256 MiB here.
  expect(growth).toBeLessThan(64 * MiB);
  const chunkMd5 = createHash('md5');
  for (let i = 0; i < 256; i += 1) chunkMd5.update(Buffer.alloc(MiB, 0x5a));
  const [stored] = await running.bucket.list();
  expect(stored).toMatchObject({ key: ticket.key, size, etag: `"${chunkMd5.digest('hex')}"` });
  expect(await filesUnder(path.join(running.dataDir, 'tmp'))).toEqual([]);
  await fs.rm(running.dataDir, { recursive: true, force: true });
  await fs.mkdir(path.join(running.dataDir, 'tmp'), { recursive: true });
  await fs.mkdir(path.join(running.dataDir, 'objects'), { recursive: true });
  await fs.mkdir(path.join(running.dataDir, 'meta'), { recursive: true });
}, 60_000);

it('stops an oversize upload at the limit, deletes it, and answers EntityTooLarge', async () => {
  const ticket = ticketFor(running, { maxBytes: 1 * MiB });
  // Over the limit by less than the server is willing to read and discard: the client gets the answer.
  const answer = await sendLarge(running.endpoint, ticket.fields, 1 * MiB + DRAIN_LIMIT_BYTES / 2);
  expect(answer).toMatchObject({ status: 400 });
  expect(answer !== 'aborted' && answer.text).toContain('<Code>EntityTooLarge</Code>');
  expect(await eventually(nothingLeft)).toBe(true);
}, 30_000);

it('cuts off a body far over the limit instead of reading it all, and stores nothing', async () => {
  const ticket = ticketFor(running, { maxBytes: 1 * MiB });
  const started = Date.now();
  // Past the drain limit the server answers and closes: the client sees the answer or a reset.
  const answer = await sendLarge(running.endpoint, ticket.fields, 1024 * MiB, { tolerateReset: true });
  if (answer !== 'aborted') expect(answer.status).toBe(400);
  // A full gigabyte would take seconds; being cut off after ~17 MiB takes a fraction of that.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await eventually(nothingLeft)).toBe(true);
}, 30_000);

it('leaves nothing when the client disconnects mid-body', async () => {
  const ticket = ticketFor(running, { maxBytes: 64 * MiB });
  const seen: string[] = [];
  // Watch tmp/ to prove the upload really had started writing before the drop.
  const watcher = setInterval(() => {
    void filesUnder(path.join(running.dataDir, 'tmp')).then((files) => seen.push(...files));
  }, 5);
  const result = await sendLarge(running.endpoint, ticket.fields, 32 * MiB, { abortAfter: 8 * MiB });
  clearInterval(watcher);
  expect(result).toBe('aborted');
  expect(seen.some((name) => name.endsWith('.part'))).toBe(true);
  expect(await eventually(nothingLeft)).toBe(true);
}, 30_000);

it('replaces an object on a second upload to the same key, keeping one version on disk', async () => {
  const key = 'uploads/2026/11/22/same.png';
  const first = Buffer.from('first version');
  const second = Buffer.from('the second version');
  expect((await post(running, formFor(ticketFor(running, { key }), first))).status).toBe(201);
  expect((await post(running, formFor(ticketFor(running, { key }), second))).status).toBe(201);
  const back = await request(`${running.endpoint}/${key}`);
  expect(back.body.equals(second)).toBe(true);
  expect(await filesUnder(path.join(running.dataDir, 'objects'))).toHaveLength(1);
  expect(await running.bucket.list()).toHaveLength(1);
});
