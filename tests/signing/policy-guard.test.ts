// The guard every POST dialect runs before signing: each missing binding is
// refused, and a complete policy passes.
import { assertPolicyIsNarrow, PolicyTooBroadError } from '../../miniprogram/shared/signing/dialects/policy-guard';
import type { PolicyCondition, PostPolicy } from '../../miniprogram/shared/signing/dialects/policy';
import { s3Dialect } from '../../miniprogram/shared/signing/index';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';

const TOKEN_FIELD = 'x-oss-security-token';

function narrow(extra: PolicyCondition[] = []): PostPolicy {
  return {
    expiration: '2026-11-22T10:10:00.000Z',
    conditions: [
      { bucket: 'examplebucket' },
      ['eq', '$key', 'uploads/a.jpg'],
      ['eq', '$Content-Type', 'image/jpeg'],
      ['content-length-range', 1, 1024],
      ...extra,
    ],
  };
}

function without(policy: PostPolicy, drop: (c: PolicyCondition) => boolean): PostPolicy {
  return { ...policy, conditions: policy.conditions.filter((c) => !drop(c)) };
}

const isArrayWith = (head: string, second?: string) => (c: PolicyCondition) =>
  Array.isArray(c) && c[0] === head && (second === undefined || c[1] === second);

describe('assertPolicyIsNarrow', () => {
  it('accepts a policy binding bucket, exact key, size range (and the token when used)', () => {
    expect(() => assertPolicyIsNarrow(narrow())).not.toThrow();
    expect(() =>
      assertPolicyIsNarrow(narrow([{ [TOKEN_FIELD]: 'tok' }]), { securityTokenField: TOKEN_FIELD }),
    ).not.toThrow();
  });

  it('accepts the equivalent spellings {key: …} and ["eq", "$bucket", …]', () => {
    const policy: PostPolicy = {
      expiration: '2026-11-22T10:10:00Z',
      conditions: [['eq', '$bucket', 'b'], { key: 'k' }, ['content-length-range', 0, 10]],
    };
    expect(() => assertPolicyIsNarrow(policy)).not.toThrow();
  });

  it('rejects a policy without its bucket', () => {
    const policy = without(narrow(), (c) => !Array.isArray(c) && 'bucket' in c);
    expect(() => assertPolicyIsNarrow(policy)).toThrow(/does not name its bucket/);
  });

  it('rejects a policy without a key condition', () => {
    const policy = without(narrow(), isArrayWith('eq', '$key'));
    expect(() => assertPolicyIsNarrow(policy)).toThrow(/one exact object key/);
  });

  it('rejects a prefix match on the key, even beside an exact one', () => {
    expect(() => assertPolicyIsNarrow(narrow([['starts-with', '$key', 'uploads/']]))).toThrow(PolicyTooBroadError);
  });

  it('rejects a policy without content-length-range', () => {
    const policy = without(narrow(), isArrayWith('content-length-range'));
    expect(() => assertPolicyIsNarrow(policy)).toThrow(/content-length-range/);
  });

  it('rejects an inverted or unbounded size range', () => {
    const inverted = without(narrow(), isArrayWith('content-length-range'));
    inverted.conditions.push(['content-length-range', 10, 1]);
    expect(() => assertPolicyIsNarrow(inverted)).toThrow(/content-length-range/);
    const unbounded = without(narrow(), isArrayWith('content-length-range'));
    unbounded.conditions.push(['content-length-range', 1, Infinity]);
    expect(() => assertPolicyIsNarrow(unbounded)).toThrow(/content-length-range/);
  });

  it('rejects a policy without the token condition when a token is in use', () => {
    expect(() => assertPolicyIsNarrow(narrow(), { securityTokenField: TOKEN_FIELD })).toThrow(
      /does not bind the security token \(x-oss-security-token\)/,
    );
  });

  it('rejects a policy without a valid expiration', () => {
    expect(() => assertPolicyIsNarrow({ ...narrow(), expiration: 'tomorrow' })).toThrow(/expiration/);
  });
});

describe('the s3 dialect runs the same guards as every POST dialect', () => {
  const input = {
    bucket: 'examplebucket',
    region: 'us-east-1',
    endpoint: 'https://examplebucket.s3.us-east-1.amazonaws.com',
    publicBaseUrl: 'https://examplebucket.s3.us-east-1.amazonaws.com',
    key: 'uploads/2026/11/22/9f1c0e5b6a7d4c2e.jpg',
    size: 1000,
    contentType: 'image/jpeg',
    maxBytes: 1000,
    ttlSeconds: 600,
    now: new Date('2026-11-22T10:00:00Z'),
    credentials: { accessKeyId: 'AKIDEXAMPLE', accessKeySecret: 'secret' },
  };

  it('refuses an absolute or empty key, a size range without bytes and missing credentials', () => {
    expect(() => s3Dialect.signUpload({ ...input, key: '/etc/passwd' }, nodeCrypto)).toThrow(/relative key/);
    expect(() => s3Dialect.signUpload({ ...input, key: '' }, nodeCrypto)).toThrow(/relative key/);
    expect(() => s3Dialect.signUpload({ ...input, maxBytes: 0 }, nodeCrypto)).toThrow(/UPLOAD_MAX_BYTES/);
    expect(() => s3Dialect.signUpload({ ...input, credentials: { accessKeyId: '', accessKeySecret: '' } }, nodeCrypto)).toThrow(/UPLOAD_ACCESS_KEY_ID/);
    expect(() => s3Dialect.prepareUpload!({ ...input }, nodeCrypto).ticket('/abs.jpg')).toThrow(/relative key/);
    expect(() => s3Dialect.prepareUpload!({ ...input }, nodeCrypto).json('/abs.jpg')).toThrow(/relative key/);
  });

  it('binds the STS token in the policy it signs', () => {
    const ticket = s3Dialect.signUpload({ ...input, credentials: { ...input.credentials, securityToken: 'TOKEN' } }, nodeCrypto);
    const policy = JSON.parse(Buffer.from(ticket.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual({ 'X-Amz-Security-Token': 'TOKEN' });
  });
});
