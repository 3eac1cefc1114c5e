// Runs scripts/bench/multipart.ts (a large file in parts: engine vs raw part PUTs, peak
// RSS, bytes re-sent after a cut), bundled first like engine.mjs. Needs the built signer.
//   node scripts/bench/multipart.mjs     (BENCH_MULTIPART_BYTES=1073741824 by default)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = path.join(root, 'node_modules/.cache/bench-multipart/bench-multipart.cjs');

async function load() {
  await build({
    entryPoints: [path.join(root, 'scripts/bench/multipart.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

/** Resolves with { bytes, engineMs, rawMs, ratio, signerPeakGrowthMiB, appPeakGrowthMiB, resentBytes, resentParts, partBytes }. */
export async function runMultipartBench(options = {}) {
  const bytes = Number(process.env.BENCH_MULTIPART_BYTES) || undefined;
  return (await load()).runMultipartBench({ root, bytes, ...options });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runMultipartBench({ log: (line) => console.log(line) });
  console.log(JSON.stringify(r, null, 2));
}
