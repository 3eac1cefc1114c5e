// The engine with a signed-in session and the signer's limits, over the scripted
// transport: the session token goes with every /api/* call; a 401 renews it (a new
// login) once and asks again; Retry-After is waited for; quota refusals end the batch
// with plain words and no retry button. Pinned clock, recorded sleeps.
import { createSessionKeeper } from '../../miniprogram/shared/core/session';
import { failureMessage } from '../../miniprogram/shared/core/messages';
import { flush, json, photo, SIGNER, T0 } from '../support/fake-transport';
import { setup } from '../support/engine-harness';
import type { HttpRequest } from '../../miniprogram/shared/core/ports';

const SESSION_MS = 2 * 3600 * 1000;

function signedIn(options: { loginCodes?: string[] } = {}) {
  let clockMs = T0;
  const now = () => clockMs;
  const codes = [...(options.loginCodes ?? [])];
  const logins: string[] = [];
  let issued = 0;
  let current: string | undefined;
  const harness = (() => {
    // The keeper needs the fake transport, which the harness makes: made lazily on first use.
    let keeper: ReturnType<typeof createSessionKeeper> | undefined;
    const session = {
      token: () => keeper!.token(),
      renew: (stale: string) => keeper!.renew(stale),
    };
    const h = setup({ session, now });
    keeper = createSessionKeeper({ signerUrl: SIGNER, transport: h.fake, platform: 'wechat', loginCode: async () => {
      const code = codes.shift() ?? `code-${logins.length + 1}`;
      logins.push(code);
      return code;
    }, now });
    return h;
  })();
  const { fake } = harness;
  fake.routes['POST /api/sessions'] = () => {
    current = `token-${++issued}`;
    return json(200, { serverTime: new Date(clockMs).toISOString(), token: current, expiresAt: new Date(clockMs + SESSION_MS).toISOString(), user: { id: 'f'.repeat(24) } });
  };
  const ticketsRoute = fake.routes['POST /api/tickets'];
  fake.routes['POST /api/tickets'] = (request: HttpRequest) =>
    request.headers?.Authorization === `Bearer ${current}` ? ticketsRoute(request) : json(401, { error: { code: 'SessionExpired', message: 'expired' } });
  return { ...harness, logins, expireSession: () => void (current = 'nobody-has-this'), advance: (ms: number) => void (clockMs += ms) };
}

const bearers = (requests: HttpRequest[], path: string) => requests.filter((r) => r.url.endsWith(path)).map((r) => r.headers?.Authorization);

test('signs in once and sends the session token with the ticket request, never with /healthz', async () => {
  const { engine, fake, logins } = signedIn();
  await engine.add([photo(), photo()]);
  await flush();
  expect(logins).toEqual(['code-1']);
  expect(bearers(fake.requests, '/api/tickets')).toEqual(['Bearer token-1']);
  expect(bearers(fake.requests, '/healthz')).toEqual([undefined]);
  expect(JSON.parse(fake.requests.find((r) => r.url.endsWith('/api/sessions'))!.body!)).toEqual({ platform: 'wechat', code: 'code-1' });
});

test('a 401 for a session that ran out signs in again and asks again, and the files go on', async () => {
  const { engine, fake, logins, expireSession, settled } = signedIn();
  await engine.add([photo()]);
  await flush();
  (await fake.nextUpload()).succeed();
  expireSession();
  await engine.add([photo(), photo()]);
  await flush();
  for (let i = 0; i < 2; i++) (await fake.nextUpload()).succeed();
  await flush();
  expect(settled.map((item) => item.status)).toEqual(['done', 'done', 'done']);
  expect(logins).toEqual(['code-1', 'code-2']);
  expect(bearers(fake.requests, '/api/tickets')).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
});

