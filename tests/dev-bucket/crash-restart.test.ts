// Issue 9, item 4, with real crashes: the bundled signer is killed with SIGKILL while
// 16 loops upload through it (some reusing one ticket), several times over one data
// folder. However the kills fell, the next start leaves one bytes file per object,
// metadata only for bytes that exist, no temp file, and every object reads back whole
// with its ETag. (orphans.test.ts builds each leftover by hand, deterministically.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle } from '../support/signer-bundle';
import type { TicketResponse, UploadTicket } from '../../typings/ticket';
import { formFor, request } from '../support/bucket-harness';

jest.setTimeout(90_000);

const KILLS = 4;
const LOOPS = 16;
let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crash-restart-'));
  bundle = path.join(workDir, 'signer.js');
  // scripts/build/signer.mjs itself, into a private file.
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rm(workDir, { recursive: true, force: true }));

function startSigner(dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, [bundle], { cwd: workDir, env: { PATH: process.env.PATH ?? '', PORT: '0', UPLOAD_DATA_DIR: dataDir } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolve({ child, origin: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`signer exited ${code}`)));
  });
}

async function tickets(origin: string, count: number): Promise<UploadTicket[]> {
  const files = Array.from({ length: count }, (_, i) => ({ name: `p${i}.png`, size: 200_000, type: 'image/png' }));
  const res = await fetch(`${origin}/api/tickets`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ files }) });
  return ((await res.json()) as TicketResponse).tickets;
}

/** Uploads in a loop until the signer dies; loops share tickets, so several race for one key. */
async function uploadLoop(ticket: UploadTicket, seed: number): Promise<void> {
  for (let i = 0; ; i++) {
    const body = Buffer.alloc(100_000 + ((seed * 7919 + i * 104729) % 100_000), (seed + i) % 251);
    const form = formFor(ticket, body);
    try {
      await request(ticket.url, { method: 'POST', body: form.body, headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) } });
    } catch {
      return; // the signer was killed
    }
  }
}

test('kills at any point of a commit leave a consistent bucket after the next start', async () => {
  const dataDir = path.join(workDir, 'data');
  for (let kill = 0; kill < KILLS; kill++) {
    const { child, origin } = await startSigner(dataDir);
    const batch = await tickets(origin, LOOPS / 2);
    const loops = Array.from({ length: LOOPS }, (_, i) => uploadLoop(batch[i % batch.length], kill * LOOPS + i));
    await new Promise((r) => setTimeout(r, 300 + kill * 150));
    child.kill('SIGKILL');
    await Promise.all(loops);
  }

  const { child, origin } = await startSigner(dataDir);
  try {
    // The start reconciles the folder before it answers the bucket's first request.
    expect((await request(`${origin}/dev-bucket/uploads/none.png`)).status).toBe(404);
    const objects = (await fs.readdir(path.join(dataDir, 'objects'))).sort();
    const sidecars = await Promise.all(
      (await fs.readdir(path.join(dataDir, 'meta'))).map(async (name) => JSON.parse(await fs.readFile(path.join(dataDir, 'meta', name), 'utf8'))),
    );
    expect(sidecars.length).toBeGreaterThan(0);
    expect(sidecars.map((s) => s.file).sort()).toEqual(objects);
    expect(await fs.readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    for (const sidecar of sidecars) {
      const read = await request(`${origin}/dev-bucket/${sidecar.key}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe(`"${createHash('md5').update(read.body).digest('hex')}"`);
      expect(read.body.length).toBe(sidecar.size);
    }
  } finally {
    child.kill('SIGKILL');
  }
});
