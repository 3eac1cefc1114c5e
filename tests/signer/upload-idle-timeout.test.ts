// Uploads are cut for stalling, never for being slow (issue 9, item 2). Node's default
// 300 s total requestTimeout failed a 20 MiB photo over a 500 kbit/s uplink at 330 s;
// the signer now has no total request timeout and an idle timeout instead. With a small
// idle timeout injected, an upload that trickles in for several times that long finishes,
// and one that stops sending is cut and leaves no temp file and no object behind.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSigner, type RunningSigner } from '../support/signer';
import type { TicketResponse, UploadTicket } from '../../typings/ticket';

const IDLE_SECONDS = 2;
const CHUNK_BYTES = 2048;
/** Steady progress: a chunk every 100 ms, for far longer than the idle timeout in total. */
const CHUNK_EVERY_MS = 100;
const STEADY_CHUNKS = 60; // ≈ 6 s of uploading, three idle timeouts
const FILE_BYTES = CHUNK_BYTES * STEADY_CHUNKS;

let signer: RunningSigner;

beforeAll(async () => {
  signer = await startSigner({ UPLOAD_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS), UPLOAD_ALLOWED_TYPES: 'application/octet-stream' });
});
afterAll(() => signer.close());

async function ticket(): Promise<UploadTicket> {
  const res = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'slow.bin', size: FILE_BYTES, type: 'application/octet-stream' }] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as TicketResponse).tickets[0];
}

type Outcome = { status: number; body: string; ms: number } | { closedWithoutAnswer: true; ms: number };

/**
 * A multipart POST of the ticket's form whose file part is written `chunks` chunks at a
 * time, one every CHUNK_EVERY_MS; with `stallAfter`, it stops writing after that many
 * chunks and keeps the connection open (the client never gives up by itself).
 */
function paceUpload(t: UploadTicket, stallAfter?: number): Promise<Outcome> {
  const boundary = `----idle${randomBytes(8).toString('hex')}`;
  const head =
    Object.entries(t.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="${t.fileField}"; filename="slow.bin"\r\n` +
    `Content-Type: ${t.contentType}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + FILE_BYTES + Buffer.byteLength(tail);
  const started = Date.now();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const req = http.request(t.url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started }));
    });
    req.on('error', () => {
      clearInterval(timer);
      resolve({ closedWithoutAnswer: true, ms: Date.now() - started });
    });
    req.write(head);
    let sent = 0;
    timer = setInterval(() => {
      if (stallAfter !== undefined && sent >= stallAfter) return; // stalled: nothing more, connection left open
      req.write(randomBytes(CHUNK_BYTES));
      sent++;
      if (sent === STEADY_CHUNKS) {
        clearInterval(timer);
        req.end(tail);
      }
    }, CHUNK_EVERY_MS);
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

test('a slow, steady upload lasting three idle timeouts is stored', async () => {
  const t = await ticket();
  const outcome = await paceUpload(t);
  expect(outcome).toMatchObject({ status: 201 });
  expect(outcome.ms).toBeGreaterThan(IDLE_SECONDS * 1000 * 2); // really was slower than the idle timeout, many times over
  const stored = await fetch(t.objectUrl);
  expect(stored.status).toBe(200);
  expect((await stored.arrayBuffer()).byteLength).toBe(FILE_BYTES);
}, 30_000);

test('an upload that stops sending is cut after the idle timeout, leaving no temp file and no object', async () => {
  const t = await ticket();
  const tmp = path.join(signer.dataDir, 'tmp');
  const pending = paceUpload(t, 10);
  // While it stalls, the bytes it sent sit in a temp file: the thing that must not be left behind.
  let partial: string[] = [];
  for (let waited = 0; partial.length === 0 && waited < 10_000; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
    partial = filesUnder(tmp);
  }
  expect(partial).toHaveLength(1);
  const outcome = await pending;
  expect(outcome).toMatchObject({ closedWithoutAnswer: true });
  // Cut by the idle timeout: not before the stall plus the timeout, and long before any total timeout.
  expect(outcome.ms).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000);
  expect((await fetch(t.objectUrl)).status).toBe(404);
  // The dev bucket removes what it had streamed so far (give its close handler a moment).
  for (let waited = 0; filesUnder(tmp).length > 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  expect(filesUnder(tmp)).toEqual([]);
}, 30_000);
