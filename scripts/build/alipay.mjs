#!/usr/bin/env node
// Makes alipay/ a complete Alipay root: the Alipay IDE packs nothing outside the
// folder it opens, so the shared code the Alipay pages import (engine, adapter,
// page controllers, words, the ticket contract) is copied into alipay/shared/,
// mirroring the repo layout so every relative import inside it stays valid. Only
// the files actually reached from alipay/*.ts are copied (the import graph), plus
// the WeChat styles the .acss files @import (renamed .acss). alipay/shared/ is
// generated and gitignored: edit the originals, then run `node scripts/build/alipay.mjs`.
//
// Usage: node scripts/build/alipay.mjs [alipayRoot]   (default: <repo>/alipay)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Only these repo folders may be shared into the Alipay root. */
const SHAREABLE = ['miniprogram', 'typings'];
const SHARED_DIR = 'shared';

const IMPORT_RE = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g;
const ACSS_IMPORT_RE = /@import\s+['"]([^'"]+)['"]/g;

class BuildError extends Error {}

function listFiles(dir, keep, skipDir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDir(full)) out.push(...listFiles(full, keep, skipDir));
    } else if (keep(entry.name)) out.push(full);
  }
  return out;
}

/** The .ts file an import path names (`x` → x.ts or x/index.ts). */
function resolveTs(base) {
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** alipay/shared/<rest> ↔ <repo>/<rest>, for <rest> inside a shareable folder. */
function originalOf(sharedPath, sharedRoot) {
  const rest = path.relative(sharedRoot, sharedPath);
  const top = rest.split(path.sep)[0];
  if (rest.startsWith('..') || !SHAREABLE.includes(top)) return undefined;
  return path.join(REPO, rest);
}

export function buildAlipay(alipayRoot = path.join(REPO, 'alipay')) {
  const sharedRoot = path.join(alipayRoot, SHARED_DIR);
  fs.rmSync(sharedRoot, { recursive: true, force: true });
  const copied = new Set();

  const copy = (original, target) => {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(original, target);
    copied.add(target);
  };

  /** Follows one file's imports: into shared/ (copy the original) or within the root. */
  const visit = (file, inShared) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(IMPORT_RE)) {
      const where = path.relative(alipayRoot, file);
      if (!specifier.startsWith('.')) {
        throw new BuildError(`${where} imports the package "${specifier}"; the Alipay root has no npm packing, so shared code must not use packages`);
      }
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(alipayRoot + path.sep)) {
        throw new BuildError(`${where} imports "${specifier}", outside the Alipay root; import it through ${SHARED_DIR}/ instead`);
      }
      if (!target.startsWith(sharedRoot + path.sep)) {
        if (!inShared && !resolveTs(target)) throw new BuildError(`${where} imports "${specifier}", which does not exist`);
        continue;
      }
      const original = originalOf(target, sharedRoot);
      const resolved = original && resolveTs(original);
      if (!resolved) throw new BuildError(`${where} imports "${specifier}", but ${path.relative(REPO, original ?? target)} does not exist in ${SHAREABLE.join(' or ')}/`);
      const copyTo = path.join(sharedRoot, path.relative(REPO, resolved));
      if (copied.has(copyTo)) continue;
      copy(resolved, copyTo);
      visit(copyTo, true);
    }
  };

  const own = (full) => full === sharedRoot || path.basename(full) === 'node_modules';
  for (const file of listFiles(alipayRoot, (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'), own)) visit(file, false);

  // Styles: each `@import ".../shared/<path>.acss"` is the WeChat <path>.wxss.
  for (const file of listFiles(alipayRoot, (n) => n.endsWith('.acss'), own)) {
    for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(ACSS_IMPORT_RE)) {
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(sharedRoot + path.sep)) continue;
      const original = originalOf(target, sharedRoot);
      const wxss = original && original.replace(/\.acss$/, '.wxss');
      if (!wxss || !fs.existsSync(wxss)) {
        throw new BuildError(`${path.relative(alipayRoot, file)} imports "${specifier}", but there is no ${path.relative(REPO, wxss ?? target)}`);
      }
      copy(wxss, target);
    }
  }
  return [...copied].map((f) => path.relative(alipayRoot, f)).sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(REPO, 'alipay'));
  try {
    const files = buildAlipay(root);
    console.log(`Alipay root ready: copied ${files.length} shared files into ${path.relative(process.cwd(), path.join(root, SHARED_DIR)) || SHARED_DIR}/`);
    console.log('Open the folder alipay/ in the Alipay mini program IDE.');
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    console.error(`build-alipay: ${error.message}`);
    process.exit(1);
  }
}
