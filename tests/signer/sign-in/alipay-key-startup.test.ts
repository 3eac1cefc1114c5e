// Alipay sign-in keys as `npm start` meets them. The key tool hands out PKCS8 keys ("PKCS8 for
// Java"), the PEM starting "-----BEGIN PRIVATE KEY-----"; with UPLOAD_ALIPAY_KEY_TYPE left at
// PKCS1 (or a key pasted damaged) the SDK cannot sign with it, and the signer started anyway:
// every login then answered 502 PlatformUnavailable "try again in a moment", the log saying
// only "DECODER routines::unsupported". A key that cannot be used stops the start, naming
// the variables, never quoting the key.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle, runUntilBanner } from '../../support/signer-bundle';

jest.setTimeout(60_000);

let workDir: string;
let bundle: string;
beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-alipay-key-'));
  bundle = path.join(workDir, 'signer.js');
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const run = (env: Record<string, string>) => runUntilBanner(bundle, workDir, env);

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS8_PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const BODY = PKCS8_PEM.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const ALIPAY_PUBLIC = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const env = (privateKey: string, extra: Record<string, string> = {}) => ({
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_ACCESS_KEY_ID: 'LTAIEXAMPLE',
  UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-never-printed',
  UPLOAD_ALIPAY_APPID: '2021000000000000',
  UPLOAD_ALIPAY_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'),
  UPLOAD_ALIPAY_PUBLIC_KEY: ALIPAY_PUBLIC,
  ...extra,
});

test('a PKCS8 PEM with UPLOAD_ALIPAY_KEY_TYPE unset stops the start, naming UPLOAD_ALIPAY_KEY_TYPE=PKCS8', async () => {
  const result = await run(env(PKCS8_PEM));
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('UPLOAD_ALIPAY_PRIVATE_KEY');
  expect(result.stderr).toContain('UPLOAD_ALIPAY_KEY_TYPE=PKCS8');
  expect(result.stdout).not.toContain('listening');
  expect(result.stdout + result.stderr).not.toContain(BODY.slice(20, 60));
});

test('a private or public key that is no key stops the start, naming its variable', async () => {
  const broken = await run(env('not-a-key-at-all-0123456789'));
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain('UPLOAD_ALIPAY_PRIVATE_KEY');
  expect(broken.stderr).not.toContain('not-a-key-at-all');
  const badPublic = await run(env(PKCS8_PEM, { UPLOAD_ALIPAY_KEY_TYPE: 'PKCS8', UPLOAD_ALIPAY_PUBLIC_KEY: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnot-a-key' }));
  expect(badPublic.code).toBe(1);
  expect(badPublic.stderr).toContain('UPLOAD_ALIPAY_PUBLIC_KEY');
});

test('the same key with UPLOAD_ALIPAY_KEY_TYPE=PKCS8, as PEM or one-line body, starts', async () => {
  for (const key of [PKCS8_PEM, BODY]) {
    const result = await run(env(key, { UPLOAD_ALIPAY_KEY_TYPE: 'PKCS8' }));
    expect(result.stdout).toContain('Sign-in: Alipay');
  }
});
