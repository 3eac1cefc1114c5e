// signing: 'client': the same engine, with tickets signed on the phone (crypto-js and
// the signer's own dialects) from GET /api/credentials grants. The grant is cached
// until shortly before its credentials expire, files needing it at once share one
// request, key randomness comes from the platform's secure source, the fresh-ticket
// path is unchanged, and a signer without STS gets a message a developer can act on.
import type { CredentialsResponse } from '../../typings/credentials';
import { CREDENTIALS_REFRESH_MS, type ClientSigningOptions } from '../../miniprogram/shared/core/client-tickets';
import { signWithCryptoJs } from '../../miniprogram/shared/signing/crypto-js/index';
import { BUCKET, flush, json, photo, s3Error, SIGNER } from '../support/fake-transport';
import { setup } from '../support/engine-harness';

const CREDENTIALS_LIFETIME_MS = 900_000;
const KEY_PREFIX = 'uploads/client/2026/11/22/0123456789abcdef/';

/** Counting bytes: distinct, predictable, and recorded so the test can see they were used. */
function countingRandom() {
  const calls: number[] = [];
  let next = 0;
  const secureRandom = async (length: number) => {
    calls.push(length);
    return Uint8Array.from({ length }, () => next++ % 256);
  };
  return { secureRandom, calls };
}

function clientSetup(extra: Partial<ClientSigningOptions> = {}, lang: 'zh' | 'en' = 'zh') {
  const random = countingRandom();
  const harness = setup({ lang, clientSigning: { loadSigner: () => signWithCryptoJs, secureRandom: random.secureRandom, ...extra } });
  const { fake, clock } = harness;
  let granted = 0;
  fake.routes['GET /api/credentials'] = () => {
    granted += 1;
    const serverNow = clock.now() + fake.serverSkewMs;
    const grant: CredentialsResponse = {
      serverTime: new Date(serverNow).toISOString(),
      provider: 's3',
      method: 'post',
      bucket: 'dev-bucket',
      region: 'us-east-1',
      endpoint: BUCKET,
      publicBaseUrl: BUCKET,
      keyPrefix: KEY_PREFIX,
      ticketTtlSeconds: 600,
      credentials: {
        accessKeyId: `ASIATEMP${granted}`,
        accessKeySecret: `temp-secret-${granted}`,
        securityToken: `token-${granted}`,
        expiration: new Date(serverNow + CREDENTIALS_LIFETIME_MS).toISOString(),
      },
      limits: fake.limits,
    };
    return json(200, grant);
  };
  const credentialRequests = () => fake.requests.filter((r) => r.url === `${SIGNER}/api/credentials`);
  return { ...harness, random, credentialRequests };
}

