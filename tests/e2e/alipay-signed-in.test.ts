// Signed-in uploads end to end on Alipay: the real Alipay upload page, the shared
// controller, the real engine and `my` adapter, a Node-backed `my` (getAuthCode hands out
// auth codes, uploadFile is a real multipart POST), and the real signer whose Alipay
// sign-in goes through the official alipay-sdk to a loopback gateway stand-in that checks
// the RSA2 signature and signs its answers. Launch signs in silently (auth_base); 9
// photos land under the user's folder; another user cannot get links to them; a session
// that runs out mid-batch renews itself and every file ends done.
import { addFromAlbum, allSettled, openAlipayUploadPage } from '../support/alipay-upload-page';
import { startSigner, type RunningSigner } from '../support/signer';
import { photoPaths, waitUntil } from '../support/fixtures';
import { postJson } from '../support/api-helpers';
import { ALIPAY_APPID, startAlipayGateway, type AlipayGatewayStandIn } from '../support/alipay-gateway-stand-in';

const ALICE_ALIPAY_ID = '2088000000000101';

jest.setTimeout(60_000);

let gateway: AlipayGatewayStandIn;
let clockMs = Date.now();
let signer: RunningSigner;
let issued = 0;

beforeAll(async () => {
  gateway = await startAlipayGateway();
  signer = await startSigner(
    {
      UPLOAD_PRIVATE_BUCKET: 'true',
      UPLOAD_SESSION_TTL_SECONDS: '600',
      UPLOAD_ALIPAY_APPID: ALIPAY_APPID,
      UPLOAD_ALIPAY_PRIVATE_KEY: gateway.app.privatePem,
      UPLOAD_ALIPAY_PUBLIC_KEY: gateway.alipay.publicPem,
      UPLOAD_ALIPAY_GATEWAY: gateway.gateway,
    },
    { now: () => new Date(clockMs) },
  );
});
afterAll(async () => {
  await signer.close();
  await gateway.close();
});

/** Alipay's auth codes are single-use: each getAuthCode gets a new one the gateway knows. */
function authCodesFor(alipayUserId: string): () => string {
  return () => {
    const code = `auth-${++issued}`;
    gateway.codes.set(code, alipayUserId);
    return code;
  };
}

const launch = (alipayUserId: string) => openAlipayUploadPage(signer.origin, { my: { authCode: authCodesFor(alipayUserId) } });

async function sessionFor(alipayUserId: string) {
  const code = authCodesFor(alipayUserId)();
  const reply = await postJson(signer.origin, '/api/sessions', { platform: 'alipay', code });
  expect(reply.status).toBe(200);
  return { id: reply.json.user.id as string, token: reply.json.token as string };
}

test('launch signs in through the Alipay gateway; 9 photos land under the user folder; another user gets 403', async () => {
  const app = await launch(ALICE_ALIPAY_ID);
  try {
    const { services, nodeMy } = app;
    await addFromAlbum(app, photoPaths());
    await waitUntil(() => services.engine.items().length === 9 && allSettled(services), 'all nine photos settle');
    expect(services.engine.items().map((item) => item.status)).toEqual(Array(9).fill('done'));
    // Silent sign-in (auth_base), once, checked by the gateway's RSA2 verification.
    expect(nodeMy.logins.map((l) => l.scopes)).toEqual(['auth_base']);
    expect(gateway.calls.filter((c) => c.params.code === nodeMy.logins[0].authCode).map((c) => c.signatureValid)).toEqual([true]);

    const alice = await sessionFor(ALICE_ALIPAY_ID);
    const keys = services.engine.items().map((item) => item.key!);
    for (const key of keys) expect(key).toMatch(new RegExp(`^uploads/${alice.id}/\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{16}\\.(jpg|png)$`));
    expect((await services.engine.objectLinks(keys)).size).toBe(9);

    const bob = await sessionFor('2088000000000202');
    const stolen = await postJson(signer.origin, '/api/object-urls', { keys }, { authorization: `Bearer ${bob.token}` });
    expect(stolen.status).toBe(403);
    expect(stolen.json.error.code).toBe('Forbidden');
  } finally {
    app.close();
  }
});

test('a session that runs out mid-batch is renewed with a new auth code, and every file still ends done', async () => {
  const app = await launch('2088000000000303');
  try {
    const { services, nodeMy } = app;
    // When the first photo is stored, the signer's clock (and its bucket's) jumps 3 hours:
    // past the 10-minute session and the batch's tickets. The phone keeps real time.
    let jumped = false;
    services.engine.on('settled', () => {
      if (!jumped) clockMs += 3 * 3600 * 1000;
      jumped = true;
    });
    await addFromAlbum(app, photoPaths());
    await waitUntil(() => services.engine.items().length === 9 && allSettled(services), 'all nine photos settle');
    expect(services.engine.items().map((item) => item.status)).toEqual(Array(9).fill('done'));
    expect(nodeMy.logins).toHaveLength(2);
    const user = services.engine.items()[0].key!.split('/')[1];
    for (const item of services.engine.items()) expect(item.key!.split('/')[1]).toBe(user);
  } finally {
    app.close();
  }
});
