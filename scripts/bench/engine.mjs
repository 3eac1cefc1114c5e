// Runs scripts/bench/engine.ts (the engine vs raw HTTP clients benchmark). The
// engine is TypeScript shared with the mini program, so it is bundled with esbuild
// first, into node_modules/.cache so its packages still resolve from node_modules.
//   node scripts/bench/engine.mjs        (alone; BENCH_ENGINE_RUNS=5 by default)
//   import { runEngineBench } from './engine.mjs'   (from scripts/bench/index.mjs)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = path.join(root, 'node_modules/.cache/bench-engine/bench-engine.cjs');

let loaded;
async function load() {
  if (!loaded) {
    await build({
      entryPoints: [path.join(root, 'scripts/bench/engine.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'warning',
    });
    loaded = createRequire(import.meta.url)(outfile);
  }
  return loaded;
}

/** Resolves with { engineMs, rawMs, ratio, ticketRequests, maxConcurrentTasks, engineRuns, rawRuns }. */
export async function runEngineBench(options) {
  return (await load()).runEngineBench(options);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bench = await load();
  const result = await bench.runEngineBench({ log: (line) => console.log(line) });
  console.log(bench.formatEngineBench(result));
  if (result.ratio > bench.TARGET_RATIO || result.ticketRequests !== 1) process.exitCode = 1;
}
