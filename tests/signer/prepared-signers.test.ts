// The ticket hot path reuses one prepared signer for many keys; it must hand out
// exactly the tickets whole signing would, and never outlive its second or credentials.
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import { ossDialect } from '../../miniprogram/shared/signing/dialects/oss';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { cachingCrypto } from '../../cloud-signer/src/caching-crypto';
import { preparedSigners, ticketJsonSigner, type JsonReply, type TicketJsonSigner } from '../../cloud-signer/src/prepared-signers';
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
/** One ticket's JSON text from `signer`, and whether the signer vouched for it being ASCII. */
function signed(signer: TicketJsonSigner, input: PreparableInput, key: string): JsonReply {
  const reply: JsonReply = { text: '', ascii: true };
  signer(input, key, 1234, reply);
  return reply;
}

const KEYS = ['uploads/2026/11/22/0123456789abcdef.jpg', 'uploads/2026/11/22/fedcba9876543210.jpg', 'odd key/with "quotes" & ü.jpg'];

test('one prepared signer signs every key exactly as whole signing does', () => {
  const signerFor = preparedSigners(s3Dialect, cachingCrypto(nodeCrypto))!;
  for (const key of KEYS) {
    expect(signerFor(base).ticket(key)).toEqual(s3Dialect.signUpload({ ...base, key, size: 1234 }, nodeCrypto));
  }
});

test('tickets from one prepared signer differ in key, policy and signature only', () => {
  const sign = preparedSigners(s3Dialect, nodeCrypto)!(base);
  const [a, b] = [sign.ticket(KEYS[0]), sign.ticket(KEYS[1])];
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
  expect(later.ticket(KEYS[0]).fields['X-Amz-Date']).toBe('20261122T100001Z');
  const rotated = { ...base, now: new Date(NOW.getTime() + 1000), credentials: { ...base.credentials, securityToken: 'token-2' } };
  expect(signerFor(rotated).ticket(KEYS[0]).fields['X-Amz-Security-Token']).toBe('token-2');
  expect(signerFor({ ...base, now: new Date(NOW.getTime() + 1000), contentType: 'image/png' }).ticket(KEYS[0]).contentType).toBe('image/png');
});

test('a dialect without a prepared form is signed whole by the route', () => {
  expect(preparedSigners(ossDialect, nodeCrypto)).toBeUndefined();
  const input = { ...base, endpoint: 'https://b.oss-cn-hangzhou.aliyuncs.com', publicBaseUrl: 'https://b.oss-cn-hangzhou.aliyuncs.com', region: 'cn-hangzhou' };
  const reply = signed(ticketJsonSigner(ossDialect, nodeCrypto), input, KEYS[0]);
  expect(reply.text).toBe(JSON.stringify(ossDialect.signUpload({ ...input, key: KEYS[0], size: 1234 }, nodeCrypto)));
  expect(reply.ascii).toBe(false); // not vouched for: node counts its bytes
});

// The route answers the prepared JSON text, never the object: it must be the very bytes
// JSON.stringify would write, whatever the key, token, content type or URLs hold.
test('the prepared JSON text is JSON.stringify of the ticket, byte for byte', () => {
  const inputs: PreparableInput[] = [
    base,
    { ...base, credentials: { ...base.credentials, securityToken: 'tok/en+"quoted"\\back' } },
    { ...base, contentType: 'image/svg+xml', publicBaseUrl: 'https://cdn.example.com/a "b"/', endpoint: 'https://s3.example.com/\u2028x' },
  ];
  // An ASCII key that needs escaping (vouched ASCII through the escaped branch) and non-ASCII ones.
  const keys = [...KEYS, 'uploads/odd key/with "quotes" & (1).jpg', 'uploads/\u0001ctl/\u2028line.jpg', 'uploads/😀/emoji.png'];
  for (const input of inputs) {
    const signer = ticketJsonSigner(s3Dialect, cachingCrypto(nodeCrypto));
    for (const key of keys) {
      const { text, ascii } = signed(signer, input, key);
      // Vouched ASCII only when it is: the route then sends its length as its byte count.
      expect(ascii).toBe(/^[\x00-\x7f]*$/.test(text));
      if (ascii) expect(text.length).toBe(Buffer.byteLength(text, 'utf8'));
      expect(text).toBe(JSON.stringify(s3Dialect.signUpload({ ...input, key, size: 1234 }, nodeCrypto)));
      expect(JSON.parse(text).key).toBe(key);
    }
  }
});

// The reply's Content-Length is its length when every piece is vouched ASCII: a ticket
// that is not (a non-ASCII key or URL) must say so, or the reply would be cut short.
test('a ticket is vouched ASCII exactly when its key and everything around it are', () => {
  const signer = ticketJsonSigner(s3Dialect, nodeCrypto);
  expect(signed(signer, base, KEYS[0]).ascii).toBe(true);
  expect(signed(signer, base, 'uploads/ü.jpg').ascii).toBe(false);
  expect(signed(signer, base, 'uploads/😀.png').ascii).toBe(false);
  expect(signed(signer, { ...base, publicBaseUrl: 'https://照片.example.com/b' }, KEYS[0]).ascii).toBe(false);
  expect(signed(signer, { ...base, credentials: { ...base.credentials, securityToken: 'tök' } }, KEYS[0]).ascii).toBe(false);
  // Once cleared, a later ASCII ticket of the same reply does not set it again.
  const reply: JsonReply = { text: '', ascii: true };
  signer(base, 'uploads/ü.jpg', 1, reply);
  signer(base, KEYS[0], 1, reply);
  expect(reply.ascii).toBe(false);
});
