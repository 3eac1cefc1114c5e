// The signer as its own process: bundled by scripts/build/signer.mjs itself (`--outfile`
// into a private folder, run as a child process so it also works from jsdom tests),
// started on an ephemeral port, stopped by close().
// For tests that run in jsdom (the WeChat pages through the simulator) and need the
// signer's multipart routes: the AWS SDK and jose they load do not run inside jsdom's
// realm, so the signer runs beside it, as on a real machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BUILD = path.join(ROOT, 'scripts/build/signer.mjs');

export interface SignerProcess {
  origin: string;
  /** What it printed, for a failure's message. */
  output(): string;
  close(): Promise<void>;
}

export async function startSignerProcess(env: Record<string, string> = {}): Promise<SignerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-process-'));
  const bundle = path.join(dir, 'signer.js');
  execFileSync(process.execPath, [BUILD, '--outfile', bundle], { cwd: ROOT });
  const child: ChildProcess = spawn(process.execPath, [bundle], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', UPLOAD_DATA_DIR: path.join(dir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const origin = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolve(match[1].replace(/\/$/, ''));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`signer exited ${code}: ${out}`)));
  });
  return {
    origin,
    output: () => out,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
