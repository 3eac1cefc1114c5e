// The layout's rules, checked on every run (README "Layout", ARCHITECTURE.md):
// shared code never touches a platform, the signer and the apps reach shared code only
// through each module's entry file, and comments cite only files that exist.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const SHARED = 'miniprogram/shared/';
/** The entry file of every shared module; nothing outside a module imports past it. */
const MODULES = ['contract', 'core', 'signing', 'signing/client', 'signing/crypto-js', 'ui', 'adapter-kit'].map((m) => SHARED + m);
/** Packages shared code may use: only the lazily loaded client-signing binding needs any. */
const PACKAGES_ALLOWED: Record<string, string[]> = { [SHARED + 'signing/crypto-js']: ['crypto-js', 'js-base64'] };

const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && fs.existsSync(path.join(REPO, f)) && !f.startsWith('alipay/shared/'));
const sources = tracked.filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.endsWith('.d.ts'));
const read = (f: string) => fs.readFileSync(path.join(REPO, f), 'utf8');

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"]+)['"]/g;
function importsOf(file: string): string[] {
  return [...read(file).matchAll(IMPORT_RE)].map((m) => m[1]);
}
/** Repo-relative target of a relative specifier (alipay/shared/<path> is a copy of <path>). */
function targetOf(file: string, specifier: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return target.startsWith('alipay/shared/') ? target.slice('alipay/shared/'.length) : target;
}
const moduleOf = (p: string) => [...MODULES].sort((a, b) => b.length - a.length).find((m) => p === m || p.startsWith(m + '/'));
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

describe('shared code is platform-free', () => {
  const shared = sources.filter((f) => f.startsWith(SHARED));

  it('finds the shared modules (the check would pass on an empty list otherwise)', () => {
    expect(shared.length).toBeGreaterThan(30);
    for (const m of MODULES) expect(fs.existsSync(path.join(REPO, m, 'index.ts'))).toBe(true);
  });

  it('never calls wx or my', () => {
    const offenders = shared.filter((f) => /\b(wx|my)\s*\.\s*[A-Za-z]/.test(withoutComments(read(f))));
    expect(offenders).toEqual([]);
  });

  it('imports no platform folder, page or component, and no package it may not', () => {
    const offenders: string[] = [];
    for (const file of shared) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) {
          const allowed = PACKAGES_ALLOWED[moduleOf(file) ?? ''] ?? [];
          if (!allowed.includes(specifier)) offenders.push(`${file} imports the package ${specifier}`);
          continue;
        }
        const target = targetOf(file, specifier);
        if (!target.startsWith(SHARED) && !target.startsWith('typings/') && target !== 'miniprogram/config') {
          offenders.push(`${file} imports ${target}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('shared modules are reached through their entry files only', () => {
  const outside = (file: string, target: string) => moduleOf(target) !== undefined && moduleOf(target) !== moduleOf(file);
  const deepImports = (files: string[]) =>
    files.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => ({ s, target: targetOf(file, s) }))
        .filter(({ target }) => outside(file, target) && target !== `${moduleOf(target)}/index`)
        .map(({ s }) => `${file} imports ${s}`),
    );

  it('by the signer', () => {
    const signer = sources.filter((f) => f.startsWith('cloud-signer/src/'));
    expect(signer.length).toBeGreaterThan(20);
    expect(deepImports(signer)).toEqual([]);
    // …and nothing of the mini programs but shared code.
    const elsewhere = signer.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => targetOf(file, s))
        .filter((t) => t.startsWith('miniprogram/') && !t.startsWith(SHARED))
        .map((t) => `${file} imports ${t}`),
    );
    expect(elsewhere).toEqual([]);
  });

  it('by both apps and by the other shared modules', () => {
    const apps = sources.filter((f) => f.startsWith('miniprogram/') || f.startsWith('alipay/'));
    expect(deepImports(apps)).toEqual([]);
  });

  it('and a deep import is caught (the check itself works)', () => {
    expect(targetOf('cloud-signer/src/x.ts', '../../miniprogram/shared/core/engine')).toBe('miniprogram/shared/core/engine');
    expect(outside('cloud-signer/src/x.ts', 'miniprogram/shared/core/engine')).toBe(true);
    expect(targetOf('alipay/pages/upload/index.ts', '../../shared/miniprogram/shared/ui/index')).toBe('miniprogram/shared/ui/index');
  });
});

describe('only the platform folders touch wx and my', () => {
  it('keeps wx in miniprogram/platform and my in alipay/platform (pages call them through the adapter)', () => {
    const offenders = sources
      .filter((f) => (f.startsWith('miniprogram/') || f.startsWith('alipay/')) && !/^(miniprogram|alipay)\/platform\//.test(f))
      .filter((f) => /\b(wx|my)\s*\.\s*[A-Za-z]/.test(withoutComments(read(f))));
    expect(offenders).toEqual([]);
  });
});

describe('comments cite only files that exist', () => {
  // A path-like word with a source or doc extension, in a comment or a doc.
  const CITED = /(?<![\w@/.:-])((?:[\w.-]+\/)*[\w.-]+\.(?:ts|mjs|js|json|md|wxml|wxss|axml|acss))(?![\w/])/g;
  const known = new Set(tracked);
  /** A citation resolves when some file in the repo ends with it (people cite `sts/caching.ts`, not full paths). */
  const exists = (cited: string) => {
    const clean = cited.replace(/^\.\//, '');
    for (const f of known) if (f === clean || f.endsWith('/' + clean)) return true;
    return false;
  };
  const commentsOf = (file: string) => {
    const text = read(file);
    if (file.endsWith('.md')) return text.replace(/```[\s\S]*?```/g, '');
    return [...text.matchAll(/\/\*[\s\S]*?\*\/|\/\/.*$/gm)].map((m) => m[0]).join('\n');
  };
  /** `x.ts`, `pages/x/index.wxml`: an example name in a comment, not a citation. */
  const PLACEHOLDER = /(^|\/)x(\/|\.)/;
  /** Names that are not files of ours: packages' own files and generated ones. */
  const NOT_OURS = /^(node_modules\/|miniprogram_npm\/|alipay\/shared\/|cloud-signer\/dist\/|test-results\/|\.data\/|project\.private\.config\.json$|package-lock\.json$|\.env)/;

  it('in every source file and every doc', () => {
    const files = [...sources, ...tracked.filter((f) => f.endsWith('.md'))];
    const missing: string[] = [];
    for (const file of files) {
      for (const [, cited] of commentsOf(file).matchAll(CITED)) {
        if (NOT_OURS.test(cited) || PLACEHOLDER.test(cited)) continue;
        if (!exists(cited)) missing.push(`${file} cites ${cited}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('and a citation of a missing file is caught (the check itself works)', () => {
    expect(exists('sts/caching.ts')).toBe(true);
    expect(exists('notes/interfaces.md')).toBe(false);
  });
});
