// Several signers, one state: two signer PROCESSES (the bundled npm start entry) share a
// real redis-server started on a free loopback port. A quota of N files holds across
// both, a session from one is accepted by the other, and with Redis stopped tickets are
// refused with 503 LimitsUnavailable, never issued unlimited.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle } from '../../support/signer-bundle';
import { askTickets, photo, postJson } from '../../support/api-helpers';
import { startRedis, type RunningRedis } from '../../support/redis-server';

jest.setTimeout(60_000);

const QUOTA = 5;
let workDir: string;
let redis: RunningRedis;
const signers: { child: ChildProcess; origin: string }[] = [];

function startSignerProcess(bundle: string, env: Record<string, string>): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, [bundle], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, origin: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`signer exited ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-redis-'));
  const bundle = path.join(workDir, 'signer.js');
  await buildSignerBundle(bundle);
  redis = await startRedis();
  const env = {
    UPLOAD_REDIS_URL: redis.url,
    UPLOAD_SESSION_SECRET: 'shared-session-secret-of-32-characters-or-more',
    UPLOAD_QUOTA_FILES_PER_DAY: String(QUOTA),
    UPLOAD_AUDIT_LOG: path.join(workDir, 'audit.log'),
  };
  for (const name of ['a', 'b']) {
    signers.push(await startSignerProcess(bundle, { ...env, UPLOAD_DATA_DIR: path.join(workDir, `data-${name}`) }));
  }
});

afterAll(async () => {
  for (const { child } of signers) {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  await redis?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('a quota of N files holds across two signers; a session from one works at the other; Redis stopped → 503, no ticket', async () => {
  const [a, b] = signers;
  const login = await postJson(a.origin, '/api/sessions', { platform: 'wechat', code: 'dev:shared-user' });
  expect(login.status).toBe(200);
  const auth = { authorization: `Bearer ${login.json.token}` };
  const batch = (count: number) => ({ files: Array.from({ length: count }, (_, i) => photo({ name: `p${i}.jpg` })) });

  // 3 at A, 2 at B: the quota of 5 is used up between them.
  expect((await askTickets(a.origin, batch(3), auth)).json.tickets).toHaveLength(3);
  const atB = await askTickets(b.origin, batch(2), auth);
  expect(atB.status).toBe(200);
  expect(atB.json.tickets[0].key.startsWith(`uploads/${login.json.user.id}/`)).toBe(true);
  for (const signer of [a, b]) {
    const refused = await askTickets(signer.origin, batch(1), auth);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('FileQuotaExceeded');
    expect(refused.json.tickets).toBeUndefined();
  }

  // Another user still has a whole quota, at either signer.
  const other = await postJson(b.origin, '/api/sessions', { platform: 'alipay', code: 'dev:other-user' });
  expect((await askTickets(a.origin, batch(QUOTA), { authorization: `Bearer ${other.json.token}` })).status).toBe(200);

  // Redis hung (the connection open, nothing answering): 503 within about a second, not a request held forever.
  process.kill(redis.pid, 'SIGSTOP');
  try {
    const started = Date.now();
    const hung = await askTickets(a.origin, batch(1), { authorization: `Bearer ${other.json.token}` });
    expect([hung.status, hung.json.error?.code]).toEqual([503, 'LimitsUnavailable']);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }

  await redis.stop();
  for (const signer of [a, b]) {
    const down = await askTickets(signer.origin, batch(1), { authorization: `Bearer ${other.json.token}` });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('LimitsUnavailable');
    expect(down.json.tickets).toBeUndefined();
    expect(Number(down.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  }
});
