// The Alipay root is self-contained after `node scripts/build/alipay.mjs` (every import and
// style resolves inside alipay/, and no WeChat adapter is copied in), and
// scripts/check/alipay.mjs passes the real templates but catches broken ones.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const ALIPAY = path.join(REPO, 'alipay');

function run(script: string, ...args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [path.join(REPO, 'scripts', script), ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full, ext) : e.name.endsWith(ext) ? [full] : [];
  });
}

/** A copy of the Alipay root (without its generated shared/) to break on purpose. */
function copyOfRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-root-'));
  fs.cpSync(ALIPAY, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}shared`) });
  return dir;
}

describe('build-alipay', () => {
  let root: string;
  beforeAll(() => {
    root = copyOfRoot();
    expect(run('build/alipay.mjs', root).code).toBe(0);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('leaves no import or style pointing outside the root, or at a missing file', () => {
    for (const file of filesUnder(root, '.ts')) {
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        expect(spec.startsWith('.')).toBe(true);
        const target = path.resolve(path.dirname(file), spec);
        expect(target.startsWith(root + path.sep)).toBe(true);
        expect(fs.existsSync(`${target}.ts`) || fs.existsSync(target)).toBe(true);
      }
    }
    for (const file of filesUnder(root, '.acss')) {
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/@import\s+['"]([^'"]+)['"]/g)) {
        expect(fs.existsSync(path.resolve(path.dirname(file), spec))).toBe(true);
      }
    }
  });

  it('copies only what the Alipay pages reach: the engine and the my adapter, never the wx one', () => {
    const shared = path.join(root, 'shared', 'miniprogram');
    expect(fs.existsSync(path.join(shared, 'shared', 'core', 'engine.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'platform', 'alipay.ts'))).toBe(true);
    expect(fs.existsSync(path.join(shared, 'platform'))).toBe(false);
    for (const file of filesUnder(path.join(root, 'shared'), '.ts')) expect(fs.readFileSync(file, 'utf8')).not.toMatch(/\bwx\./);
  });

  it('refuses an import that leaves the root, naming the file', () => {
    const broken = copyOfRoot();
    try {
      fs.appendFileSync(path.join(broken, 'app.ts'), `import '../../miniprogram/services';\n`);
      const result = run('build/alipay.mjs', broken);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/app\.ts imports "\.\.\/\.\.\/miniprogram\/services", outside the Alipay root/);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

describe('check-alipay', () => {
  it('passes the real Alipay root', () => {
    expect(run('check/alipay.mjs', ALIPAY)).toMatchObject({ code: 0 });
  });

  it.each([
    ['a handler the page does not have', 'pages/history/index.axml', (t: string) => t.replace('onTap="onClear"', 'onTap="onClearAll"'), /onTap="onClearAll" on <button>, but onClearAll is not in the Page object/],
    ['a card callback the page does not have', 'pages/upload/index.axml', (t: string) => t.replace('onHold="onCardHold"', 'onHold="onCardHoldLong"'), /onHold="onCardHoldLong" on <upload-card>/],
    ['a component handler missing from methods', 'components/upload-card/index.axml', (t: string) => t.replace('catchTap="onCorner"', 'catchTap="onCornerTap"'), /onCornerTap is not in its methods/],
    ['an unclosed tag', 'pages/upload/index.axml', (t: string) => t.replace(`<view class="limits" a:if="{{limitsState !== 'error'}}">{{limitsText}}</view>`, `<view class="limits" a:if="{{limitsState !== 'error'}}">{{limitsText}}`), /is never closed|closes <view>/],
    ['unbalanced braces', 'pages/history/index.axml', (t: string) => t.replace('{{t.clear}}', '{{t.clear}'), /unbalanced \{\{ \}\}/],
    ['WeChat syntax left behind', 'components/upload-card/index.axml', (t: string) => t.replace('a:if="{{card.thumb}}"', 'wx:if="{{card.thumb}}"'), /wx:if is WeChat syntax/],
  ])('catches %s', (_what, file, breakIt, expected) => {
    const broken = copyOfRoot();
    try {
      const target = path.join(broken, file);
      const before = fs.readFileSync(target, 'utf8');
      const after = breakIt(before);
      expect(after).not.toBe(before);
      fs.writeFileSync(target, after);
      const result = run('check/alipay.mjs', broken);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(expected);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it('catches WeChat window keys in app.json', () => {
    const broken = copyOfRoot();
    try {
      const file = path.join(broken, 'app.json');
      const app = JSON.parse(fs.readFileSync(file, 'utf8'));
      app.window.navigationBarTitleText = '上传';
      fs.writeFileSync(file, JSON.stringify(app));
      expect(run('check/alipay.mjs', broken).out).toMatch(/window\.navigationBarTitleText is WeChat's key; Alipay reads defaultTitle/);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

describe('the Alipay templates mirror the WeChat ones', () => {
  // The render tests draw Alipay pages from the WeChat element tree with Alipay's ACSS: that
  // is only honest while both templates have the same elements, classes and texts.
  const classes = (file: string) =>
    Array.from(fs.readFileSync(file, 'utf8').matchAll(/class="([^"]*)"/g), (m) => m[1].replace(/\{\{[^}]*\}\}/g, '{}').trim()).join('\n');
  it.each([
    ['pages/upload/index', 'pages/upload/index'],
    ['pages/history/index', 'pages/history/index'],
    ['components/upload-card/index', 'components/upload-card/index'],
  ])('%s.axml has the classes of %s.wxml, in order', (axml, wxml) => {
    expect(classes(path.join(ALIPAY, `${axml}.axml`))).toBe(classes(path.join(REPO, 'miniprogram', `${wxml}.wxml`)));
  });
});
