#!/usr/bin/env node
// Builds miniprogram/miniprogram_npm (WeChat's "构建 npm") offline with miniprogram-ci's
// packNpmManually. Only signing: 'client' needs it (crypto-js, js-base64); the default
// server-signing app runs without it. miniprogram_npm is generated and gitignored.
//
// The root package.json also lists the signer's server packages (STS SDKs, busboy),
// and packNpmManually packs every `dependencies` entry, so the packing runs on a
// scratch package.json naming only the mini program's runtime packages, with copies
// (not symlinks: the packer does not follow them) of those packages from node_modules.
//
// Usage: npm run pack:mp   (node scripts/build/miniprogram-npm.mjs)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINIPROGRAM = path.join(ROOT, 'miniprogram');
const OUTPUT = path.join(MINIPROGRAM, 'miniprogram_npm');
/** What the mini program requires at runtime (shared/signing/crypto-js/crypto-js.ts); nothing else is shipped. */
export const RUNTIME_PACKAGES = ['crypto-js', 'js-base64'];

export async function packMiniprogramNpm() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-mp-npm-'));
  try {
    const dependencies = {};
    for (const name of RUNTIME_PACKAGES) {
      const version = pkg.dependencies?.[name];
      const source = path.join(ROOT, 'node_modules', name);
      if (!version || !fs.existsSync(source)) {
        throw new Error(`${name} must be in package.json "dependencies" and installed (run npm install)`);
      }
      dependencies[name] = version;
      fs.cpSync(source, path.join(scratch, 'node_modules', name), { recursive: true, dereference: true });
    }
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'miniprogram-runtime', version: '1.0.0', dependencies }));

    const log = console.log;
    console.log = () => {}; // miniprogram-ci's "initservices CI" banner
    let result;
    try {
      const ci = require('miniprogram-ci');
      result = await ci.packNpmManually({
        packageJsonPath: path.join(scratch, 'package.json'),
        miniprogramNpmDistDir: path.join(scratch, 'miniprogram'),
      });
    } finally {
      console.log = log;
    }
    const built = path.join(scratch, 'miniprogram', 'miniprogram_npm');
    const missing = RUNTIME_PACKAGES.filter((name) => !fs.existsSync(path.join(built, name, 'index.js')));
    if (missing.length > 0) throw new Error(`packNpmManually produced no index.js for ${missing.join(', ')}`);

    fs.rmSync(OUTPUT, { recursive: true, force: true });
    fs.cpSync(built, OUTPUT, { recursive: true });
    const warnings = result && Array.isArray(result.warnList) ? result.warnList.length : 0;
    console.log(`pack:mp: built ${path.relative(ROOT, OUTPUT)} (${RUNTIME_PACKAGES.join(', ')})${warnings ? `, ${warnings} warning(s)` : ''}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await packMiniprogramNpm();
    // miniprogram-ci may leave worker processes behind; they would keep this script running.
    process.exit(0);
  } catch (error) {
    console.error(`pack:mp: ${error && error.message ? error.message : String(error)}`);
    process.exit(1);
  }
}
