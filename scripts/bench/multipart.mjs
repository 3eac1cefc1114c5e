// Runs scripts/bench/multipart.ts (a large file in parts: engine vs raw part PUTs, peak
// RSS, bytes re-sent after a cut), bundled first (load-ts.mjs). Needs the built signer.
//   node scripts/bench/multipart.mjs     (BENCH_MULTIPART_BYTES=1073741824 by default)
import { pathToFileURL } from 'node:url';
import { loadTsBench, root } from './load-ts.mjs';

/** Resolves with { bytes, engineMs, rawMs, ratio, signerPeakGrowthMiB, appPeakGrowthMiB, resentBytes, resentParts, partBytes }. */
export async function runMultipartBench(options = {}) {
  const bytes = Number(process.env.BENCH_MULTIPART_BYTES) || undefined;
  return (await loadTsBench('multipart')).runMultipartBench({ root, bytes, ...options });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runMultipartBench({ log: (line) => console.log(line) });
  console.log(JSON.stringify(r, null, 2));
}
