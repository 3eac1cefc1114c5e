// The signer bundle as `npm start` builds it, for the tests that run the signer as a real
// process: scripts/build/signer.mjs itself, writing to a private file so parallel builds
// cannot race on cloud-signer/dist/.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

export async function buildSignerBundle(outfile: string): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build/signer.mjs'), '--outfile', outfile], { cwd: root });
}
