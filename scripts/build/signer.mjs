// Bundles the signer into one file (cloud-signer/dist/signer.js) so deploying it is
// "copy one file, set a few environment variables, run node".
import { build } from 'esbuild';

await build({
  entryPoints: ['cloud-signer/src/main.ts'],
  outfile: 'cloud-signer/dist/signer.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The store SDKs (ali-oss, cos-nodejs-sdk-v5, esdk-obs-nodejs) are bundled like the rest and
  // loaded on first use (cloud-signer/src/multipart/store.ts). urllib, under ali-oss, requires
  // proxy-agent only when a proxy is configured, which the signer never does; it is not installed.
  external: ['proxy-agent'],
});
