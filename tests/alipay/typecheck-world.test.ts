// The Alipay tsconfig is its own world: `my` and Alipay's Page/Component types, no
// WeChat globals. Proven by compiling a probe file inside alipay/ with the same
// settings: a stray `wx` must fail, and the same probe using `my` must pass (so the
// failure is about `wx`, not a broken setup).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const ALIPAY = path.resolve(__dirname, '../../alipay');
const TSC = require.resolve('typescript/bin/tsc');

jest.setTimeout(120_000);

function typecheck(source: string): { ok: boolean; output: string } {
  const id = randomBytes(4).toString('hex');
  const probe = path.join(ALIPAY, `.probe-${id}.ts`);
  const config = path.join(ALIPAY, `.tsconfig.probe-${id}.json`);
  fs.writeFileSync(probe, source);
  // Same compiler options as alipay/tsconfig.json, only the probe as input.
  fs.writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', files: [path.basename(probe), 'globals.d.ts'], include: [] }));
  try {
    execFileSync(process.execPath, [TSC, '--noEmit', '-p', config], { encoding: 'utf8' });
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  } finally {
    fs.rmSync(probe, { force: true });
    fs.rmSync(config, { force: true });
  }
}

it('fails on a stray wx in Alipay code', () => {
  const result = typecheck(`export function copy(text: string) {\n  wx.setClipboardData({ data: text });\n}\n`);
  expect(result.ok).toBe(false);
  expect(result.output).toMatch(/error TS2304: Cannot find name 'wx'/);
});

it('passes the same code written against my', () => {
  const result = typecheck(`export function copy(text: string) {\n  my.setClipboard({ text });\n}\n`);
  expect(result).toEqual({ ok: true, output: '' });
});
