// Loads one of the benches written in TypeScript (they drive the engine, which is
// TypeScript shared with the mini program): bundled with esbuild first, into
// node_modules/.cache so its packages still resolve from node_modules. Once per process.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const loaded = new Map();

/** `name`: scripts/bench/<name>.ts; resolves with its exports. */
export function loadTsBench(name) {
  if (!loaded.has(name)) {
    const outfile = path.join(root, `node_modules/.cache/bench-${name}/bench-${name}.cjs`);
    loaded.set(
      name,
      build({
        entryPoints: [path.join(root, `scripts/bench/${name}.ts`)],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        logLevel: 'warning',
      }).then(() => createRequire(import.meta.url)(outfile)),
    );
  }
  return loaded.get(name);
}
