// `npm run bench` part "signed-in": ticket throughput with sessions, rate limit and a
// daily file quota on, against the same signer without them (anonymous on loopback, no
// limits), in the same run; and the same again with the counters in a real redis-server.
// 64 connections, each its own signed-in user (dev login), one file per request. Both
// signers write their audit log to a file, so the ratio is what sign-in and limits cost.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from './free-port.mjs';

const BODY = JSON.stringify({ files: [{ name: 'IMG_0001.jpg', size: 2345678, type: 'image/jpeg' }] });
// High enough never to refuse during a run: the bench measures the counting, not the refusals.
const LIMITS = { UPLOAD_RATE_PER_MINUTE: '1000000000', UPLOAD_QUOTA_FILES_PER_DAY: '1000000000' };
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef';

function pong(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.on('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await pong(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return { url: `redis://127.0.0.1:${port}`, stop: () => process.kill(child.pid, 'SIGTERM') };
}

/** Sessions for `count` distinct dev-login users. */
async function sessions(origin, count) {
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${origin}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'wechat', code: `dev:bench-${i}` }),
    });
    if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
    tokens.push((await res.json()).token);
  }
  return tokens;
}

async function ticketsPerSecond(origin, tokens, connections, duration) {
  let next = 0;
  const result = await autocannon({
    url: `${origin}/api/tickets`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections,
    duration,
    // One user per connection, as 64 phones would be.
    setupClient: tokens ? (client) => client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % tokens.length]}` }) : undefined,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${origin}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

export async function benchSignedIn({ startProcess, report, connections, duration }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-signed-in-'));
  const env = (name, extra = {}) => ({ UPLOAD_DATA_DIR: path.join(dir, name), UPLOAD_AUDIT_LOG: path.join(dir, `${name}.log`), ...extra });
  const redis = await startRedis();
  const plain = await startProcess('cloud-signer/dist/signer.js', env('plain'), 'http://');
  const guarded = await startProcess('cloud-signer/dist/signer.js', env('guarded', { ...LIMITS, UPLOAD_SESSION_SECRET: SESSION_SECRET }), 'http://');
  const shared = await startProcess(
    'cloud-signer/dist/signer.js',
    env('shared', { ...LIMITS, UPLOAD_SESSION_SECRET: SESSION_SECRET, UPLOAD_REDIS_URL: redis.url }),
    'http://',
  );
  try {
    const tokens = await sessions(guarded.origin, connections);
    // Warm-up each, then measure the baseline between the two it is compared with.
    for (const [origin, t] of [[plain.origin], [guarded.origin, tokens], [shared.origin, tokens]]) await ticketsPerSecond(origin, t, connections, 2);
    // Two alternating rounds, averaged: on a shared machine the load drifts within a run.
    const sum = { withSessions: 0, baseline: 0, withRedis: 0 };
    for (let round = 0; round < 2; round++) {
      sum.withSessions += await ticketsPerSecond(guarded.origin, tokens, connections, duration / 2);
      sum.baseline += await ticketsPerSecond(plain.origin, undefined, connections, duration / 2);
      sum.withRedis += await ticketsPerSecond(shared.origin, tokens, connections, duration / 2);
    }
    const { withSessions, baseline, withRedis } = { withSessions: sum.withSessions / 2, baseline: sum.baseline / 2, withRedis: sum.withRedis / 2 };
    report(`tickets/s signed in + rate limit + file quota (memory), ${connections} users`, withSessions, baseline, 'req/s', 0.8, true);
    report(`tickets/s signed in + rate limit + file quota (Redis), ${connections} users`, withRedis, baseline, 'req/s', 0, true);
  } finally {
    plain.stop();
    guarded.stop();
    // Redis last, once the signer using it has gone: it would report Redis lost otherwise.
    const sharedExited = new Promise((resolve) => shared.child.once('exit', resolve));
    shared.stop();
    await sharedExited;
    redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
