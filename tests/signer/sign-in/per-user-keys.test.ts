// Per-user keys on the dev bucket: the dev login makes any code one local user and
// `dev:<name>` codes other users; each user's keys lie under its own folder, and
// /api/object-urls signs links only for the caller's own keys (403 for anyone else's).
// Anonymous callers on loopback still work, under one anonymous folder.
import { askTickets, photo, postJson, PINNED_NOW } from '../../support/api-helpers';
import { startSigner, type RunningSigner } from '../../support/signer';

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' }, { now: () => PINNED_NOW });
});
afterAll(() => signer.close());

async function login(code: string, platform = 'wechat') {
  const reply = await postJson(signer.origin, '/api/sessions', { platform, code });
  expect(reply.status).toBe(200);
  return { id: reply.json.user.id as string, auth: { authorization: `Bearer ${reply.json.token}` } };
}
async function keysFor(auth: Record<string, string>, count = 2): Promise<string[]> {
  const reply = await askTickets(signer.origin, { files: Array.from({ length: count }, (_, i) => photo({ name: `IMG_${i}.jpg` })) }, auth);
  expect(reply.status).toBe(200);
  return reply.json.tickets.map((t: { key: string }) => t.key);
}
const links = (keys: string[], auth: Record<string, string> = {}) => postJson(signer.origin, '/api/object-urls', { keys }, auth);

test('any code is the one local user: two launches, same folder, so history survives a relaunch', async () => {
  const first = await login('0a1b2c3d-any-code');
  const second = await login('another-code-entirely');
  expect(second.id).toBe(first.id);
  expect((await login('whatever', 'alipay')).id).not.toBe(first.id);
});

test('keys are <prefix><user>/YYYY/MM/DD/<random>.<ext>, each user in its own folder', async () => {
  const alice = await login('dev:alice');
  const bob = await login('dev:bob');
  expect(alice.id).not.toBe(bob.id);
  for (const key of await keysFor(alice.auth)) expect(key).toMatch(new RegExp(`^uploads/${alice.id}/2026/11/22/[0-9a-f]{16}\\.jpg$`));
  for (const key of await keysFor(bob.auth)) expect(key).toMatch(new RegExp(`^uploads/${bob.id}/2026/11/22/[0-9a-f]{16}\\.jpg$`));
});

test('a user gets links to its own keys; another user asking for them gets 403 with the index, and no link', async () => {
  const alice = await login('dev:alice');
  const bob = await login('dev:bob');
  const aliceKeys = await keysFor(alice.auth);
  const own = await links(aliceKeys, alice.auth);
  expect(own.status).toBe(200);
  expect(own.json.urls.map((u: { key: string }) => u.key)).toEqual(aliceKeys);
  const bobsKeys = await keysFor(bob.auth, 1);
  const stolen = await links([bobsKeys[0], aliceKeys[1]], bob.auth);
  expect(stolen.status).toBe(403);
  expect(stolen.json.error).toMatchObject({ code: 'Forbidden', index: 1 });
  expect(stolen.json.urls).toBeUndefined();
  // Anonymous callers cannot reach anyone's keys either.
  expect((await links([aliceKeys[0]])).status).toBe(403);
});

test('anonymous callers on loopback keep working (curl recipes) under the anonymous folder', async () => {
  const keys = await keysFor({}, 1);
  expect(keys[0]).toMatch(/^uploads\/anonymous\/2026\/11\/22\/[0-9a-f]{16}\.jpg$/);
  expect((await links(keys)).status).toBe(200);
});

test('a malformed dev login name is 400 InvalidCode', async () => {
  const reply = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: 'dev:../../etc' });
  expect(reply.status).toBe(400);
  expect(reply.json.error.code).toBe('InvalidCode');
});
