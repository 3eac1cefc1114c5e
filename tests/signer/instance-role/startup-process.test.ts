// `npm start` with UPLOAD_CREDENTIALS=instance-role, as an operator meets it: the bundled
// signer as a real process. With a metadata service it fetches the role's keys before it
// listens and signs tickets with them; without one it exits 1 with a plain sentence.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle } from '../../support/signer-bundle';
import type { TicketResponse } from '../../../typings/ticket';
import { startMetadataStandIn } from '../../support/metadata-stand-in';

jest.setTimeout(60_000);

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-instance-role-'));
  bundle = path.join(workDir, 'signer.js');
  // The signer build script itself, into a private file.
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const OSS_ENV = {
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_CREDENTIALS: 'instance-role',
  // A cloud signer starts only with sign-in, tokens or this (sign-in is not what this test is about).
  UPLOAD_ALLOW_ANONYMOUS: 'true',
};

function runSigner(env: Record<string, string>, whenReady?: (origin: string) => Promise<void>) {
  const child = spawn(process.execPath, [bundle], { cwd: workDir, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env } });
  let stdout = '';
  let stderr = '';
  let failure: unknown;
  let readyCalled = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
    if (match && whenReady && !readyCalled) {
      readyCalled = true;
      whenReady(match[1])
        .catch((error) => (failure = error))
        .finally(() => child.kill('SIGTERM'));
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('exit', (code) => (failure ? reject(failure) : resolve({ code, stdout, stderr })));
  });
}

test('fetches the role keys before listening and signs tickets with them', async () => {
  const service = await startMetadataStandIn({ cloud: 'alibaba', clock: Date.now, epochMs: Date.now() - 60_000, rotateEveryMs: 20 * 60_000, lifetimeMs: 60 * 60_000 });
  try {
    let body: TicketResponse | undefined;
    const run = await runSigner({ ...OSS_ENV, UPLOAD_METADATA_ENDPOINT: service.origin }, async (origin) => {
      const res = await fetch(`${origin}/api/tickets`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] }),
      });
      body = (await res.json()) as TicketResponse;
    });
    expect(run.code).toBe(0);
    const keys = service.keysAt(Date.now());
    expect(body!.tickets[0].fields['x-oss-credential']).toMatch(new RegExp(`^${keys.accessKeyId}/`));
    expect(body!.tickets[0].fields['x-oss-security-token']).toBe(keys.securityToken);
    expect(run.stdout + run.stderr).not.toContain(keys.accessKeySecret);
  } finally {
    await service.close();
  }
});

test('an unreachable metadata service stops startup with a plain sentence and exit code 1', async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const run = await runSigner({ ...OSS_ENV, UPLOAD_METADATA_ENDPOINT: origin });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^Cannot start: Alibaba Cloud ECS instance metadata at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).not.toContain('listening');
});
