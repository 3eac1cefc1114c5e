// `npm run bench:instructions`: the ticket route's cost counted in CPU instructions per request
// instead of timed, for a developer weighing a change to the signer's hot path. On a shared
// machine timed rounds swing by ±3 µs per request, more than most single changes are worth;
// valgrind's callgrind counts the same instructions on every run (±1 %), so a change of a few
// hundred instructions shows. It needs valgrind (`apt-get install valgrind`); not part of the suite.
//
// Each server (the bench's fair floor, then the signer) runs under callgrind with instrumentation
// off, gets WARM requests so the JIT settles, then has its main thread counted over COUNT requests
// at the bench's 64 connections. Caveats: user space only (the kernel's socket work, the same for
// both, is not counted); valgrind hides SHA-NI, so OpenSSL hashes with AVX2 here (~26k of the
// signer's instructions, several times what SHA-NI spends); and at valgrind's pace (~1–2k requests
// a second) work the signer shares per second (the prepared signer) weighs more than under load.
// With --top N it also lists the N costliest functions of the signer by name, JIT code included.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from './free-port.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const WARM = Number(process.env.WARM ?? 20_000);
const COUNT = Number(process.env.COUNT ?? 3_000);
const CONNECTIONS = 64;
const topArg = process.argv.indexOf('--top');
const TOP = topArg >= 0 ? Number(process.argv[topArg + 1] ?? 40) : 0;
const body = JSON.stringify({ files: [{ name: 'IMG_0001.jpg', size: 2345678, type: 'image/jpeg' }] });

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('valgrind is not installed: apt-get install valgrind');
  process.exit(0);
}

// callgrind_control finds the process by a FIFO valgrind names after LOGNAME and HOST, and
// the signer reads HOST as the address to listen on: both sides get the same values.
const identity = { USER: os.userInfo().username, LOGNAME: os.userInfo().username, HOST: '127.0.0.1' };
const control = (pid, ...args) => execFileSync('callgrind_control', [...args, String(pid)], { env: { ...process.env, ...identity }, stdio: 'ignore' });

async function count(name, script, urlPath, env) {
  const port = await freePort();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-instructions-'));
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${work}/callgrind.%p`, process.execPath, ...(TOP > 0 ? ['--perf-basic-prof'] : []), script],
    { cwd: root, env: { ...process.env, ...identity, ...env(work), PORT: String(port) }, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}${urlPath}`;
  let answerBytes = 0;
  try {
    for (let tries = 0; ; tries++) {
      try {
        answerBytes = Buffer.byteLength(await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text());
        break;
      } catch (error) {
        if (tries > 600) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const load = async (amount) => {
      const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, amount });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return result.requests.total;
    };
    await load(WARM);
    control(child.pid, '-z');
    control(child.pid, '-i', 'on');
    const requests = await load(COUNT);
    control(child.pid, '-i', 'off');
    control(child.pid, '-d');
    // The dump is one file per thread; the main thread is the one that did nearly all the work.
    let busiest = { instructions: 0, file: '' };
    for (const file of fs.readdirSync(work).filter((f) => f.startsWith('callgrind.'))) {
      const totals = /^totals: (\d+)/m.exec(fs.readFileSync(path.join(work, file), 'utf8'));
      const instructions = totals ? Number(totals[1]) : 0;
      if (instructions > busiest.instructions) busiest = { instructions, file: path.join(work, file) };
    }
    const perRequest = busiest.instructions / requests;
    console.log(`${name}: ${Math.round(perRequest).toLocaleString('en')} instructions per request (main thread, ${requests} requests)`);
    if (TOP > 0 && name === 'signer') printTop(busiest.file, `/tmp/perf-${child.pid}.map`, requests);
    return { perRequest, answerBytes };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(`/tmp/perf-${child.pid}.map`, { force: true });
  }
}

/** Self instructions per request by function; JIT code named from node's perf map. */
function printTop(callgrindFile, perfMap, requests) {
  const ranges = fs.existsSync(perfMap)
    ? fs.readFileSync(perfMap, 'utf8').trim().split('\n').map((line) => {
        const [start, size, ...label] = line.split(' ');
        return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: label.join(' ') };
      }).sort((a, b) => a.start - b.start)
    : [];
  const jitName = (address) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ranges[mid].end <= address) low = mid + 1;
      else if (ranges[mid].start > address) high = mid - 1;
      else return `JS ${ranges[mid].name.replace(/^JS:[*~^+-]?/, '')}`;
    }
    return 'JIT code';
  };
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', callgrindFile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const byName = new Map();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!match || match[2].includes('PROGRAM TOTALS')) continue;
    const address = /^\?\?\?:0x([0-9a-f]+)/.exec(match[2]);
    const name = address ? jitName(parseInt(address[1], 16)) : match[2].replace(/\(.*$/, '').replace(/^\?\?\?:/, '').slice(0, 100);
    byName.set(name, (byName.get(name) ?? 0) + Number(match[1].replaceAll(',', '')) / requests);
  }
  for (const [name, instructions] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${String(Math.round(instructions)).padStart(8)}  ${name}`);
  }
}

const dataDir = (work) => ({ UPLOAD_DATA_DIR: work, UPLOAD_AUDIT_LOG: path.join(work, 'audit.log') });
execFileSync(process.execPath, ['scripts/build/signer.mjs'], { cwd: root, stdio: 'ignore' });
// The signer first: the floor then answers exactly as many bytes as a ticket answer has.
const signer = await count('signer', 'cloud-signer/dist/signer.js', '/api/tickets', dataDir);
const floor = await count('floor', 'scripts/bench/bare-json-server.mjs', '/', () => ({ BODY_BYTES: String(signer.answerBytes) }));
console.log(`the signer's own work: ${Math.round(signer.perRequest - floor.perRequest).toLocaleString('en')} instructions per request (${(signer.perRequest / floor.perRequest).toFixed(2)}× the floor's)`);
