// Whose keys a caller may link: a user its own folder's, anonymous callers the anonymous
// folder's, server-to-server callers (static tokens) any folder's — and nobody anything
// that is not a key this signer hands out.
import { ownsKey } from '../../../cloud-signer/src/guard/own-keys';
import type { Caller } from '../../../cloud-signer/src/guard';

const ALICE = 'a'.repeat(24);
const BOB = 'b'.repeat(24);
const caller = (kind: Caller['kind'], user: string): Caller => ({ kind, user, keyPrefix: `uploads/${user}/`, countAs: user, ip: '127.0.0.1' });
const key = (folder: string) => `uploads/${folder}/2026/11/22/0123456789abcdef.jpg`;

test('a user owns the keys of its folder only', () => {
  expect(ownsKey(caller('user', ALICE), key(ALICE), 'uploads/')).toBe(true);
  expect(ownsKey(caller('user', ALICE), key(BOB), 'uploads/')).toBe(false);
  expect(ownsKey(caller('user', ALICE), key('anonymous'), 'uploads/')).toBe(false);
  expect(ownsKey(caller('anonymous', 'anonymous'), key(ALICE), 'uploads/')).toBe(false);
});

test('a server-to-server caller may link any folder, but only keys of the signer\'s shape', () => {
  const service = caller('service', 'service');
  for (const folder of [ALICE, BOB, 'anonymous', 'service']) expect(ownsKey(service, key(folder), 'uploads/')).toBe(true);
  for (const bad of ['uploads/../etc/2026/11/22/0123456789abcdef.jpg', 'uploads/2026/11/22/0123456789abcdef.jpg', `other/${ALICE}/2026/11/22/0123456789abcdef.jpg`, `uploads/${ALICE}/x.jpg`, 'uploads/not-a-folder/2026/11/22/0123456789abcdef.jpg']) {
    expect(ownsKey(service, bad, 'uploads/')).toBe(false);
  }
});
