// The signer's own HMAC-SHA256 (RFC 2104 over node's one-shot hash) must be HMAC-SHA256:
// RFC 4231's test vectors, and createHmac for every length around the block and buffer edges.
import { createHmac, randomBytes } from 'node:crypto';
import { oneShotHmacSha256 } from '../../cloud-signer/src/one-shot-hmac';
import { startSigner } from '../support/signer';
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import type { TicketResponse } from '../../typings/ticket';

const hex = (text: string) => Buffer.from(text, 'hex');

// RFC 4231 section 4, test cases 1-4, 6 and 7 (5 is a truncated output). Messages are ASCII
// text here, as the signer only ever signs text.
const RFC_4231: [key: Buffer, message: string, mac: string][] = [
  [Buffer.alloc(20, 0x0b), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  [Buffer.from('Jefe'), 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  [Buffer.alloc(131, 0xaa), 'Test Using Larger Than Block-Size Key - Hash Key First', '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
  [
    Buffer.alloc(131, 0xaa),
    'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
];

test("RFC 4231's vectors", () => {
  const hmac = oneShotHmacSha256();
  for (const [key, message, mac] of RFC_4231) expect(hmac(key, message).toString('hex')).toBe(mac);
  // Test case 2's key is short; case 1's message is binary-free: also through a key of exactly one block.
  const block = hex('0b'.repeat(64));
  expect(hmac(block, 'Hi There').equals(createHmac('sha256', block).update('Hi There').digest())).toBe(true);
});

test('equals createHmac for keys and messages of every awkward length, reusing its buffers', () => {
  const hmac = oneShotHmacSha256();
  const keys = [0, 1, 31, 32, 33, 63, 64, 65, 200].map((n) => randomBytes(n));
  const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 16 * 1024, 16 * 1024 + 1, 70_000];
  for (const key of keys) {
    for (const length of lengths) {
      const message = randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
      expect(hmac(key, message).equals(createHmac('sha256', key).update(message, 'utf8').digest())).toBe(true);
    }
    const unicode = 'ü😀\u2028 key/日本.jpg';
    expect(hmac(key, unicode).equals(createHmac('sha256', key).update(unicode, 'utf8').digest())).toBe(true);
  }
  // Results are fresh Buffers: a later call must not change an earlier answer.
  const first = hmac(keys[3], 'a');
  const copy = Buffer.from(first);
  hmac(keys[3], 'b');
  expect(first.equals(copy)).toBe(true);
});

test("the signer's tickets carry the signature plain createHmac gives", async () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const signer = await startSigner({}, { now: () => now });
  try {
    const res = await fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ name: 'a.jpg', size: 10, type: 'image/jpeg' }] }),
    });
    const [ticket] = ((await res.json()) as TicketResponse).tickets;
    const expected = s3Dialect.signUpload(
      {
        credentials: signer.config.credentials,
        bucket: signer.config.bucket,
        region: signer.config.region,
        endpoint: ticket.url,
        publicBaseUrl: ticket.url,
        key: ticket.key,
        contentType: 'image/jpeg',
        size: 10,
        maxBytes: signer.config.maxBytes,
        now,
        ttlSeconds: signer.config.ticketTtlSeconds,
      },
      nodeCrypto,
    );
    expect(ticket).toEqual(expected);
  } finally {
    await signer.close();
  }
});
