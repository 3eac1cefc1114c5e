// Issue 9, item 10: objects the app signed itself (client-side signing, keys under the
// folder /api/credentials grants inside the caller's own folder) get private links like
// server-signed ones, and only keys of exactly that shape do; a service caller (static
// token) may link them in any user's folder, as it may the server-signed ones.
import { clientKeyPrefix } from '../../cloud-signer/src/routes/credentials';
import { PINNED_NOW, postJson, signingOnly } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

const GRANT = '89abcdef01234567';
const RANDOM = '0123456789abcdef';
/** Callers without a session (the dev bucket on loopback) have this folder. */
const CALLER = 'uploads/anonymous/';
// The folder a grant from /api/credentials names, and the key the app builds in it.
const clientKey = `${clientKeyPrefix(CALLER, PINNED_NOW, GRANT)}${RANDOM}.jpg`;
const SERVICE_TOKEN = 'service-token-for-links-0001';

let api: RunningSigner;
beforeAll(async () => {
  api = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' }, signingOnly());
});
afterAll(() => api.close());

test('a client-signed key gets a presigned link', async () => {
  expect(clientKey).toBe(`uploads/anonymous/client/2026/11/22/${GRANT}/${RANDOM}.jpg`);
  const reply = await postJson(api.origin, '/api/object-urls', { keys: [clientKey, `${CALLER}2026/11/22/${RANDOM}.png`] });
  expect(reply.status).toBe(200);
  const link = new URL(reply.json.urls[0].url);
  expect(`${link.origin}${link.pathname}`).toBe(`${api.origin}/dev-bucket/${clientKey}`);
  expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
});

test.each([
  ['a short grant folder', `uploads/anonymous/client/2026/11/22/89abcdef/${RANDOM}.jpg`],
  ['an upper-case grant folder', `uploads/anonymous/client/2026/11/22/89ABCDEF01234567/${RANDOM}.jpg`],
  ['a name the app never makes', `uploads/anonymous/client/2026/11/22/${GRANT}/holiday.jpg`],
  ['an extra folder', `uploads/anonymous/client/2026/11/22/${GRANT}/${GRANT}/${RANDOM}.jpg`],
  ['a server-shaped key in the client folder', `uploads/anonymous/client/2026/11/22/${RANDOM}.jpg`],
  ['a climb out of the folder', `uploads/anonymous/client/2026/11/22/${GRANT}/../../../../../x/${RANDOM}.jpg`],
  ['another folder name', `uploads/anonymous/clients/2026/11/22/${GRANT}/${RANDOM}.jpg`],
  ['no prefix', `client/2026/11/22/${GRANT}/${RANDOM}.jpg`],
  ["another user's client key", `uploads/0123456789abcdef01234567/client/2026/11/22/${GRANT}/${RANDOM}.jpg`],
])('refuses %s', async (_label, key) => {
  const reply = await postJson(api.origin, '/api/object-urls', { keys: [key] });
  expect(reply.status).toBe(403);
  expect(reply.json.error).toMatchObject({ code: 'Forbidden', index: 0 });
});

test('several keys not the caller\'s are all named in one 403 (indexes), so the app drops them in one go', async () => {
  const mine = `${CALLER}2026/11/22/${RANDOM}.jpg`;
  const others = ['uploads/0123456789abcdef01234567/2026/11/22/0123456789abcdef.jpg', 'uploads/ffffffffffffffffffffffff/2026/11/22/0123456789abcdef.jpg'];
  const reply = await postJson(api.origin, '/api/object-urls', { keys: [others[0], mine, others[1]] });
  expect(reply.status).toBe(403);
  expect(reply.json.error).toMatchObject({ code: 'Forbidden', index: 0, indexes: [0, 2] });
  expect(reply.json.error.message).toContain('Keys 1, 3 are not among your uploads');
  // One key refused: `index` alone, as before.
  const one = await postJson(api.origin, '/api/object-urls', { keys: [mine, others[0]] });
  expect(one.json.error).toEqual({ code: 'Forbidden', index: 1, message: expect.stringContaining('Key 2 is not one of your uploads') });
});

test("a service caller may link a user's client-signed keys, and still no other shape", async () => {
  const service = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true', UPLOAD_AUTH_TOKENS: SERVICE_TOKEN }, signingOnly());
  try {
    const auth = { Authorization: `Bearer ${SERVICE_TOKEN}` };
    const userKey = `${clientKeyPrefix('uploads/0123456789abcdef01234567/', PINNED_NOW, GRANT)}${RANDOM}.jpg`;
    expect((await postJson(service.origin, '/api/object-urls', { keys: [userKey] }, auth)).status).toBe(200);
    const odd = `uploads/0123456789abcdef01234567/client/2026/11/22/${GRANT}/holiday.jpg`;
    expect((await postJson(service.origin, '/api/object-urls', { keys: [odd] }, auth)).status).toBe(403);
  } finally {
    await service.close();
  }
});
