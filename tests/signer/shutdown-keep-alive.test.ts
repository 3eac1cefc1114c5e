// A signer behind a load balancer (or any keep-alive client) being stopped: SIGTERM stops
// new connections, but a connection kept alive goes on sending requests on the same
// socket. Those must be answered "Connection: close", so the client moves to another
// signer and the process exits as soon as its last request is answered, instead of
// serving on until the grace runs out and every request then in flight is cut.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle } from '../support/signer-bundle';

jest.setTimeout(60_000);

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-shutdown-'));
  bundle = path.join(workDir, 'signer.js');
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test('after SIGTERM a kept-alive connection is answered "Connection: close" and the signer exits without waiting out its grace', async () => {
  const child = spawn(process.execPath, [bundle], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', UPLOAD_DATA_DIR: path.join(workDir, 'data') },
  });
  let stdout = '';
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`signer exited ${code}: ${stdout}`)));
  });

  // One socket, as a load balancer's pool keeps it, asked again the moment it answers.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<string | undefined>((resolve, reject) => {
      const req = http.get(`${origin}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers.connection));
      });
      req.on('error', reject);
    });
  try {
    expect(await get()).toBe('keep-alive');
    // A ticket request in flight on that socket when SIGTERM comes: its body is still arriving.
    const body = JSON.stringify({ files: [{ name: 'a.jpg', size: 1234 }] });
    let stoppedAt = 0;
    const inFlight = await new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      const req = http.request(
        `${origin}/api/tickets`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        stoppedAt = Date.now();
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    // The request in flight is answered whole, and told that the connection ends with it.
    expect(inFlight).toEqual({ status: 200, connection: 'close' });
    const answers: (string | undefined)[] = [];
    let exitedAt: number | undefined;
    void exited.then((at) => (exitedAt = at));
    // The client keeps asking for 3 s (a load balancer does not know yet), until it is refused.
    while (Date.now() - stoppedAt < 3000 && exitedAt === undefined) {
      try {
        answers.push(await get());
      } catch {
        break; // a new connection to a closed listener is refused, as it should be
      }
    }
    expect(answers).toEqual([]);
    // The signer exits once that answer is out, well before its 5 s grace would cut everything.
    expect((await exited) - stoppedAt).toBeLessThan(2000);
  } finally {
    agent.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
