// The s3 dialect against two independent references: AWS's published SigV4 POST
// example, and the official SDK's createPresignedPost given the same inputs and clock.
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import fs from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import type { TicketInput } from '../../miniprogram/shared/signing/dialects/dialect';
import { buildPolicy } from '../../miniprogram/shared/signing/dialects/policy';
import { S3_FIELDS, s3Dialect, s3ObjectUrl } from '../../miniprogram/shared/signing/dialects/s3';
import { parseCredential, signPolicy } from '../../cloud-signer/src/devbucket/sigv4-verify';

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/aws-sigv4-post-example.json'), 'utf8'));

describe("AWS's published SigV4 POST example", () => {
  it('gives the published signature for the published policy', () => {
    const signature = signPolicy(
      nodeCrypto,
      example.secretAccessKey,
      { day: example.day, region: example.region, service: example.service },
      example.base64Policy,
    );
    expect(signature).toBe(example.signature);
  });

  it('is the policy the page describes (so the vector is what it claims to be)', () => {
    const text = Buffer.from(example.base64Policy, 'base64').toString('utf8');
    const accessKeyId = example.accessKeyIdParts.join('');
    expect(text).toContain(`"expiration": "${example.expiration}"`);
    expect(text).toContain(`{"bucket": "${example.bucket}"}`);
    expect(text).toContain(`"${accessKeyId}/${example.day}/${example.region}/s3/aws4_request"`);
    expect(text).toContain(`{"x-amz-date": "${example.amzDate}" }`);
  });

  it('fails for a policy changed by one character', () => {
    const tampered = example.base64Policy.replace(/.$/, 'A');
    const signature = signPolicy(nodeCrypto, example.secretAccessKey, { day: example.day, region: example.region, service: 's3' }, tampered);
    expect(signature).not.toBe(example.signature);
  });
});

const baseInput: TicketInput = {
  bucket: 'photos-dev',
  region: 'ap-southeast-1',
  endpoint: 'https://photos-dev.s3.ap-southeast-1.amazonaws.com',
  publicBaseUrl: 'https://cdn.example.com/',
  credentials: { accessKeyId: 'AKIDEXAMPLE0000', accessKeySecret: 'secret/with+chars=' },
  key: 'uploads/2026/11/22/9f1c0e5b6a7d4c2e.jpg',
  contentType: 'image/jpeg',
  size: 2345678,
  maxBytes: 20971520,
  now: new Date('2026-11-22T10:00:00.000Z'),
  ttlSeconds: 600,
};

/**
 * The SDK reads its clock from Date.now(); faking only Date for the duration of
 * the call hands it exactly the instant we pass to ours, with no race against a
 * moving clock. Timers and microtasks stay real so its promises still settle.
 */
async function officialPresignedPost(input: TicketInput) {
  const client = new S3Client({
    region: input.region,
    credentials: {
      accessKeyId: input.credentials.accessKeyId,
      secretAccessKey: input.credentials.accessKeySecret,
      sessionToken: input.credentials.securityToken,
    },
  });
  // The same narrowing conditions our policy starts from, stated as an SDK user would.
  const { conditions } = buildPolicy({
    bucket: input.bucket,
    key: input.key,
    contentType: input.contentType,
    contentTypeField: 'Content-Type',
    maxBytes: input.maxBytes,
    now: input.now,
    ttlSeconds: input.ttlSeconds,
  });
  jest.useFakeTimers({
    now: input.now,
    doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime', 'performance'],
  });
  try {
    return await createPresignedPost(client, {
      Bucket: input.bucket,
      Key: input.key,
      Conditions: conditions as never,
      Fields: { 'Content-Type': input.contentType, success_action_status: '201' },
      Expires: input.ttlSeconds,
    });
  } finally {
    jest.useRealTimers();
  }
}

describe('s3Dialect.signUpload vs createPresignedPost', () => {
  const cases: [string, TicketInput][] = [
    ['long-term keys', baseInput],
    ['STS keys with a security token', { ...baseInput, credentials: { ...baseInput.credentials, securityToken: 'FwoGZXIvYXdzEJr//token+/=' } }],
    ['a clock with milliseconds, near midnight', { ...baseInput, now: new Date('2026-12-31T23:59:59.987Z'), ttlSeconds: 3600 }],
    ['another type, region and size cap', { ...baseInput, region: 'us-east-1', contentType: 'image/png', key: 'uploads/a b/ü.png', maxBytes: 1024 }],
  ];

  it.each(cases)('gives byte-identical fields for %s', async (_name, input) => {
    const official = await officialPresignedPost(input);
    const ours = s3Dialect.signUpload(input, nodeCrypto);
    // Same names, same order, same values: JSON text compares all three at once.
    expect(JSON.stringify(ours.fields)).toBe(JSON.stringify(official.fields));
  });

  it('decodes to a policy that binds bucket, key, type, size range and expiry', () => {
    const ticket = s3Dialect.signUpload(baseInput, nodeCrypto);
    const policy = JSON.parse(Buffer.from(ticket.fields.Policy, 'base64').toString('utf8'));
    expect(policy.expiration).toBe('2026-11-22T10:10:00Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'photos-dev' },
        ['eq', '$key', baseInput.key],
        ['eq', '$Content-Type', 'image/jpeg'],
        ['content-length-range', 1, 20971520],
      ]),
    );
  });

  it('covers every form field except the signature and policy with a condition', () => {
    const input = { ...baseInput, credentials: { ...baseInput.credentials, securityToken: 'tok' } };
    const ticket = s3Dialect.signUpload(input, nodeCrypto);
    const policy = JSON.parse(Buffer.from(ticket.fields.Policy, 'base64').toString('utf8'));
    const covered = new Set<string>();
    for (const c of policy.conditions) {
      if (Array.isArray(c)) covered.add(String(c[1]).replace(/^\$/, '').toLowerCase());
      else Object.keys(c).forEach((k) => covered.add(k.toLowerCase()));
    }
    const uncovered = Object.keys(ticket.fields).filter((name) => !covered.has(name.toLowerCase()));
    expect(uncovered.sort()).toEqual([S3_FIELDS.policy, S3_FIELDS.signature].sort());
    expect(ticket.fields[S3_FIELDS.securityToken]).toBe('tok');
  });

  it('describes the upload for the client', () => {
    const ticket = s3Dialect.signUpload(baseInput, nodeCrypto);
    expect(ticket).toMatchObject({
      provider: 's3',
      method: 'POST',
      url: baseInput.endpoint,
      key: baseInput.key,
      fileField: 'file',
      headers: {},
      contentType: 'image/jpeg',
      maxBytes: 20971520,
      expiresAt: '2026-11-22T10:10:00.000Z',
      successStatus: 201,
      objectUrl: 'https://cdn.example.com/uploads/2026/11/22/9f1c0e5b6a7d4c2e.jpg',
    });
    expect(parseCredential(ticket.fields['X-Amz-Credential'])).toEqual({
      accessKeyId: 'AKIDEXAMPLE0000',
      day: '20261122',
      region: 'ap-southeast-1',
      service: 's3',
      terminator: 'aws4_request',
    });
  });
});

describe('s3ObjectUrl', () => {
  it('escapes each key segment as S3 does and keeps the slashes', () => {
    expect(s3ObjectUrl('http://127.0.0.1:3000/dev-bucket', "a b/c+d/(1)!'*.jpg")).toBe(
      'http://127.0.0.1:3000/dev-bucket/a%20b/c%2Bd/%281%29%21%27%2A.jpg',
    );
  });
});
