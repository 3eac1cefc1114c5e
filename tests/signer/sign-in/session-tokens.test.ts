// Session tokens over real HTTP: forged, expired, signed by another key, or from another
// signer with the same UPLOAD_SESSION_SECRET (accepted: that is how several signers share
// the work). The clock is pinned and moved by the test.
import { SignJWT } from 'jose';
import { askTickets, photo, postJson, type Reply } from '../../support/api-helpers';
import { startSigner, type RunningSigner } from '../../support/signer';

const SECRET = 'a-session-secret-of-at-least-32-characters!';
const START = new Date('2026-11-22T10:00:00.000Z');
let clock = START;
const now = () => clock;

let signer: RunningSigner;
let twin: RunningSigner;
let stranger: RunningSigner;

// Dev bucket with tokens: anonymous callers are refused, so every ticket needs a session.
const ENV = { UPLOAD_SESSION_SECRET: SECRET, UPLOAD_AUTH_TOKENS: 'server-to-server-token-0123456789' };
const SERVICE = { authorization: 'Bearer server-to-server-token-0123456789' };

beforeAll(async () => {
  signer = await startSigner(ENV, { now });
  twin = await startSigner(ENV, { now });
  stranger = await startSigner({ ...ENV, UPLOAD_SESSION_SECRET: 'another-secret-of-at-least-32-characters!!' }, { now });
});
afterAll(async () => {
  await Promise.all([signer.close(), twin.close(), stranger.close()]);
});
beforeEach(() => {
  clock = START;
});

async function login(origin: string, code = 'dev:alice'): Promise<{ token: string; expiresAt: string; user: { id: string } }> {
  const reply = await postJson(origin, '/api/sessions', { platform: 'wechat', code }, SERVICE);
  expect(reply.status).toBe(200);
  return reply.json;
}
const withToken = (origin: string, token: string) => askTickets(origin, { files: [photo()] }, { authorization: `Bearer ${token}` });
const expect401 = (reply: Reply, code: string) => {
  expect({ status: reply.status, code: reply.json.error.code }).toEqual({ status: 401, code });
  expect(reply.headers['www-authenticate']).toBe('Bearer');
  expect(reply.json.tickets).toBeUndefined();
};

test('a fresh token gets tickets; it expires after 2 hours by the signer clock with 401 SessionExpired', async () => {
  const session = await login(signer.origin);
  expect(session.expiresAt).toBe('2026-11-22T12:00:00.000Z');
  expect((await withToken(signer.origin, session.token)).status).toBe(200);
  clock = new Date('2026-11-22T11:59:59.000Z');
  expect((await withToken(signer.origin, session.token)).status).toBe(200);
  clock = new Date('2026-11-22T12:00:00.000Z');
  expect401(await withToken(signer.origin, session.token), 'SessionExpired');
});

test('a token whose payload was changed (another user) is refused with 401 InvalidSession', async () => {
  const session = await login(signer.origin);
  const [header, payload, signature] = session.token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: '0123456789abcdef01234567' })).toString('base64url');
  expect401(await withToken(signer.origin, `${header}.${forged}.${signature}`), 'InvalidSession');
});

test('a token signed with another key, or with alg "none", is refused with 401 InvalidSession', async () => {
  const foreign = await new SignJWT({ plt: 'wechat' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('0123456789abcdef01234567')
    .setIssuer('mini-direct-upload-signer')
    .setAudience('mini-direct-upload-app')
    .setIssuedAt(Math.floor(START.getTime() / 1000))
    .setExpirationTime(Math.floor(START.getTime() / 1000) + 3600)
    .sign(new TextEncoder().encode('a-key-the-signer-never-had-0123456789'));
  expect401(await withToken(signer.origin, foreign), 'InvalidSession');
  const [, payload] = foreign.split('.');
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  expect((await withToken(signer.origin, unsigned)).status).toBe(401);
  // A signer with another UPLOAD_SESSION_SECRET refuses this signer's tokens.
  expect401(await withToken(stranger.origin, (await login(signer.origin)).token), 'InvalidSession');
});

test('another signer with the same UPLOAD_SESSION_SECRET accepts the token and names the same user folder', async () => {
  const session = await login(signer.origin, 'dev:bob');
  const reply = await withToken(twin.origin, session.token);
  expect(reply.status).toBe(200);
  expect(reply.json.tickets[0].key.startsWith(`uploads/${session.user.id}/`)).toBe(true);
});

test('with UPLOAD_AUTH_TOKENS set the dev login needs the token too; a static token still gets tickets (service folder)', async () => {
  const reply = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: 'dev:eve' });
  expect(reply.status).toBe(401);
  expect(reply.json.error.code).toBe('Unauthorized');
  const service = await askTickets(signer.origin, { files: [photo()] }, SERVICE);
  expect(service.status).toBe(200);
  expect(service.json.tickets[0].key).toMatch(/^uploads\/service\/2026\/11\/22\/[0-9a-f]{16}\.jpg$/);
  expect401(await askTickets(signer.origin, { files: [photo()] }), 'Unauthorized');
});
