// The signer's HMAC-SHA256 is built from one-shot hashes for long messages
// (cloud-signer/src/node-crypto.ts), as bytes and as hex: it must equal OpenSSL's HMAC (createHmac) for every
// key length it pads, every message length around the block and scratch sizes, non-ASCII
// text, and the same key reused with other messages (its pads are remembered); and the
// base64 of a policy, which goes through the same scratch buffer.
import * as crypto from 'node:crypto';
import { createHmac, randomBytes } from 'node:crypto';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';

const reference = (key: Buffer, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');
// Both forms the signer uses, the bytes (key derivation) and the hex (a signature), must agree.
const ours = (key: Buffer, message: string) => {
  const hex = nodeCrypto.hmacSha256Hex(key, message);
  expect(nodeCrypto.hmacSha256(key, message).toString('hex')).toBe(hex);
  return hex;
};

test('this node has crypto.hash, so the one-shot path is the one under test', () => {
  expect(typeof (crypto as Partial<typeof crypto>).hash).toBe('function');
});

test('RFC 4231 test case 2, and a policy-sized message under a derived key', () => {
  expect(ours(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  const signingKey = createHmac('sha256', 'AWS4secret').update('20261202').digest();
  const policy = Buffer.from(JSON.stringify({ expiration: '2026-12-02T07:04:21Z', conditions: [{ bucket: 'dev-bucket' }, ['content-length-range', 1, 20971520]] })).toString('base64');
  expect(ours(signingKey, policy)).toBe(reference(signingKey, policy));
});

test('equals createHmac for keys of 0–80 bytes (64 is the last one padded) and messages of 60–200 and 16 380–16 390 characters, ASCII and not', () => {
  const lengths = [...Array.from({ length: 141 }, (_, i) => 60 + i), ...Array.from({ length: 11 }, (_, i) => 16_380 + i)];
  for (const keyLength of [0, 1, 7, 20, 32, 33, 63, 64, 65, 80]) {
    const key = randomBytes(keyLength);
    for (const length of lengths) {
      const ascii = 'eyJ'.repeat(length).slice(0, length);
      const wide = '照片'.repeat(length).slice(0, length); // three UTF-8 bytes a character
      expect([ours(key, ascii), ours(key, wide)]).toEqual([reference(key, ascii), reference(key, wide)]);
    }
  }
});

test('surrogate pairs, lone surrogates and a message that fills the scratch buffer exactly', () => {
  const key = randomBytes(32);
  const messages = ['🙂'.repeat(40), `${'a'.repeat(70)}\ud83d${'b'.repeat(10)}`, `\udc00${'c'.repeat(100)}`, '\ud800'.repeat(16_384)];
  for (const message of messages) expect(ours(key, message)).toBe(reference(key, message));
});

test('one key signs many messages in turn, and two keys interleaved, without one answer leaking into the next', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  const messages = Array.from({ length: 50 }, (_, i) => `${'x'.repeat(100 + i)}${i}`);
  for (const message of messages) {
    expect(ours(a, message)).toBe(reference(a, message));
    expect(ours(b, message)).toBe(reference(b, message));
  }
});

test('base64 of UTF-8 text reads as Buffer.from(text).toString("base64"), around the scratch size and after a long HMAC message', () => {
  const texts = ['', 'a', '{"key":"uploads/照片.jpg"}', '🙂\ud800x', 'p'.repeat(16_384), '照'.repeat(16_384), 'q'.repeat(16_385)];
  for (const text of texts) {
    nodeCrypto.hmacSha256(randomBytes(32), 'z'.repeat(5_000)); // the scratch buffer is shared: what was left there must not leak
    expect(nodeCrypto.base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
  }
});
