// Runs scripts/bench/engine.ts (the engine vs raw HTTP clients benchmark), bundled first (load-ts.mjs).
//   node scripts/bench/engine.mjs        (alone; BENCH_ENGINE_RUNS=5 by default)
//   import { runEngineBench } from './engine.mjs'   (from scripts/bench/index.mjs)
import { pathToFileURL } from 'node:url';
import { loadTsBench } from './load-ts.mjs';

/** Resolves with { engineMs, rawMs, ratio, ticketRequests, maxConcurrentTasks, engineRuns, rawRuns }. */
export async function runEngineBench(options) {
  return (await loadTsBench('engine')).runEngineBench(options);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bench = await loadTsBench('engine');
  const result = await bench.runEngineBench({ log: (line) => console.log(line) });
  console.log(bench.formatEngineBench(result));
  if (result.ratio > bench.TARGET_RATIO || result.ticketRequests !== 1) process.exitCode = 1;
}
