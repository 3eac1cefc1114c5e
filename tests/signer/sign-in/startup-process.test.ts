// The startup policy as `npm start` meets it: the bundled signer as a real process.
// A cloud bucket without sign-in stops with the variables that would let it start; the
// dev bucket's banner says a dev login is on; beyond loopback the dev login is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle, runUntilBanner } from '../../support/signer-bundle';

jest.setTimeout(60_000);

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-startup-'));
  bundle = path.join(workDir, 'signer.js');
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Runs the signer until it exits, or until it prints its banner (then stops it). */
const run = (env: Record<string, string>) => runUntilBanner(bundle, workDir, { UPLOAD_DATA_DIR: path.join(workDir, 'data'), ...env });

const CLOUD = {
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_ACCESS_KEY_ID: 'LTAIEXAMPLE',
  UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-never-printed',
};

test('a cloud bucket without sign-in, tokens or UPLOAD_ALLOW_ANONYMOUS does not start, and says what would let it', async () => {
  const result = await run(CLOUD);
  expect(result.code).toBe(1);
  for (const name of ['UPLOAD_WECHAT_APPID', 'UPLOAD_ALIPAY_APPID', 'UPLOAD_AUTH_TOKENS', 'UPLOAD_ALLOW_ANONYMOUS=true']) expect(result.stderr).toContain(name);
  expect(result.stdout).not.toContain('listening');
  expect(result.stdout + result.stderr).not.toContain('bucket-secret-never-printed');
});

test('with WeChat sign-in the cloud signer starts; the banner names sign-in and the default limits, never the secret', async () => {
  const result = await run({ ...CLOUD, UPLOAD_WECHAT_APPID: 'wx0123456789abcdef', UPLOAD_WECHAT_SECRET: 'wechat-secret-never-printed' });
  expect(result.stdout).toContain('Sign-in: WeChat');
  expect(result.stdout).toContain('Tickets need a session or a token');
  expect(result.stdout).toContain('120 requests/minute, 1000 files/day');
  expect(result.stdout + result.stderr).not.toMatch(/wechat-secret-never-printed|bucket-secret-never-printed/);
});

test('the dev bucket says its dev login is on, and refuses it beyond loopback unless explicitly allowed', async () => {
  const local = await run({});
  expect(local.stdout).toContain('Dev login (no appid needed)');
  expect(local.stdout).toContain('Anonymous callers get tickets too');
  const exposed = await run({ HOST: '0.0.0.0' });
  expect(exposed.code).toBe(1);
  expect(exposed.stderr).toContain('dev login');
  expect(exposed.stderr).toContain('UPLOAD_ALLOW_UNAUTHENTICATED=true');
});
