// Client-side signing: one implementation per provider, two hashing back ends. For every
// dialect, a ticket the app signs with crypto-js from a /api/credentials grant equals,
// field for field, the ticket Node's crypto signs for the same inputs and clock. And the
// crypto-js that WeChat's npm build ships really runs without Node or browser globals.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import type { CredentialsResponse } from '../../typings/credentials';
import type { TicketProvider } from '../../typings/ticket';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { ClientSigningError, clientTicketInput, signClientTicket } from '../../miniprogram/shared/signing/client/client-signer';
import { cryptoJs } from '../../miniprogram/shared/signing/crypto-js/crypto-js';
import type { SigningCrypto } from '../../miniprogram/shared/signing/primitives/crypto';
import type { Dialect } from '../../miniprogram/shared/signing/dialects/dialect';
import { cosDialect } from '../../miniprogram/shared/signing/dialects/cos';
import { cosPutDialect } from '../../miniprogram/shared/signing/dialects/cos-put';
import { obsDialect } from '../../miniprogram/shared/signing/dialects/obs';
import { ossDialect } from '../../miniprogram/shared/signing/dialects/oss';
import { ossV1Dialect } from '../../miniprogram/shared/signing/dialects/oss-v1';
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import { s3PutDialect } from '../../miniprogram/shared/signing/dialects/s3-presign';

const NOW = new Date('2026-11-22T10:00:00Z');
const RANDOM = '9f1c0e5b6a7d4c2e';
const FILE = { size: 2_345_678, contentType: 'image/jpeg', extension: 'jpg' };

function grantFor(provider: TicketProvider, method: 'post' | 'put', bucket: string, region: string, endpoint: string): CredentialsResponse {
  return {
    serverTime: NOW.toISOString(),
    provider,
    method,
    bucket,
    region,
    endpoint,
    publicBaseUrl: endpoint,
    keyPrefix: 'uploads/client/2026/11/22/0123456789abcdef/',
    ticketTtlSeconds: 600,
    credentials: {
      accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2',
      accessKeySecret: 'TempSecret/with+base64=chars',
      // Tokens are long and full of base64 punctuation: exactly what encoding bugs trip on.
      securityToken: 'CAIS+gF1q6Ft5B2yfSjIr5bkKdD/2rd1xJeaZnHRlGU=' + 'x'.repeat(200),
      expiration: new Date(NOW.getTime() + 900_000).toISOString(),
    },
    limits: { maxBytes: 20_971_520, maxFiles: 20, allowedTypes: ['image/*'] },
  };
}

