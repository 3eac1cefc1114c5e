// `npm run bench`: each figure next to a baseline measured in the same run on the
// same machine, printed as a ratio. Not part of the test suite's pass/fail.
//   1. ticket throughput of POST /api/tickets vs the fair floor: a bare node:http server that
//      reads the same POST body and answers a constant body of a ticket response's size; also the
//      same floor ending its answers per turn of the event loop, as the ticket route does
//   2. a 1 GiB dev bucket upload (time, peak RSS growth) vs a bare pipe-to-file server
//   2b. RSS growth after 400 × 12 MB dev bucket uploads (4 rounds of 100 in parallel)
//   3. 20 × 2 MiB through the engine vs raw parallel HTTP clients (scripts/bench/engine)
//   4. tickets signed in with rate limit and quota, memory and Redis, vs the same signer without (signed-in.mjs)
//   5. 1 GiB in parts through the engine vs raw parallel part PUTs, RSS, re-sent bytes (scripts/bench/multipart)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from './free-port.mjs';
import { benchSignedIn } from './signed-in.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const CONNECTIONS = 64; // the issue's load shape: 64 connections, one file per request
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
// The machine may be shared: several alternating rounds, the median ratio reported with its range.
const TICKET_ROUNDS = Number(process.env.BENCH_TICKET_ROUNDS ?? 5);
const UPLOAD_BYTES = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 ** 3); // 1 GiB
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

const rows = [];
const report = (name, value, baseline, unit, target, higherIsBetter, note) => {
  const ratio = value / baseline;
  const ok = higherIsBetter ? ratio >= target : ratio <= target;
  rows.push({ name, value, baseline, unit, ratio, target: `${higherIsBetter ? '≥' : '≤'} ${target}`, ok, note });
};

async function startProcess(script, env, readyText) {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      if (!out.includes(readyText)) return;
      // Stop gathering: the audit log on stdout would otherwise pile up here during a run.
      child.stdout.off('data', onData);
      resolve();
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
  child.stdout.resume();
  return { child, origin: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const statusKb = (pid, field) => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
  return Number(line.split(/\s+/)[1]);
};

/** Resident KiB of the C allocator's main heap (the [heap] mapping): where freed-but-kept memory shows. */
const cHeapKb = (pid) => {
  const lines = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.endsWith('[heap]'));
  const rss = at < 0 ? undefined : lines.slice(at + 1).find((l) => l.startsWith('Rss:'));
  return rss ? Number(rss.split(/\s+/)[1]) : 0;
};

