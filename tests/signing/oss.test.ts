// OSS V4 against ali-oss: the POST signature (signPostObjectPolicyV4) over our
// policy, and the query-signed GET (signatureUrlV4), for the same inputs and clock.
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { OSS_FIELDS, ossDialect, signOssObjectUrlV4 } from '../../miniprogram/shared/signing/dialects/oss';
import {
  AWKWARD_KEY,
  CREDENTIAL_CASES,
  NOW,
  STS_CREDENTIALS,
  atSdkClock,
  decodedLocation,
  objectUrlInput,
  queryOf,
  ticketInput,
} from '../support/dialect-inputs';
import { OSS_TARGET, officialOssClient, quietAliOssTokenAdvice } from '../support/ali-oss-client';

quietAliOssTokenAdvice();

describe('oss (V4) POST policy', () => {
  it.each(CREDENTIAL_CASES)('signs like ali-oss signPostObjectPolicyV4 with %s', (_label, credentials) => {
    const ticket = ossDialect.signUpload(ticketInput(OSS_TARGET, { credentials }), nodeCrypto);
    const policy = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    // signPostObjectPolicyV4 takes the date as a parameter: no clock to pin.
    const expected = officialOssClient(credentials).signPostObjectPolicyV4(policy, NOW);
    expect(ticket.fields[OSS_FIELDS.signature]).toBe(expected);
  });

  it('writes the V4 form fields exactly as OSS documents them', () => {
    const ticket = ossDialect.signUpload(ticketInput(OSS_TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    expect(ticket.url).toBe('https://examplebucket.oss-cn-hangzhou.aliyuncs.com');
    expect(ticket.fields).toMatchObject({
      'x-oss-signature-version': 'OSS4-HMAC-SHA256',
      'x-oss-credential': 'example-oss-key-id/20261122/cn-hangzhou/oss/aliyun_v4_request',
      'x-oss-date': '20261122T100000Z',
      'x-oss-security-token': STS_CREDENTIALS.securityToken,
      success_action_status: '200',
    });
    expect(ticket.fields[OSS_FIELDS.signature]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('binds date, credential and version in the policy, since the signature covers only the day', () => {
    const ticket = ossDialect.signUpload(ticketInput(OSS_TARGET), nodeCrypto);
    const { conditions } = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    expect(conditions).toEqual(
      expect.arrayContaining([
        { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
        { 'x-oss-credential': ticket.fields['x-oss-credential'] },
        { 'x-oss-date': '20261122T100000Z' },
      ]),
    );
  });

  it('accepts the region written as oss-cn-hangzhou too', () => {
    const a = ossDialect.signUpload(ticketInput(OSS_TARGET), nodeCrypto);
    const b = ossDialect.signUpload(ticketInput({ ...OSS_TARGET, region: 'oss-cn-hangzhou' }), nodeCrypto);
    expect(b.fields).toEqual(a.fields);
  });
});

describe('oss (V4) signed GET', () => {
  it.each(CREDENTIAL_CASES)('equals ali-oss signatureUrlV4 with %s', async (_label, credentials) => {
    const ours = signOssObjectUrlV4(objectUrlInput(OSS_TARGET, { credentials }), nodeCrypto);
    const client = officialOssClient(credentials);
    const theirs = await atSdkClock(NOW, () => client.signatureUrlV4('GET', 3600, undefined, AWKWARD_KEY));
    expect(queryOf(ours)).toEqual(queryOf(theirs));
    expect(decodedLocation(ours)).toBe(decodedLocation(theirs));
  });

  it('changes signature when the key changes (the path is signed)', () => {
    const a = queryOf(signOssObjectUrlV4(objectUrlInput(OSS_TARGET), nodeCrypto));
    const b = queryOf(signOssObjectUrlV4(objectUrlInput(OSS_TARGET, { key: `${AWKWARD_KEY}x` }), nodeCrypto));
    expect(a['x-oss-signature']).not.toBe(b['x-oss-signature']);
  });
});
