// Works around npm 11.16+ (npm/cli#9846): when the registry cannot serve an optional
// platform binding (the mirror here has only the linux-x64 builds of unrs-resolver,
// which jest pulls in), `npm install` leaves it out of package-lock.json and `npm ci`
// then rejects that very lockfile as out of sync. We record each missing binding as an
// optional entry with its os/cpu, so `npm ci` skips it as a foreign-platform package.
// Run after any `npm install` that rewrote the lockfile: `node scripts/build/lock-placeholders.mjs`.
import fs from 'node:fs';

const LOCK = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));

/** `@unrs/resolver-binding-linux-arm-gnueabihf` → { os: linux, cpu: arm, libc: glibc } */
function platformOf(name) {
  const [os, cpu, abi] = name.split('/').pop().replace(/^.*binding-/, '').split('-');
  const osName = os === 'win32' ? 'win32' : os;
  const cpuName = { arm: 'arm', arm64: 'arm64', x64: 'x64', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x', wasm32: 'wasm32' }[cpu] ?? cpu;
  const libc = abi?.startsWith('musl') ? ['musl'] : abi?.startsWith('gnu') && osName === 'linux' ? ['glibc'] : undefined;
  return { os: [osName], cpu: [cpuName], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path}/node_modules/${dep}`;
    if (lock.packages[`node_modules/${dep}`] || lock.packages[nested]) continue;
    if (!/binding-/.test(dep)) continue; // only platform bindings are safe to stand in for
    lock.packages[`node_modules/${dep}`] = { version, ...platformOf(dep), dev: entry.dev, optional: true };
    added++;
  }
}
fs.writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-placeholders: ${added} optional platform binding(s) recorded`);
