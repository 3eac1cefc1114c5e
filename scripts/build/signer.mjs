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
});
