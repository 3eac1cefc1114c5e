// POST /api/sessions with WeChat: the signer exchanges the wx.login code at a loopback
// stand-in of code2Session, and answers with a session token, never the openid or the
// session_key. Every WeChat error becomes a specific 4xx/5xx code the app can act on.
import { postJson, photo, askTickets, type Reply } from '../../support/api-helpers';
import { startSigner, type RunningSigner } from '../../support/signer';
import { SESSION_KEY, startWechatLogin, WECHAT_APPID, WECHAT_SECRET, type WechatLoginStandIn } from '../../support/wechat-login-stand-in';

let wechat: WechatLoginStandIn;
let signer: RunningSigner;

beforeAll(async () => {
  wechat = await startWechatLogin();
  signer = await startSigner(
    {
      UPLOAD_PROVIDER: 's3',
      UPLOAD_BUCKET: 'examplebucket',
      UPLOAD_REGION: 'us-east-1',
      UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-example',
      UPLOAD_ALLOW_ANONYMOUS: 'false',
      UPLOAD_WECHAT_APPID: WECHAT_APPID,
      UPLOAD_WECHAT_SECRET: WECHAT_SECRET,
      UPLOAD_WECHAT_API_BASE: wechat.apiBase,
    },
    { devBucket: false },
  );
});
afterAll(async () => {
  await signer.close();
  await wechat.close();
});

/** A cloud signer (no dev login) with WeChat sign-in; each test names where code2Session is. */
const CLOUD_WITH_WECHAT = {
  UPLOAD_PROVIDER: 's3',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'us-east-1',
  UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-example',
  UPLOAD_WECHAT_APPID: WECHAT_APPID,
  UPLOAD_WECHAT_SECRET: WECHAT_SECRET,
};
const signIn = (body: unknown) => postJson(signer.origin, '/api/sessions', body);
const expectError = (reply: Reply, status: number, code: string) => {
  expect({ status: reply.status, code: reply.json?.error?.code }).toEqual({ status, code });
  expect(reply.json.token).toBeUndefined();
};

