// The engine's own overhead, measured: 20 files of 2 MiB uploaded to the dev bucket of
// a real signer (a) through the engine + the WeChat adapter + the Node-backed `wx`, and
// (b) by bare node:http multipart clients with the tickets fetched up front, both at
// the same concurrency, in the same process and run. Target: (a) ≤ 1.3 × (b), and
// the batch costs one ticket request. Bundled and run by scripts/bench/engine.mjs.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createUploadEngine } from '../../miniprogram/shared/core/engine';
import type { PickedFile, UploadItem } from '../../miniprogram/shared/core/types';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';
import type { TicketResponse, UploadTicket } from '../../typings/ticket';
import { createNodeWx, installNodeWx } from '../../tests/support/node-wx';
import { startSigner, type RunningSigner } from '../../tests/support/signer';

/** The shape: 20 files of 2 MiB, 3 at a time (the engine's default). */
export const FILE_COUNT = 20;
export const FILE_BYTES = 2 * 1024 * 1024;
export const CONCURRENCY = 3;
/** Odd, so the median is one real run; each side runs this often, alternating. */
const DEFAULT_RUNS = 5;
export const TARGET_RATIO = 1.3;

export interface EngineBenchResult {
  /** Median wall time of the engine side (ticket request included: it is the engine's cost). */
  engineMs: number;
  /** Median wall time of the bare clients (tickets fetched before the clock starts). */
  rawMs: number;
  ratio: number;
  /** Ticket requests the engine made for one batch (median run; must be 1). */
  ticketRequests: number;
  /** Most network tasks the Node-backed wx saw at once (WeChat allows 10). */
  maxConcurrentTasks: number;
  engineRuns: number[];
  rawRuns: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function writeFiles(dir: string): PickedFile[] {
  return Array.from({ length: FILE_COUNT }, (_, i) => {
    const name = `bench-${String(i + 1).padStart(2, '0')}.jpg`;
    const file = path.join(dir, name);
    fs.writeFileSync(file, randomBytes(FILE_BYTES));
    return { path: file, name, size: FILE_BYTES, type: 'image/jpeg', kind: 'image' };
  });
}

async function engineRun(origin: string, files: PickedFile[]) {
  const wx = createNodeWx();
  const uninstall = installNodeWx(wx);
  try {
    const engine = createUploadEngine({ signerUrl: origin, transport: createWechatPlatform(), concurrency: CONCURRENCY });
    await engine.loadLimits(); // the page does this on load, before anyone picks a file
    const before = wx.node.network.log.length;
    const settled = new Promise<void>((resolve) => {
      let count = 0;
      engine.on('settled', () => ++count === files.length && resolve());
    });
    const started = performance.now();
    const { accepted, rejected } = await engine.add(files);
    if (rejected.length > 0 || accepted.length !== files.length) throw new Error(`engine refused files: ${rejected.map((r) => r.message).join('; ')}`);
    await settled;
    const ms = performance.now() - started;
    const failed = engine.items().filter((item: UploadItem) => item.status !== 'done');
    if (failed.length > 0) throw new Error(`engine: ${failed.length} uploads did not finish: ${failed[0].error?.message}`);
    const ticketRequests = wx.node.network.log.slice(before).filter((r) => r.api === 'request' && r.url.includes('/api/tickets')).length;
    return { ms, ticketRequests, maxConcurrentTasks: wx.node.network.maxConcurrent };
  } finally {
    uninstall();
    wx.node.dispose();
  }
}

/** One bare multipart POST streamed from disk: the least any client can do. */
function rawUpload(ticket: UploadTicket, file: PickedFile): Promise<void> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    Object.entries(ticket.fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="${ticket.fileField}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(ticket.url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + file.size + tail.length },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === ticket.successStatus ? resolve() : reject(new Error(`raw upload ${res.statusCode}: ${body.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.write(head);
    const stream = fs.createReadStream(file.path);
    stream.on('error', reject);
    stream.on('end', () => req.end(tail));
    stream.pipe(req, { end: false });
  });
}

async function fetchTickets(origin: string, files: PickedFile[]): Promise<UploadTicket[]> {
  const res = await fetch(`${origin}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ files: files.map(({ name, size, type }) => ({ name, size, type })) }),
  });
  const body = (await res.json()) as TicketResponse;
  if (!res.ok || !body.tickets) throw new Error(`tickets: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.tickets;
}

async function rawRun(origin: string, files: PickedFile[]) {
  const tickets = await fetchTickets(origin, files);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      await rawUpload(tickets[i], files[i]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

export async function runEngineBench(options: { runs?: number; log?: (line: string) => void } = {}): Promise<EngineBenchResult> {
  const runs = options.runs ?? (Number(process.env.BENCH_ENGINE_RUNS) || DEFAULT_RUNS);
  const log = options.log ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  let signer: RunningSigner | undefined;
  try {
    const files = writeFiles(dir);
    signer = await startSigner({ UPLOAD_MAX_BYTES: String(FILE_BYTES * 2), UPLOAD_ALLOWED_TYPES: 'image/*' });
    // Warm-up of both paths (JIT, first connections, the bucket's directories), not measured.
    await rawRun(signer.origin, files.slice(0, CONCURRENCY));
    await engineRun(signer.origin, files.slice(0, CONCURRENCY));

    const engineRuns: number[] = [];
    const rawRuns: number[] = [];
    const ticketCounts: number[] = [];
    let maxConcurrentTasks = 0;
    for (let run = 0; run < runs; run++) {
      // Alternate which side goes first so neither always gets the warmer machine.
      const order = run % 2 === 0 ? ['engine', 'raw'] : ['raw', 'engine'];
      for (const side of order) {
        if (side === 'raw') rawRuns.push(await rawRun(signer.origin, files));
        else {
          const r = await engineRun(signer.origin, files);
          engineRuns.push(r.ms);
          ticketCounts.push(r.ticketRequests);
          maxConcurrentTasks = Math.max(maxConcurrentTasks, r.maxConcurrentTasks);
        }
      }
      log(`run ${run + 1}/${runs}: engine ${engineRuns[run].toFixed(0)} ms, raw ${rawRuns[run].toFixed(0)} ms`);
    }
    const engineMs = median(engineRuns);
    const rawMs = median(rawRuns);
    return { engineMs, rawMs, ratio: engineMs / rawMs, ticketRequests: Math.max(...ticketCounts), maxConcurrentTasks, engineRuns, rawRuns };
  } finally {
    await signer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatEngineBench(r: EngineBenchResult): string {
  const ok = r.ratio <= TARGET_RATIO && r.ticketRequests === 1;
  return [
    `engine: ${FILE_COUNT} × ${FILE_BYTES / 1024 / 1024} MiB at concurrency ${CONCURRENCY}, median of ${r.engineRuns.length} runs`,
    `  engine + wx adapter + node wx: ${r.engineMs.toFixed(0)} ms   (runs: ${r.engineRuns.map((v) => v.toFixed(0)).join(', ')})`,
    `  raw node:http clients:         ${r.rawMs.toFixed(0)} ms   (runs: ${r.rawRuns.map((v) => v.toFixed(0)).join(', ')})`,
    `  ratio ${r.ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×), ticket requests per batch: ${r.ticketRequests} (must be 1), ` +
      `most network tasks at once: ${r.maxConcurrentTasks}`,
    `  ${ok ? 'ok' : 'MISS'}`,
  ].join('\n');
}