const CASES: [string, Dialect, CredentialsResponse][] = [
  ['s3 (POST policy)', s3Dialect, grantFor('s3', 'post', 'examplebucket', 'us-east-1', 'https://examplebucket.s3.us-east-1.amazonaws.com')],
  ['s3 (presigned PUT)', s3PutDialect, grantFor('s3', 'put', 'examplebucket', 'auto', 'https://acc.r2.cloudflarestorage.com/examplebucket')],
  ['oss (V4)', ossDialect, grantFor('oss', 'post', 'examplebucket', 'cn-hangzhou', 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com')],
  ['oss-v1', ossV1Dialect, grantFor('oss-v1', 'post', 'examplebucket', 'cn-hangzhou', 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com')],
  ['cos (POST)', cosDialect, grantFor('cos', 'post', 'examplebucket-1250000000', 'ap-guangzhou', 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com')],
  ['cos (PUT)', cosPutDialect, grantFor('cos', 'put', 'examplebucket-1250000000', 'ap-guangzhou', 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com')],
  ['obs', obsDialect, grantFor('obs', 'post', 'examplebucket', 'cn-north-4', 'https://examplebucket.obs.cn-north-4.myhuaweicloud.com')],
];

describe.each(CASES)('%s: the app signs what the signer signs', (_name, dialect, grant) => {
  const sign = (crypto: SigningCrypto<any>, now = NOW) => signClientTicket(grant, FILE, { dialect, crypto, random: RANDOM, now });

  test('crypto-js and Node crypto give the same ticket, field for field', () => {
    const inApp = sign(cryptoJs);
    const onServer = dialect.signUpload(clientTicketInput(grant, FILE, RANDOM, NOW), nodeCrypto);

    expect(inApp).toEqual(onServer);
    expect(inApp.fields).toEqual(onServer.fields);
    expect(inApp.headers).toEqual(onServer.headers);
    expect(inApp.url).toBe(onServer.url);
  });

  test('the key is the granted prefix plus the app\'s random part, and the token is bound', () => {
    const ticket = sign(cryptoJs);
    expect(ticket.key).toBe(`${grant.keyPrefix}${RANDOM}.jpg`);
    expect(ticket.expiresAt).toBe(new Date(NOW.getTime() + 600_000).toISOString());
    // The token travels in a field, a header or the URL, depending on the dialect.
    const carried = JSON.stringify(ticket.fields) + JSON.stringify(ticket.headers) + decodeURIComponent(ticket.url);
    const inPolicy = ticket.fields.policy ?? ticket.fields.Policy;
    expect(carried + (inPolicy ? Buffer.from(inPolicy, 'base64').toString('utf8') : '')).toContain(grant.credentials.securityToken);
  });

  test('the comparison can fail: another clock gives another signature', () => {
    expect(sign(cryptoJs, new Date(NOW.getTime() + 1000))).not.toEqual(sign(nodeCrypto));
  });
});

describe('clientTicketInput refuses what the grant does not allow', () => {
  const [, dialect, grant] = CASES[2];

  test.each<[string, Partial<typeof FILE>, string, Date, RegExp]>([
    ['a key part that could leave the prefix', {}, '../../../etc/passwd', NOW, /16 lowercase hex/],
    ['an extension with a path in it', { extension: 'jpg/../x' }, RANDOM, NOW, /not a file extension/],
    ['a file over the limit', { size: 20_971_521 }, RANDOM, NOW, /limit is 20971520 bytes/],
    ['an empty file', { size: 0 }, RANDOM, NOW, /0 bytes/],
    ['credentials with under a minute left', {}, RANDOM, new Date(NOW.getTime() + 900_000 - 59_000), /expired; fetch new ones/],
    ['expired credentials', {}, RANDOM, new Date(NOW.getTime() + 3_600_000), /expired/],
  ])('%s', (_what, file, random, now, message) => {
    const attempt = () => signClientTicket(grant, { ...FILE, ...file }, { dialect, crypto: cryptoJs, random, now });
    expect(attempt).toThrow(ClientSigningError);
    expect(attempt).toThrow(message);
  });

  test('a ticket never outlives its credentials', () => {
    const late = new Date(NOW.getTime() + 900_000 - 120_000);
    expect(clientTicketInput(grant, FILE, RANDOM, late).ttlSeconds).toBe(120);
  });

  test('a dialect for another provider is refused', () => {
    expect(() => signClientTicket(grant, FILE, { dialect: cosDialect, crypto: cryptoJs, random: RANDOM, now: NOW })).toThrow(
      /cos dialect cannot sign for a oss bucket/,
    );
  });
});

describe('cryptoJs primitives', () => {
  // Non-ASCII text: policies carry whatever the conditions hold, and UTF-8 must agree.
  const TEXTS = ['', 'policy', '{"conditions":[["eq","$key","uploads/照片 1.jpg"]]}', 'emoji 📷 and \u00e9'];

  test.each(TEXTS)('agree with Node for %j', (text) => {
    const key = 'secret-ключ';
    expect(cryptoJs.hex(cryptoJs.hmacSha256(cryptoJs.utf8(key), text))).toBe(nodeCrypto.hex(nodeCrypto.hmacSha256(nodeCrypto.utf8(key), text)));
    expect(cryptoJs.base64(cryptoJs.hmacSha1(cryptoJs.utf8(key), text))).toBe(nodeCrypto.base64(nodeCrypto.hmacSha1(nodeCrypto.utf8(key), text)));
    // Chained keys (SigV4 and OSS V4 derive keys from keys): Bytes feed back in.
    const chained = (c: SigningCrypto<any>) => c.hex(c.hmacSha256(c.hmacSha256(c.utf8(key), '20261122'), text));
    expect(chained(cryptoJs)).toBe(chained(nodeCrypto));
    expect(cryptoJs.sha256Hex(text)).toBe(nodeCrypto.sha256Hex(text));
    expect(cryptoJs.sha1Hex(text)).toBe(nodeCrypto.sha1Hex(text));
    expect(cryptoJs.md5Base64!(text)).toBe(nodeCrypto.md5Base64!(text));
    expect(cryptoJs.base64Utf8(text)).toBe(nodeCrypto.base64Utf8(text));
  });
});

describe('what WeChat ships: crypto-js and js-base64 packed by miniprogram-ci packNpmManually', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-npm-'));
    const root = resolve(__dirname, '../..');
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    // Only the mini program's runtime packages: the build packs every `dependencies` entry.
    const runtime = { 'crypto-js': pkg.dependencies['crypto-js'], 'js-base64': pkg.dependencies['js-base64'] };
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'mp', version: '1.0.0', dependencies: runtime }));
    // Copied, not symlinked: the npm build does not follow a symlinked node_modules.
    for (const name of Object.keys(runtime)) {
      await cp(join(root, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ci = require('miniprogram-ci');
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined); // its "initservices CI" banner
    try {
      await ci.packNpmManually({ packageJsonPath: join(dir, 'package.json'), miniprogramNpmDistDir: join(dir, 'miniprogram') });
    } finally {
      quiet.mockRestore();
    }
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('our crypto-js.ts, run on the packed files in a bare JS context, signs like Node', async () => {
    const npm = join(dir, 'miniprogram', 'miniprogram_npm');
    const packed: Record<string, string> = {
      'crypto-js': await readFile(join(npm, 'crypto-js', 'index.js'), 'utf8'),
      'js-base64': await readFile(join(npm, 'js-base64', 'index.js'), 'utf8'),
    };
    const source = await readFile(resolve(__dirname, '../../miniprogram/shared/signing/crypto-js/crypto-js.ts'), 'utf8');
    const compiled = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, esModuleInterop: true },
    }).outputText;

    // No Buffer, no TextEncoder, no btoa, no Node crypto: only what every JS engine has.
    const context = vm.createContext({});
    const cache: Record<string, unknown> = {};
    const load = (code: string, requireFn: (name: string) => unknown) => {
      const module = { exports: {} as Record<string, unknown> };
      vm.runInContext(`(function (module, exports, require) {${code}\n})`, context)(module, module.exports, requireFn);
      return module.exports;
    };
    const requireInMiniProgram = (name: string): unknown => {
      if (name in packed) return (cache[name] ??= load(packed[name], () => { throw new Error(`no module ${name} in a mini program`); }));
      throw new Error(`Cannot find module ${name}`);
    };
    const { cryptoJs: shipped } = load(compiled, requireInMiniProgram) as { cryptoJs: SigningCrypto<any> };

    const [, dialect, grant] = CASES[2];
    const inApp = signClientTicket(grant, FILE, { dialect, crypto: shipped, random: RANDOM, now: NOW });
    expect(inApp).toEqual(signClientTicket(grant, FILE, { dialect, crypto: nodeCrypto, random: RANDOM, now: NOW }));
    expect(shipped.base64Utf8('照片 📷')).toBe(Buffer.from('照片 📷').toString('base64'));
  });
});
