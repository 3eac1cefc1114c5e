// Proves the WeChat mini program compiles the way WeChat DevTools would:
//  1. every .wxml through the official `wcc` compiler (miniprogram-compiler's Linux
//     binary), failing with file:line — miniprogram-ci does not check WXML;
//  2. an offline miniprogram-ci compile of the whole project, which catches bad
//     JSON, a missing page or component, TS syntax errors and broken WXSS.
// TS type errors are `tsc --noEmit`'s job (DevTools' TS plugin only strips types).
// It first builds miniprogram_npm (scripts/build/miniprogram-npm.mjs), as a developer
// must before DevTools compiles an app that uses signing: 'client'.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packMiniprogramNpm } from '../build/miniprogram-npm.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const projectConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));
const MINIPROGRAM = path.join(ROOT, projectConfig.miniprogramRoot);
const WCC = path.join(ROOT, 'node_modules/miniprogram-compiler/bin/linux/wcc');

function wxmlFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'miniprogram_npm' || entry.name === 'node_modules' ? [] : wxmlFiles(full, base);
    return entry.name.endsWith('.wxml') ? [path.relative(base, full)] : [];
  });
}

/** wcc prints "pages/x/index.wxml:4:1: unexpected end"; we add the project-relative path. */
function checkWxml() {
  if (process.platform !== 'linux') {
    console.log('check:mp: wcc ships for Linux here; skipping the WXML compile on', process.platform);
    return [];
  }
  // npm may skip install scripts and leave the binary without its execute bit.
  try {
    fs.accessSync(WCC, fs.constants.X_OK);
  } catch {
    fs.chmodSync(WCC, 0o755);
  }
  const files = wxmlFiles(MINIPROGRAM);
  if (files.length === 0) return ['no .wxml files found under ' + MINIPROGRAM];
  const errors = [];
  for (const file of files) {
    // "-cc 0": no custom-component list; each file is checked on its own so an error names its file.
    const run = spawnSync(WCC, ['-d', '-cc', '0', file, '-gn', '$gwx'], { cwd: MINIPROGRAM, maxBuffer: 16 * 1024 * 1024 });
    if (run.error) {
      errors.push(`${file}: cannot run wcc (${run.error.message})`);
    } else if (run.status !== 0) {
      const message = (run.stderr.toString() || run.stdout.toString()).trim() || `wcc exited with ${run.status}`;
      errors.push(message.split('\n').map((line) => path.join(path.relative(ROOT, MINIPROGRAM), line.trim())).join('\n'));
    }
  }
  console.log(`check:mp: wcc compiled ${files.length - errors.length}/${files.length} WXML files`);
  return errors;
}

/**
 * A full offline compile: `privateKey` is never used because nothing is uploaded,
 * and `attr` (normally fetched from WeChat's servers with the appid's key) is
 * replaced by the SDK's own defaults — an internal hook of miniprogram-ci.
 * The SDK also tries servicewechat.com once for its file-extension allow-list and
 * logs "[error] ... ENOTFOUND" when offline; it falls back to its built-in list.
 */
async function compileProject() {
  const ci = require('miniprogram-ci');
  const project = new ci.Project({
    appid: projectConfig.appid,
    type: 'miniProgram',
    projectPath: ROOT,
    privateKey: 'x',
    ignores: ['node_modules/**/*'],
  });
  project.attr = async () => ci.DefaultProjectAttr;
  try {
    const result = await ci.getCompiledResult({ project, setting: { es6: true, minify: false }, onProgressUpdate: () => {} });
    const expected = [
      'app.js',
      'app.json',
      ...readPages().flatMap((page) => [`${page}.js`, `${page}.wxml`]),
      // signing: 'client' loads these lazily; they must still be in the package. (crypto-js's
      // 240 KB main file is absent from getCompiledResult's map here, though packed: pack:mp checks it.)
      'shared/signing/crypto-js/index.js',
      'miniprogram_npm/js-base64/index.js',
    ];
    const missing = expected.filter((file) => !(file in result));
    if (missing.length > 0) return [`miniprogram-ci: compiled output lacks ${missing.join(', ')}`];
    console.log(`check:mp: miniprogram-ci compiled ${Object.keys(result).length} files offline`);
    return [];
  } catch (err) {
    return [`miniprogram-ci: ${err && err.message ? err.message : String(err)}`];
  }
}

function readPages() {
  return JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8')).pages;
}

async function packNpm() {
  try {
    await packMiniprogramNpm();
    return [];
  } catch (err) {
    return [`pack:mp: ${err && err.message ? err.message : String(err)}`];
  }
}

const errors = [...checkWxml(), ...(await packNpm()), ...(await compileProject())];
if (errors.length > 0) {
  for (const error of errors) console.error(error);
  console.error(`check:mp: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log('check:mp: ok');
// miniprogram-ci leaves compiler worker processes alive; they would keep this script running.
process.exit(0);
