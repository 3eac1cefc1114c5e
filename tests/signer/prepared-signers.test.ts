// The ticket hot path reuses one prepared signer for many keys; it must hand out
// exactly the tickets whole signing would, and never outlive its second or credentials.
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import { ossDialect } from '../../miniprogram/shared/signing/dialects/oss';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { cachingCrypto } from '../../cloud-signer/src/caching-crypto';
import { preparedSigners } from '../../cloud-signer/src/prepared-signers';
import type { PreparableInput } from '../../miniprogram/shared/signing/dialects/dialect';

const NOW = new Date('2026-11-22T10:00:00.250Z');
const base: PreparableInput = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', accessKeySecret: 'secret-example' },
  bucket: 'dev-bucket',
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:3000/dev-bucket',
  publicBaseUrl: 'http://127.0.0.1:3000/dev-bucket',
  contentType: 'image/jpeg',
  maxBytes: 20971520,
  now: NOW,
  ttlSeconds: 600,
};
const KEYS = ['uploads/2026/11/22/0123456789abcdef.jpg', 'uploads/2026/11/22/fedcba9876543210.jpg', 'odd key/with "quotes" & ü.jpg'];

test('one prepared signer signs every key exactly as whole signing does', () => {
  const signerFor = preparedSigners(s3Dialect, cachingCrypto(nodeCrypto))!;
  for (const key of KEYS) {
    expect(signerFor(base)(key)).toEqual(s3Dialect.signUpload({ ...base, key, size: 1234 }, nodeCrypto));
  }
});

test('tickets from one prepared signer differ in key, policy and signature only', () => {
  const sign = preparedSigners(s3Dialect, nodeCrypto)!(base);
  const [a, b] = [sign(KEYS[0]), sign(KEYS[1])];
  expect(a.fields.Policy).not.toBe(b.fields.Policy);
  expect(a.fields['X-Amz-Signature']).not.toBe(b.fields['X-Amz-Signature']);
  expect({ ...a.fields, key: '', Policy: '', 'X-Amz-Signature': '' }).toEqual({ ...b.fields, key: '', Policy: '', 'X-Amz-Signature': '' });
});

test('a new second, new credentials or another content type prepare afresh', () => {
  const signerFor = preparedSigners(s3Dialect, nodeCrypto)!;
  const first = signerFor(base);
  expect(signerFor({ ...base, now: new Date(NOW.getTime() + 500) })).toBe(first); // same second
  const later = signerFor({ ...base, now: new Date(NOW.getTime() + 1000) });
  expect(later).not.toBe(first);
  expect(later(KEYS[0]).fields['X-Amz-Date']).toBe('20261122T100001Z');
  const rotated = { ...base, now: new Date(NOW.getTime() + 1000), credentials: { ...base.credentials, securityToken: 'token-2' } };
  expect(signerFor(rotated)(KEYS[0]).fields['X-Amz-Security-Token']).toBe('token-2');
  expect(signerFor({ ...base, now: new Date(NOW.getTime() + 1000), contentType: 'image/png' })(KEYS[0]).contentType).toBe('image/png');
});

test('a dialect without a prepared form is signed whole by the route', () => {
  expect(preparedSigners(ossDialect, nodeCrypto)).toBeUndefined();
});
