// `npm run bench:instructions`: the ticket route's cost counted in CPU instructions per request
// instead of timed, for a developer weighing a change to the signer's hot path. On a shared
// machine timed rounds swing by ±3 µs per request, more than most single changes are worth;
// valgrind's callgrind counts the same instructions on every run (within ~1 %), so a change of a
// couple of thousand instructions shows. It needs valgrind (`apt-get install valgrind`); not part
// of the suite.
//
// Each server (the signer, then the bench's fair floor answering as many bytes) runs under
// callgrind with instrumentation off, gets WARM requests so the JIT settles, then has its main
// thread counted over COUNT requests at the bench's 64 connections. Caveats: user space only (the
// kernel's socket work, the same for both, is not counted); valgrind hides SHA-NI, so OpenSSL
// hashes with AVX2 here (~26k of the signer's instructions, several times what SHA-NI spends);
// and at valgrind's pace (~1–2k requests a second) work the signer shares per second (the
// prepared signer) weighs more than under load. `-- --top N` also lists the N costliest
// functions of the signer by name, JIT code included (callgrind-functions.mjs).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { costliestFunctions } from './callgrind-functions.mjs';
import { freePort } from './free-port.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const WARM = Number(process.env.WARM ?? 20_000);
const COUNT = Number(process.env.COUNT ?? 3_000);
const CONNECTIONS = 64;
const topAt = process.argv.indexOf('--top');
const TOP = topAt < 0 ? 0 : Number(process.argv[topAt + 1] ?? 40);
const STARTUP_MS = 5 * 60_000; // the signer's bundle parses slowly under valgrind
const body = JSON.stringify({ files: [{ name: 'IMG_0001.jpg', size: 2345678, type: 'image/jpeg' }] });

if (!Number.isInteger(TOP) || TOP < 0) {
  console.error('usage: npm run bench:instructions [-- --top N]');
  process.exit(2);
}
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('valgrind is not installed: apt-get install valgrind');
  process.exit(1);
}

// callgrind_control reaches the process through FIFOs valgrind names after its prefix, LOGNAME
// and HOST; the signer reads HOST as the address to listen on, so both sides get the same values,
// and the prefix puts the FIFOs in the run's own folder, removed with it.
const identity = { USER: os.userInfo().username, LOGNAME: os.userInfo().username, HOST: '127.0.0.1' };

/** Instructions per request of `script`'s main thread, and the bytes of one answer. */
async function count(name, script, urlPath, envFor) {
  const port = await freePort();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-instructions-'));
  const vgdbPrefix = `--vgdb-prefix=${path.join(work, 'vgdb')}`;
  const stderr = fs.openSync(path.join(work, 'stderr'), 'w');
  // Run from the run's folder: node's --perf-basic-prof leaves its V8 log in the working directory.
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', vgdbPrefix, `--callgrind-out-file=${path.join(work, 'callgrind.%p')}`,
      process.execPath, ...(TOP > 0 ? ['--perf-basic-prof'] : []), path.join(root, script)],
    { cwd: work, env: { ...process.env, ...identity, ...envFor(work), PORT: String(port) }, stdio: ['ignore', 'ignore', stderr] },
  );
  const exited = once(child, 'exit');
  const control = (...args) => execFileSync('callgrind_control', [vgdbPrefix, ...args, String(child.pid)], { env: { ...process.env, ...identity }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}${urlPath}`;
  try {
    let answerBytes = 0;
    for (const startedAt = Date.now(); ; ) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() - startedAt > STARTUP_MS) {
        const said = fs.readFileSync(path.join(work, 'stderr'), 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new Error(`${name} did not start under valgrind:\n${said}`);
      }
      try {
        answerBytes = Buffer.byteLength(await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text());
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const load = async (amount) => {
      const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, amount });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return result.requests.total;
    };
    await load(WARM);
    control('-z');
    control('-i', 'on');
    const requests = await load(COUNT);
    control('-i', 'off');
    control('-d');
    // The dump is one file per thread; the main thread is the one that did nearly all the work.
    let busiest = { instructions: 0, file: '' };
    for (const file of fs.readdirSync(work).filter((f) => f.startsWith('callgrind.'))) {
      const totals = /^totals: (\d+)/m.exec(fs.readFileSync(path.join(work, file), 'utf8'));
      const instructions = totals ? Number(totals[1]) : 0;
      if (instructions > busiest.instructions) busiest = { instructions, file: path.join(work, file) };
    }
    if (busiest.instructions === 0) throw new Error(`${name}: callgrind wrote no counts`);
    const perRequest = busiest.instructions / requests;
    console.log(`${name}: ${Math.round(perRequest).toLocaleString('en')} instructions per request (main thread, ${requests} requests)`);
    if (TOP > 0) {
      for (const [fn, instructions] of costliestFunctions(busiest.file, `/tmp/perf-${child.pid}.map`, requests, TOP)) {
        console.log(`${String(Math.round(instructions)).padStart(8)}  ${fn}`);
      }
    }
    return { perRequest, answerBytes };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 10_000, false))]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    fs.closeSync(stderr);
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(`/tmp/perf-${child.pid}.map`, { force: true });
  }
}

const signerEnv = (work) => ({ UPLOAD_DATA_DIR: work, UPLOAD_AUDIT_LOG: path.join(work, 'audit.log') });
execFileSync(process.execPath, ['scripts/build/signer.mjs'], { cwd: root, stdio: 'ignore' });
// The signer first: the floor then answers exactly as many bytes as a ticket answer has.
const signer = await count('signer', 'cloud-signer/dist/signer.js', '/api/tickets', signerEnv);
const floor = await count('floor', 'scripts/bench/bare-json-server.mjs', '/', () => ({ BODY_BYTES: String(signer.answerBytes) }));
console.log(`the signer's own work: ${Math.round(signer.perRequest - floor.perRequest).toLocaleString('en')} instructions per request (${(signer.perRequest / floor.perRequest).toFixed(2)}× the floor's)`);