test('a valid code gives a session token, an expiry about 2 hours out and the user folder, never the openid or session_key', async () => {
  wechat.codes.set('code-ok-1', 'oOpenId-alice');
  const before = Date.now();
  const reply = await signIn({ platform: 'wechat', code: 'code-ok-1' });
  expect(reply.status).toBe(200);
  expect(reply.json.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(reply.json.user.id).toMatch(/^[0-9a-f]{24}$/);
  const lifetime = Date.parse(reply.json.expiresAt) - before;
  expect(lifetime).toBeGreaterThan(7100_000);
  expect(lifetime).toBeLessThanOrEqual(7201_000);
  for (const leak of ['oOpenId-alice', SESSION_KEY, WECHAT_SECRET, 'union-']) expect(reply.text).not.toContain(leak);
  // The token's payload is readable by anyone: it must not hold the openid either.
  const payload = Buffer.from(reply.json.token.split('.')[1], 'base64url').toString();
  expect(payload).not.toContain('oOpenId-alice');
  // The stand-in saw what code2Session documents.
  const call = wechat.calls.at(-1)!;
  expect(Object.fromEntries(call)).toEqual({ appid: WECHAT_APPID, secret: WECHAT_SECRET, js_code: 'code-ok-1', grant_type: 'authorization_code' });
});

test('the same WeChat user gets the same folder from every login, another user another one', async () => {
  wechat.codes.set('code-a-1', 'oOpenId-same');
  wechat.codes.set('code-a-2', 'oOpenId-same');
  wechat.codes.set('code-b-1', 'oOpenId-other');
  const first = await signIn({ platform: 'wechat', code: 'code-a-1' });
  const second = await signIn({ platform: 'wechat', code: 'code-a-2' });
  const other = await signIn({ platform: 'wechat', code: 'code-b-1' });
  expect(second.json.user.id).toBe(first.json.user.id);
  expect(other.json.user.id).not.toBe(first.json.user.id);
});

test('the session token gets tickets under the user folder; without it the cloud signer refuses', async () => {
  wechat.codes.set('code-t-1', 'oOpenId-tickets');
  const session = (await signIn({ platform: 'wechat', code: 'code-t-1' })).json;
  const reply = await askTickets(signer.origin, { files: [photo(), photo()] }, { authorization: `Bearer ${session.token}` });
  expect(reply.status).toBe(200);
  for (const ticket of reply.json.tickets) {
    expect(ticket.key).toMatch(new RegExp(`^uploads/${session.user.id}/\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{16}\\.jpg$`));
  }
  const anonymous = await askTickets(signer.origin, { files: [photo()] });
  expect(anonymous.status).toBe(401);
  expect(anonymous.json.error.code).toBe('Unauthorized');
  expect(anonymous.headers['www-authenticate']).toBe('Bearer');
});

test.each([
  ['an invalid code (40029)', 400, 'InvalidCode', 'code-bad', undefined],
  ['WeChat busy (-1)', 503, 'PlatformBusy', 'code-busy', -1],
  ['WeChat rate limiting the user (45011)', 429, 'PlatformRateLimited', 'code-limited', 45011],
])('%s → %d %s, nothing issued', async (_name, status, errorCode, code, errcode) => {
  if (errcode !== undefined) wechat.failing.set(code, errcode);
  const reply = await signIn({ platform: 'wechat', code });
  expectError(reply, status, errorCode);
  if (status !== 400) expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
});

test('a code used twice (40163) is refused the second time', async () => {
  wechat.codes.set('code-once', 'oOpenId-once');
  expect((await signIn({ platform: 'wechat', code: 'code-once' })).status).toBe(200);
  expectError(await signIn({ platform: 'wechat', code: 'code-once' }), 400, 'CodeUsed');
});

test.each([
  ['no platform', 'UnknownPlatform', { code: 'x' }],
  ['an unknown platform', 'UnknownPlatform', { platform: 'douyin', code: 'x' }],
  ['no code', 'InvalidCode', { platform: 'wechat' }],
  ['an empty code', 'InvalidCode', { platform: 'wechat', code: '  ' }],
  ['a code far too long', 'InvalidCode', { platform: 'wechat', code: 'x'.repeat(1000) }],
  ['a platform this signer has no credentials for', 'PlatformNotConfigured', { platform: 'alipay', code: 'x' }],
])('%s → 400 %s, and WeChat is not asked', async (_name, code, body) => {
  const calls = wechat.calls.length;
  expectError(await signIn(body), 400, code);
  expect(wechat.calls.length).toBe(calls);
});

test('an UPLOAD_WECHAT_API_BASE with a path (a proxy) keeps it: code2Session is asked under it', async () => {
  const proxied = await startWechatLogin('/wx');
  const behindProxy = await startSigner(
    {
      ...CLOUD_WITH_WECHAT,
      UPLOAD_WECHAT_API_BASE: proxied.apiBase,
    },
    { devBucket: false },
  );
  try {
    proxied.codes.set('code-proxied', 'oOpenId-proxied');
    const reply = await postJson(behindProxy.origin, '/api/sessions', { platform: 'wechat', code: 'code-proxied' });
    expect(reply.status).toBe(200);
    expect(proxied.calls).toHaveLength(1);
  } finally {
    await behindProxy.close();
    await proxied.close();
  }
});

test('WeChat unreachable → 502 PlatformUnavailable, and the log never shows the app secret', async () => {
  const unreachable = await startSigner(
    {
      ...CLOUD_WITH_WECHAT,
      // A port nobody listens on: the stand-in's, after it closed.
      UPLOAD_WECHAT_API_BASE: 'http://127.0.0.1:9',
    },
    { devBucket: false },
  );
  try {
    const reply = await postJson(unreachable.origin, '/api/sessions', { platform: 'wechat', code: 'whatever' });
    expectError(reply, 502, 'PlatformUnavailable');
    expect(unreachable.logged.join('\n')).toContain('code2Session');
    expect(unreachable.logged.join('\n')).not.toContain(WECHAT_SECRET);
  } finally {
    await unreachable.close();
  }
});
