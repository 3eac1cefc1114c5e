// POST /api/sessions with Alipay: the official alipay-sdk signs alipay.system.oauth.token
// with the app's RSA2 key; a loopback gateway stand-in checks that signature with the
// app's public key and signs its answers with its own key pair (both generated here,
// never committed). The signer believes only answers that verify.
import { rsaPair, startAlipayGateway, ALIPAY_APPID, type AlipayGatewayStandIn } from '../../support/alipay-gateway-stand-in';
import { postJson, type Reply } from '../../support/api-helpers';
import { startSigner, type RunningSigner } from '../../support/signer';

let gateway: AlipayGatewayStandIn;
let signer: RunningSigner;

const CLOUD = {
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'cn-hangzhou',
  UPLOAD_ACCESS_KEY_ID: 'LTAIEXAMPLE',
  UPLOAD_ACCESS_KEY_SECRET: 'bucket-secret-example',
  UPLOAD_ALLOW_ANONYMOUS: 'false',
};

function alipayEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...CLOUD,
    UPLOAD_ALIPAY_APPID: ALIPAY_APPID,
    // As an operator pastes a PEM into .env: one line with literal \n.
    UPLOAD_ALIPAY_PRIVATE_KEY: gateway.app.privatePem.replace(/\n/g, '\\n'),
    UPLOAD_ALIPAY_PUBLIC_KEY: gateway.alipay.publicPem,
    UPLOAD_ALIPAY_GATEWAY: gateway.gateway,
    ...overrides,
  };
}

beforeAll(async () => {
  gateway = await startAlipayGateway();
  signer = await startSigner(alipayEnv(), { devBucket: false });
});
afterAll(async () => {
  await signer.close();
  await gateway.close();
});

const signIn = (origin: string, code: string) => postJson(origin, '/api/sessions', { platform: 'alipay', code });
const expectError = (reply: Reply, status: number, code: string) => {
  expect({ status: reply.status, code: reply.json?.error?.code }).toEqual({ status, code });
  expect(reply.json.token).toBeUndefined();
};

test('a valid auth code: the request is RSA2-signed, the answer verified, and only a session comes back', async () => {
  gateway.codes.set('auth-ok-1', '2088000000000001');
  const reply = await signIn(signer.origin, 'auth-ok-1');
  expect(reply.status).toBe(200);
  expect(reply.json.user.id).toMatch(/^[0-9a-f]{24}$/);
  expect(reply.text).not.toContain('2088000000000001');
  expect(reply.text).not.toContain('access-token');
  const call = gateway.calls.at(-1)!;
  expect(call.signatureValid).toBe(true);
  expect(call.params).toMatchObject({
    app_id: ALIPAY_APPID,
    method: 'alipay.system.oauth.token',
    charset: 'utf-8',
    sign_type: 'RSA2',
    version: '1.0',
    grant_type: 'authorization_code',
    code: 'auth-ok-1',
  });
  expect(call.params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});

test('the same Alipay user gets the same folder from every login', async () => {
  gateway.codes.set('auth-same-1', '2088000000000002');
  gateway.codes.set('auth-same-2', '2088000000000002');
  const first = await signIn(signer.origin, 'auth-same-1');
  const second = await signIn(signer.origin, 'auth-same-2');
  expect(second.json.user.id).toBe(first.json.user.id);
});

test('an invalid or reused code (isv.code-invalid) → 400 InvalidCode', async () => {
  gateway.codes.set('auth-once', '2088000000000003');
  expect((await signIn(signer.origin, 'auth-once')).status).toBe(200);
  expectError(await signIn(signer.origin, 'auth-once'), 400, 'InvalidCode');
  expectError(await signIn(signer.origin, 'auth-never-issued'), 400, 'InvalidCode');
});

test('an answer signed by someone else than Alipay is not believed: 502, no session', async () => {
  gateway.codes.set('auth-forged', '2088000000000004');
  gateway.signAnswersWith = rsaPair().privatePem;
  try {
    expectError(await signIn(signer.origin, 'auth-forged'), 502, 'PlatformUnavailable');
    expect(signer.logged.join('\n')).not.toContain('access-token');
  } finally {
    gateway.signAnswersWith = undefined;
  }
});

test('a signer holding the wrong app key is refused by the gateway (isv.invalid-signature) and says so', async () => {
  const wrongKey = await startSigner(alipayEnv({ UPLOAD_ALIPAY_PRIVATE_KEY: rsaPair().privatePem }), { devBucket: false });
  try {
    gateway.codes.set('auth-wrong-key', '2088000000000005');
    expectError(await signIn(wrongKey.origin, 'auth-wrong-key'), 502, 'PlatformError');
    expect(gateway.calls.at(-1)!.signatureValid).toBe(false);
  } finally {
    await wrongKey.close();
  }
});