test('the session is renewed before it runs out by the signer clock, without waiting for a 401', async () => {
  const { engine, fake, logins, advance } = signedIn();
  await engine.add([photo()]);
  await flush();
  (await fake.nextUpload()).succeed();
  advance(SESSION_MS - 30_000);
  await engine.add([photo()]);
  await flush();
  expect(logins).toEqual(['code-1', 'code-2']);
  expect(fake.requests.filter((r) => r.url.endsWith('/api/tickets')).map((r) => r.headers?.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
});

test('a login code the signer calls used is replaced once by a fresh one', async () => {
  const { engine, fake, logins } = signedIn();
  let refusals = 0;
  const sessions = fake.routes['POST /api/sessions'];
  fake.routes['POST /api/sessions'] = (request) =>
    refusals++ === 0 ? json(400, { error: { code: 'CodeUsed', message: 'used' } }) : sessions(request);
  await engine.add([photo()]);
  await flush();
  expect(logins).toEqual(['code-1', 'code-2']);
  expect(fake.uploads).toHaveLength(1);
});

test('429 RateLimited on the ticket request: the engine waits the Retry-After, then asks again', async () => {
  const { engine, fake, sleeps } = signedIn();
  const tickets = fake.routes['POST /api/tickets'];
  let calls = 0;
  fake.routes['POST /api/tickets'] = (request) =>
    calls++ === 0 ? { ...json(429, { error: { code: 'RateLimited', message: 'slow down' } }), headers: { 'Retry-After': '7' } } : tickets(request);
  await engine.add([photo()]);
  await flush();
  expect(sleeps).toEqual([7000]);
  expect(fake.uploads).toHaveLength(1);
});

test('a store 503 with Retry-After longer than the policy delay is waited for that long', async () => {
  const { engine, fake, sleeps } = signedIn();
  await engine.add([photo()]);
  await flush();
  // The store asks for 5 s; the policy's first pause is 1 s.
  (await fake.nextUpload()).respond(503, '', { 'retry-after': '5' });
  await flush();
  expect(sleeps).toEqual([5000]);
  (await fake.nextUpload()).succeed();
});

test.each([
  ['FileQuotaExceeded', 'quota'],
  ['ByteQuotaExceeded', 'quota'],
] as const)('429 %s: every file of the batch fails with the quota message and no retry button', async (code, reason) => {
  const { engine, fake, settled, sleeps } = signedIn();
  fake.routes['POST /api/tickets'] = () => ({ ...json(429, { error: { code, message: 'quota' } }), headers: { 'Retry-After': '21600' } });
  await engine.add([photo(), photo(), photo()]);
  await flush();
  expect(settled.map((item) => item.status)).toEqual(['failed', 'failed', 'failed']);
  for (const item of settled) {
    expect(item.error).toMatchObject({ reason, retryable: false, code });
    expect(item.error!.message).toBe(failureMessage(reason, 'zh', { code, status: 429 }));
    expect(item.error!.message).toMatch(/^今日上传已达上限/);
  }
  expect(sleeps).toEqual([]);
  expect(fake.uploads).toHaveLength(0);
});

test.each([
  [409, 'IdempotencyKeyReused'],
  [400, 'InvalidIdempotencyKey'],
] as const)("%i %s for one file of a batch: that file fails in plain words as the app's fault, the others are asked for again and go", async (status, code) => {
  const { engine, fake, settled } = signedIn();
  const tickets = fake.routes['POST /api/tickets'];
  let asked = 0;
  fake.routes['POST /api/tickets'] = (request: HttpRequest) =>
    ++asked === 1 ? json(status, { error: { code, message: 'File 2: idempotencyKey …', index: 1 } }) : tickets(request);
  await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg'), photo(10, 'c.jpg')]);
  for (let i = 0; i < 2; i++) (await fake.nextUpload()).succeed();
  await flush();
  expect(engine.items().map((item) => [item.file.name, item.status])).toEqual([
    ['a.jpg', 'done'],
    ['b.jpg', 'failed'],
    ['c.jpg', 'done'],
  ]);
  const failed = settled.find((item) => item.status === 'failed')!;
  expect(failed.error).toEqual({ reason: 'appFault', retryable: false, status, code, message: `应用出错（${code}），这个文件没有上传；请移除它，再重新选择` });
});

test('quota and rate messages exist in English too', () => {
  expect(failureMessage('quota', 'en', { code: 'FileQuotaExceeded' })).toMatch(/^Today's upload limit/);
  expect(failureMessage('rateLimited', 'en')).toMatch(/Too many uploads/);
  expect(failureMessage('rateLimited', 'zh')).toMatch(/上传太频繁/);
});

test('a signer without sign-in (404 at /api/sessions) is used without a session, and not asked again', async () => {
  const { engine, fake } = setup({
    session: createSessionKeeper({
      signerUrl: SIGNER,
      transport: { request: (r) => fake.request(r), upload: (r) => fake.upload(r) },
      platform: 'alipay',
      loginCode: async () => 'code',
      now: () => T0,
    }),
  });
  await engine.add([photo()]);
  await engine.add([photo()]);
  await flush();
  expect(fake.requests.filter((r) => r.url.endsWith('/api/sessions'))).toHaveLength(1);
  expect(bearers(fake.requests, '/api/tickets')).toEqual([undefined, undefined]);
});
