// Bundles the signer into one file (cloud-signer/dist/signer.js) so deploying it is
// "copy one file, set a few environment variables, run node". `--outfile <path>` writes
// elsewhere: the tests that run the signer as a process build their own private copy
// with exactly these options.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const at = process.argv.indexOf('--outfile');
const outfile = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : path.join(root, 'cloud-signer/dist/signer.js');

await build({
  entryPoints: [path.join(root, 'cloud-signer/src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The store SDKs (ali-oss, cos-nodejs-sdk-v5, esdk-obs-nodejs) are bundled like the rest and
  // loaded on the first upload in parts (cloud-signer/src/multipart/store.ts). urllib, under
  // ali-oss, requires proxy-agent only when a proxy is configured, which the signer never does;
  // it is not installed.
  external: ['proxy-agent'],
});
