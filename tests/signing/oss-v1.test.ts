// OSS V1 against ali-oss: calculatePostSignature over our policy, and the V1
// signed GET (signatureUrl), for the same inputs and clock.
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { OSS_V1_FIELDS, ossV1Dialect, signOssObjectUrlV1 } from '../../miniprogram/shared/signing/dialects/oss-v1';
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

describe('oss-v1 POST policy', () => {
  it.each(CREDENTIAL_CASES)('gives the fields ali-oss calculatePostSignature gives with %s', (_label, credentials) => {
    const ticket = ossV1Dialect.signUpload(ticketInput(OSS_TARGET, { credentials }), nodeCrypto);
    const policy = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    const expected = officialOssClient(credentials).calculatePostSignature(policy);
    expect({
      OSSAccessKeyId: ticket.fields[OSS_V1_FIELDS.accessKeyId],
      Signature: ticket.fields[OSS_V1_FIELDS.signature],
      policy: ticket.fields[OSS_V1_FIELDS.policy],
    }).toEqual(expected);
  });

  it('puts the token in the form and in the policy', () => {
    const ticket = ossV1Dialect.signUpload(ticketInput(OSS_TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    expect(ticket.fields['x-oss-security-token']).toBe(STS_CREDENTIALS.securityToken);
    const { conditions } = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    expect(conditions).toContainEqual({ 'x-oss-security-token': STS_CREDENTIALS.securityToken });
  });
});

describe('oss-v1 signed GET', () => {
  it.each(CREDENTIAL_CASES)('equals ali-oss signatureUrl with %s', (_label, credentials) => {
    const ours = signOssObjectUrlV1(objectUrlInput(OSS_TARGET, { credentials, ttlSeconds: 3600 }), nodeCrypto);
    const client = officialOssClient(credentials);
    const theirs = atSdkClock(NOW, () => client.signatureUrl(AWKWARD_KEY, { expires: 3600 }));
    expect(queryOf(ours)).toEqual(queryOf(theirs));
    expect(decodedLocation(ours)).toBe(decodedLocation(theirs));
  });
});
