// The signer bundle as `npm start` builds it, for the tests that run the signer as a real
// process: scripts/build/signer.mjs itself, writing to a private file so parallel builds
// cannot race on cloud-signer/dist/.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

export async function buildSignerBundle(outfile: string): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build/signer.mjs'), '--outfile', outfile], { cwd: root });
}

/**
 * Runs the bundled signer at `bundle` (in `cwd`, with only PATH, PORT=0 and `env`) until it
 * exits, or until it has printed its whole banner (then stops it): start-up as `npm start` meets it.
 */
export function runUntilBanner(bundle: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bundle], { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    // The banner is complete once its last line (the limits) is out.
    if (/Limits per user|No rate limit/.test(stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