test('a batch costs one credentials request and no ticket request; tickets are signed on the phone', async () => {
  const { engine, fake, random, credentialRequests } = clientSetup();
  await engine.add([photo(10, 'a.jpg'), photo(20, 'b.png', 'image/png'), photo(30, 'c.jpg')]);
  const uploads = [await fake.nextUpload(), await fake.nextUpload(), await fake.nextUpload()];

  expect(credentialRequests()).toHaveLength(1);
  expect(fake.ticketRequests()).toEqual([]);
  expect(random.calls).toEqual([24]); // 8 secure random bytes per key, one call for the batch
  const fields = uploads.map((u) => u.request.fields);
  expect(fields.map((f) => f.key)).toEqual([
    `${KEY_PREFIX}0001020304050607.jpg`,
    `${KEY_PREFIX}08090a0b0c0d0e0f.png`,
    `${KEY_PREFIX}1011121314151617.jpg`,
  ]);
  expect(fields[1]['Content-Type']).toBe('image/png');
  expect(fields[0]['X-Amz-Credential']).toMatch(/^ASIATEMP1\/20261122\/us-east-1\/s3\/aws4_request$/);
  expect(fields[0]['X-Amz-Security-Token']).toBe('token-1');
  expect(fields[0]['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);

  uploads.forEach((u) => u.respond(201));
  await flush();
  expect(engine.items().map((i) => [i.status, i.objectUrl])).toEqual([
    ['done', `${BUCKET}/${KEY_PREFIX}0001020304050607.jpg`],
    ['done', `${BUCKET}/${KEY_PREFIX}08090a0b0c0d0e0f.png`],
    ['done', `${BUCKET}/${KEY_PREFIX}1011121314151617.jpg`],
  ]);
});

test('the grant is reused by later batches, and refreshed shortly before it expires', async () => {
  const { engine, fake, clock, credentialRequests } = clientSetup();
  await engine.add([photo(10)]);
  (await fake.nextUpload()).respond(201);
  clock.advance(CREDENTIALS_LIFETIME_MS - CREDENTIALS_REFRESH_MS - 1000);
  await engine.add([photo(10)]);
  const second = await fake.nextUpload();
  expect(credentialRequests()).toHaveLength(1);
  expect(second.request.fields['X-Amz-Credential']).toMatch(/^ASIATEMP1\//);

  clock.advance(2000); // now within the refresh window
  await engine.add([photo(10)]);
  const third = await fake.nextUpload();
  expect(credentialRequests()).toHaveLength(2);
  expect(third.request.fields['X-Amz-Credential']).toMatch(/^ASIATEMP2\//);
});

test('files needing credentials at the same moment share one request', async () => {
  const { engine, fake, credentialRequests } = clientSetup();
  const grant = fake.routes['GET /api/credentials'];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  fake.routes['GET /api/credentials'] = async (request) => {
    await gate;
    return grant(request);
  };
  await Promise.all([engine.add([photo(10)]), engine.add([photo(10)]), engine.add([photo(10), photo(10)])]);
  await flush();
  release();
  // Three run at once (the default concurrency); the fourth starts when one ends.
  for (let i = 0; i < 3; i += 1) await fake.nextUpload();
  fake.uploads[0].respond(201);
  await fake.nextUpload();
  expect(credentialRequests()).toHaveLength(1);
  expect(fake.uploads.map((u) => u.request.fields['X-Amz-Credential'].split('/')[0])).toEqual(Array(4).fill('ASIATEMP1'));
});

test('an expired ticket gets a fresh one signed on the phone, from the cached grant', async () => {
  const { engine, fake, credentialRequests } = clientSetup();
  await engine.add([photo(10, 'a.jpg')]);
  const first = await fake.nextUpload();
  first.respond(403, s3Error('AccessDenied', 'Invalid according to Policy: Policy expired.'));
  const second = await fake.nextUpload();
  expect(second.request.fields.key).not.toBe(first.request.fields.key);
  second.respond(201);
  await flush();
  expect(engine.items()[0].status).toBe('done');
  expect(credentialRequests()).toHaveLength(1);
});

test('the grant is fetched with the bearer token, and a 401 reads as unauthorized', async () => {
  const random = countingRandom();
  const { engine, fake } = setup({ authToken: 't0ken', clientSigning: { loadSigner: () => signWithCryptoJs, secureRandom: random.secureRandom } });
  fake.routes['GET /api/credentials'] = () => json(401, { error: { code: 'Unauthorized', message: 'token' } });
  await engine.add([photo(10)]);
  await flush();
  expect(fake.requests.find((r) => r.url.endsWith('/api/credentials'))?.headers?.Authorization).toBe('Bearer t0ken');
  expect(engine.items()[0].error?.reason).toBe('unauthorized');
});

describe('a developer gets told what to change', () => {
  test('404 NotConfigured: set signing to server or configure STS', async () => {
    const { engine, fake } = clientSetup();
    fake.routes['GET /api/credentials'] = () =>
      json(404, { error: { code: 'NotConfigured', message: 'This signer does not hand out temporary credentials.' } });
    await engine.add([photo(10), photo(10)]);
    await flush();
    for (const item of engine.items()) {
      expect(item.error).toEqual({
        reason: 'clientSigning',
        status: 404,
        code: 'NotConfigured',
        retryable: false,
        message:
          "上传服务没有开启临时密钥（/api/credentials 未配置）：请在 miniprogram/config.ts 中把 signing 改为 'server'，或在签名服务上配置 UPLOAD_STS_ROLE_ARN",
      });
    }
    expect(fake.uploads).toHaveLength(0);
  });

  test('403 QuotaNotEnforceable: set signing to server or turn the quotas off, in Chinese and English', async () => {
    for (const [lang, words] of [
      ['zh', /把 signing 改为 'server'.*UPLOAD_QUOTA_FILES_PER_DAY 和 UPLOAD_QUOTA_BYTES_PER_DAY 设为 0/],
      ['en', /set signing: 'server'.*UPLOAD_QUOTA_FILES_PER_DAY and UPLOAD_QUOTA_BYTES_PER_DAY to 0/],
    ] as const) {
      const { engine, fake } = clientSetup({}, lang);
      fake.routes['GET /api/credentials'] = () =>
        json(403, { error: { code: 'QuotaNotEnforceable', message: 'This signer counts a daily quota (UPLOAD_QUOTA_FILES_PER_DAY).' } });
      await engine.add([photo(10)]);
      await flush();
      const error = engine.items()[0].error;
      expect(error).toMatchObject({ reason: 'clientSigning', status: 403, code: 'QuotaNotEnforceable', retryable: false });
      expect(error?.message).toMatch(words);
      expect(fake.uploads).toHaveLength(0);
    }
  });

  test('crypto-js missing (npm not built): run npm run pack:mp', async () => {
    const { engine, fake, credentialRequests } = clientSetup(
      {
        loadSigner: () => {
          throw new Error("module 'miniprogram_npm/crypto-js/index.js' is not defined");
        },
      },
      'en',
    );
    await engine.add([photo(10)]);
    await flush();
    expect(engine.items()[0].error?.message).toContain('run npm run pack:mp');
    expect(engine.items()[0].error?.code).toBe('NpmNotBuilt');
    expect(credentialRequests()).toHaveLength(0);
    expect(fake.uploads).toHaveLength(0);
  });

  test('no secure random source: refuse rather than fall back to Math.random', async () => {
    const { engine } = clientSetup({ secureRandom: undefined }, 'en');
    await engine.add([photo(10)]);
    await flush();
    expect(engine.items()[0].error).toMatchObject({ reason: 'clientSigning', code: 'NoSecureRandom' });
    expect(engine.items()[0].error?.message).toContain("set signing: 'server'");
  });
});

test('a file of unknown type fails alone; the rest of the batch is signed', async () => {
  const { engine, fake } = clientSetup();
  fake.limits = { ...fake.limits, allowedTypes: ['*/*'] };
  await engine.add([photo(10, 'a.jpg'), photo(10, 'mystery', ''), photo(10, 'c.jpg')]);
  await fake.nextUpload();
  await fake.nextUpload();
  await flush();
  expect(engine.items().map((i) => i.status)).toEqual(['uploading', 'failed', 'uploading']);
  expect(engine.items()[1].error?.reason).toBe('typeNotAllowed');
});

test('server mode is untouched: no credentials request, tickets from POST /api/tickets', async () => {
  const { engine, fake } = setup();
  await engine.add([photo(10)]);
  await fake.nextUpload();
  expect(fake.requests.map((r) => `${r.method} ${r.url.replace(SIGNER, '')}`)).toEqual(['GET /healthz', 'POST /api/tickets']);
});