/** CPU seconds (user + system) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** Requests per second at CONNECTIONS connections, and the server's CPU µs per request. */
async function throughput(proc, pathName, body, seconds = DURATION_S) {
  const cpuBefore = cpuSeconds(proc.child.pid);
  const result = await autocannon({
    url: proc.origin + pathName,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${proc.origin}${pathName}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpuAfter = cpuSeconds(proc.child.pid);
  const cpuUsPerRequest = cpuBefore === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total;
  return { rps: result.requests.average, cpuUsPerRequest };
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchTickets() {
  const body = JSON.stringify({ files: [{ name: 'IMG_0001.jpg', size: 2345678, type: 'image/jpeg' }] });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tickets-'));
  // The audit log goes to a file, as a deployed signer's would: on stdout it would flow
  // through this process, which is also the load generator, and slow it only while the
  // signer runs (the floor prints nothing). The signer still writes every line.
  const signer = await startProcess('cloud-signer/dist/signer.js', { UPLOAD_DATA_DIR: dataDir, UPLOAD_AUDIT_LOG: path.join(dataDir, 'audit.log') }, 'http://');
  // The floor answers exactly a ticket response's bytes, so both move the same bytes.
  const sample = await fetch(`${signer.origin}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const ticketBytes = Buffer.byteLength(await sample.text());
  const floor = await startProcess('scripts/bench/bare-json-server.mjs', { BODY_BYTES: String(ticketBytes) }, 'listening');
  // The same floor ending its answers per turn as the signer does: what that alone is worth.
  const burstFloor = await startProcess('scripts/bench/bare-json-server.mjs', { BODY_BYTES: String(ticketBytes), BURST: '1' }, 'listening');
  try {
    await throughput(floor, '/', body, 2); // warm-up all, then measure alternately
    await throughput(burstFloor, '/', body, 2);
    await throughput(signer, '/api/tickets', body, 2);
    const rounds = [];
    const runs = [
      ['baseline', () => throughput(floor, '/', body)],
      ['burst', () => throughput(burstFloor, '/', body)],
      ['tickets', () => throughput(signer, '/api/tickets', body)],
    ];
    for (let round = 0; round < TICKET_ROUNDS; round++) {
      // The order turns each round, so none of the three always runs after the same one.
      const measured = {};
      for (let i = 0; i < runs.length; i++) {
        const [name, run] = runs[(round + i) % runs.length];
        measured[name] = await run();
      }
      const { baseline, burst, tickets } = measured;
      rounds.push({ baseline, burst, tickets, ratio: tickets.rps / baseline.rps, burstRatio: tickets.rps / burst.rps });
    }
    // The median round (by ratio) is the figure; the spread says how noisy the machine was.
    const mid = rounds.slice().sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
    const ratios = rounds.map((r) => r.ratio);
    const cpu = (pick) => {
      const values = rounds.map(pick).filter((v) => v !== undefined);
      return values.length ? `${median(values).toFixed(0)} µs` : 'n/a';
    };
    report(`tickets/s (POST /api/tickets, ${CONNECTIONS} conns, ${ticketBytes}-byte answers)`, mid.tickets.rps, mid.baseline.rps, 'req/s', 0.8, true,
      `${rounds.length} rounds: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; server CPU per request ${cpu((r) => r.tickets.cpuUsPerRequest)} vs ${cpu((r) => r.baseline.cpuUsPerRequest)}\n` +
        `     vs the floor that also ends its answers per turn (${median(rounds.map((r) => r.burst.rps)).toFixed(0)} req/s, ${cpu((r) => r.burst.cpuUsPerRequest)}): ` +
        `${median(rounds.map((r) => r.burstRatio)).toFixed(2)}× (${Math.min(...rounds.map((r) => r.burstRatio)).toFixed(2)}–${Math.max(...rounds.map((r) => r.burstRatio)).toFixed(2)}×)`);
  } finally {
    signer.stop();
    floor.stop();
    burstFloor.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Streams a multipart form of `bytes` zero-cost bytes to `url`; resolves with status and ms. */
function postMultipart(url, fields, bytes) {
  const boundary = '----bench' + Date.now();
  const head =
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
    `Content-Type: ${fields['Content-Type'] ?? 'application/octet-stream'}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + bytes + Buffer.byteLength(tail);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, text }));
    });
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(CHUNK.length, bytes - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

async function measureUpload(proc, url, fields) {
  const before = statusKb(proc.child.pid, 'VmRSS:');
  const result = await postMultipart(url, fields, UPLOAD_BYTES);
  if (result.status >= 300) throw new Error(`upload answered ${result.status}: ${result.text.slice(0, 300)}`);
  const peakGrowthMiB = (statusKb(proc.child.pid, 'VmHWM:') - before) / 1024;
  return { mbps: UPLOAD_BYTES / 1024 ** 2 / (result.ms / 1000), peakGrowthMiB };
}

async function benchDevBucket() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bucket-'));
  const bareDir = path.join(dataDir, 'bare');
  const signer = await startProcess(
    'cloud-signer/dist/signer.js',
    { UPLOAD_DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(UPLOAD_BYTES), UPLOAD_ALLOWED_TYPES: 'application/octet-stream' },
    'http://',
  );
  const bare = await startProcess('scripts/bench/bare-pipe-server.mjs', { DATA_DIR: bareDir }, 'listening');
  // What either server stored before: a run that follows another writes behind that
  // gigabyte's flush to disk, which slowed whichever ran second (the multipart bench found
  // the same). Each run starts with both stores empty.
  const emptyStores = () => {
    for (const name of ['objects', 'meta', 'bare']) {
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
      fs.mkdirSync(path.join(dataDir, name), { recursive: true });
    }
  };
  const signerRun = async () => {
    const res = await fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ name: 'big.bin', size: UPLOAD_BYTES, type: 'application/octet-stream' }] }),
    });
    const { tickets } = await res.json();
    if (!tickets) throw new Error(`no ticket: ${res.status}`);
    return measureUpload(signer, tickets[0].url, tickets[0].fields);
  };
  try {
    // Two rounds in alternating order (bare, signer, signer, bare); the faster run of each is the figure.
    const runs = { bare: [], signer: [] };
    for (const order of [['bare', 'signer'], ['signer', 'bare']]) {
      for (const which of order) {
        emptyStores();
        runs[which].push(which === 'bare' ? await measureUpload(bare, bare.origin, {}) : await signerRun());
      }
    }
    const best = (list) => list.reduce((a, b) => (b.mbps > a.mbps ? b : a));
    const baseline = best(runs.bare);
    const bucket = best(runs.signer);
    const peak = (list) => Math.max(...list.map((r) => r.peakGrowthMiB));
    const gib = (UPLOAD_BYTES / 1024 ** 3).toFixed(2);
    report(`dev bucket upload MiB/s (${gib} GiB)`, bucket.mbps, baseline.mbps, 'MiB/s', 0.5, true,
      `runs: dev bucket ${runs.signer.map((r) => r.mbps.toFixed(0)).join(', ')}, bare ${runs.bare.map((r) => r.mbps.toFixed(0)).join(', ')} MiB/s`);
    rows.push({ name: `dev bucket peak RSS growth (${gib} GiB)`, value: peak(runs.signer), baseline: peak(runs.bare),
      unit: 'MiB', ratio: peak(runs.signer) / Math.max(peak(runs.bare), 1), target: '< 64 MiB', ok: peak(runs.signer) < 64 });
  } finally {
    signer.stop();
    bare.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// The shape that found the leak of issue 9: rounds of 100 parallel 12 MB uploads.
const LEAK_UPLOAD_BYTES = 12_000_000;
const LEAK_ROUNDS = Number(process.env.BENCH_LEAK_ROUNDS ?? 4);
const LEAK_PARALLEL = 100;
const TICKETS_PER_REQUEST = 20;
const SETTLE_MS = 3000;

async function ticketsFor(origin, count, bytes) {
  const tickets = [];
  while (tickets.length < count) {
    const files = Array.from({ length: Math.min(TICKETS_PER_REQUEST, count - tickets.length) }, (_, i) => ({ name: `p${i}.jpg`, size: bytes, type: 'image/jpeg' }));
    const res = await fetch(`${origin}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files }) });
    const body = await res.json();
    if (!body.tickets) throw new Error(`no tickets: ${res.status} ${JSON.stringify(body)}`);
    tickets.push(...body.tickets);
  }
  return tickets;
}

/**
 * Idle RSS, RSS after each of LEAK_ROUNDS rounds of LEAK_PARALLEL parallel uploads sent by
 * `sendRound`, and SETTLE_MS later; plus how much of the growth is the C allocator's main
 * heap (memory freed but kept by malloc shows there).
 */
async function memoryRounds(proc, dataDir, sendRound) {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const before = statusKb(proc.child.pid, 'VmRSS:') / 1024;
  const heapBefore = cHeapKb(proc.child.pid) / 1024;
  const afterRound = [];
  for (let i = 0; i < LEAK_ROUNDS; i++) {
    const results = await sendRound();
    const bad = results.find((r) => r.status >= 300);
    if (bad) throw new Error(`upload answered ${bad.status}: ${bad.text.slice(0, 300)}`);
    // Only the bytes' count matters here; the stored objects would fill the disk.
    for (const name of ['objects', 'meta']) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    for (const name of ['objects', 'meta']) fs.mkdirSync(path.join(dataDir, name));
    afterRound.push(Math.round(statusKb(proc.child.pid, 'VmRSS:') / 1024));
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const after = statusKb(proc.child.pid, 'VmRSS:') / 1024;
  const heapGrowth = cHeapKb(proc.child.pid) / 1024 - heapBefore;
  const text = `idle ${before.toFixed(0)} MiB, after each round ${afterRound.join(' → ')} MiB, ${SETTLE_MS / 1000} s later ${after.toFixed(0)} MiB` +
    ` (C allocator's main heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(0)} MiB of it)`;
  return { before, afterRound, after, text };
}

async function benchUploadMemory() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-leak-'));
  const signer = await startProcess('cloud-signer/dist/signer.js', { UPLOAD_DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(16 * 1024 ** 2) }, 'http://');
  const total = LEAK_ROUNDS * LEAK_PARALLEL;
  try {
    // Baseline: the idle signer (its MD5 thread starts with it).
    const { before, afterRound, after, text } = await memoryRounds(signer, dataDir, async () => {
      const tickets = await ticketsFor(signer.origin, LEAK_PARALLEL, LEAK_UPLOAD_BYTES);
      return Promise.all(tickets.map((t) => postMultipart(t.url, t.fields, LEAK_UPLOAD_BYTES)));
    });
    console.log(`dev bucket RSS: ${text}`);
    rows.push({ name: `dev bucket RSS growth after ${total} × 12 MB uploads (${LEAK_PARALLEL} parallel), from idle`, value: after - before, baseline: before,
      unit: 'MiB', ratio: (after - before) / before, target: '< 64 MiB', ok: after - before < 64 });
    // From the end of the first round: what a leak adds per upload, without the one-off
    // growth of the first hundred parallel uploads (V8's young generation, the upload slots, allocator arenas).
    const warm = afterRound[0];
    rows.push({ name: `dev bucket RSS growth over the last ${total - LEAK_PARALLEL} of them`, value: after - warm, baseline: warm,
      unit: 'MiB', ratio: (after - warm) / warm, target: '< 64 MiB', ok: after - warm < 64 });
  } finally {
    signer.stop();
  }
  // For reference, the same load on a bare node:http pipe-to-file server: what Node itself
  // keeps (V8's young generation grown to its maximum, socket reads freed but kept by malloc).
  const bare = await startProcess('scripts/bench/bare-pipe-server.mjs', { DATA_DIR: path.join(dataDir, 'objects') }, 'listening');
  try {
    const { text } = await memoryRounds(bare, dataDir, () => Promise.all(Array.from({ length: LEAK_PARALLEL }, () => postMultipart(bare.origin, {}, LEAK_UPLOAD_BYTES))));
    console.log(`bare pipe server RSS, same load: ${text}`);
  } finally {
    bare.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchEngine() {
  const bench = path.join(root, 'scripts/bench/engine.mjs');
  if (!fs.existsSync(bench)) return;
  const { runEngineBench } = await import(bench);
  const r = await runEngineBench();
  report(`engine: 20 × 2 MiB wall ms (${r.ticketRequests} ticket request)`, r.engineMs, r.rawMs, 'ms', 1.3, false);
}

async function benchMultipart() {
  const { runMultipartBench } = await import(path.join(root, 'scripts/bench/multipart.mjs'));
  const r = await runMultipartBench({ log: (line) => console.log(`multipart: ${line}`) });
  const gib = (r.bytes / 1024 ** 3).toFixed(2);
  report(`multipart: ${gib} GiB through engine + wx adapter, wall ms`, r.engineMs, r.rawMs, 'ms', 1.3, false);
  const partMiB = r.partBytes / 1024 ** 2;
  rows.push({ name: `multipart: parts re-sent after a cut at 60% (${partMiB} MiB parts)`, value: r.resentParts, baseline: Math.ceil(r.bytes / r.partBytes),
    unit: 'parts', ratio: r.resentBytes / r.bytes, target: '≤ 2 parts', ok: r.resentParts <= 2 });
  rows.push({ name: `multipart: signer peak RSS growth (${gib} GiB)`, value: r.signerPeakGrowthMiB, baseline: r.appPeakGrowthMiB,
    unit: 'MiB (app side as baseline)', ratio: r.signerPeakGrowthMiB / Math.max(r.appPeakGrowthMiB, 1), target: 'report', ok: true });
}

const only = process.argv[2];
const signedIn = () => benchSignedIn({ startProcess, report, connections: CONNECTIONS, duration: DURATION_S });
const benchBucket = async () => {
  await benchDevBucket();
  await benchUploadMemory();
};
for (const [name, run] of [['tickets', benchTickets], ['bucket', benchBucket], ['engine', benchEngine], ['signed-in', signedIn], ['multipart', benchMultipart]]) {
  if (!only || only === name) await run();
}

const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}\n`);
for (const r of rows) {
  console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${fmt(r.value)} ${r.unit} vs baseline ${fmt(r.baseline)} ${r.unit} → ${r.ratio.toFixed(2)}× (target ${r.target})${r.note ? `\n     ${r.note}` : ''}`);
}
