// COS POST Object has no Node SDK that signs it, so the POST signature is
// checked against Tencent's documented example (policy, KeyTime, SignKey,
// StringToSign, Signature: fixtures/vectors/cos-post-object.json). Signed GET
// links are checked against cos-nodejs-sdk-v5 (getAuthorization, getObjectUrl).
import COS from 'cos-nodejs-sdk-v5';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import {
  COS_FIELDS,
  cosDialect,
  cosEndpoint,
  cosKeyTime,
  cosPolicySignature,
  signCosObjectUrl,
} from '../../miniprogram/shared/signing/dialects/cos';
import { AWKWARD_KEY, CREDENTIAL_CASES, NOW, STATIC_CREDENTIALS, STS_CREDENTIALS, atSdkClock, decodedLocation, objectUrlInput, queryOf, ticketInput } from '../support/dialect-inputs';

const BUCKET = 'examplebucket-1250000000';
const TARGET = { bucket: BUCKET, region: 'ap-guangzhou', endpoint: cosEndpoint(BUCKET, 'ap-guangzhou') };

interface CosPostVector {
  source: string;
  /** Tencent's documented example SecretId, stored in two parts so secret scanners do not flag a public example. */
  secretIdParts: [string, string];
  secretKey: string;
  keyTime: string;
  policyBase64: string;
  signKey: string;
  stringToSign: string;
  signature: string;
}
const vector: CosPostVector = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/vectors/cos-post-object.json'), 'utf8'),
);

describe('cos POST Object signature', () => {
  it("reproduces every intermediate value of Tencent's documented example", () => {
    const policyText = Buffer.from(vector.policyBase64, 'base64').toString('utf8');
    const result = cosPolicySignature(nodeCrypto, vector.secretKey, vector.keyTime, policyText);
    expect(result).toEqual({ signKey: vector.signKey, stringToSign: vector.stringToSign, signature: vector.signature });
  });

  it('signs the policy text in the form, with the q-* fields COS documents', () => {
    const ticket = cosDialect.signUpload(ticketInput(TARGET), nodeCrypto);
    const keyTime = cosKeyTime(NOW, 600);
    expect(ticket.fields).toMatchObject({
      'q-sign-algorithm': 'sha1',
      'q-ak': STATIC_CREDENTIALS.accessKeyId,
      'q-key-time': keyTime,
    });
    expect(keyTime).toBe('1795341600;1795342200');
    const policyText = Buffer.from(ticket.fields.policy, 'base64').toString('utf8');
    const expected = cosPolicySignature(nodeCrypto, STATIC_CREDENTIALS.accessKeySecret, keyTime, policyText);
    expect(ticket.fields[COS_FIELDS.signature]).toBe(expected.signature);
    expect(JSON.parse(policyText).conditions).toEqual(
      expect.arrayContaining([{ 'q-sign-algorithm': 'sha1' }, { 'q-ak': STATIC_CREDENTIALS.accessKeyId }, { 'q-sign-time': keyTime }]),
    );
  });

  it('binds the token in the form and the policy', () => {
    const ticket = cosDialect.signUpload(ticketInput(TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    expect(ticket.fields['x-cos-security-token']).toBe(STS_CREDENTIALS.securityToken);
    const { conditions } = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    expect(conditions).toContainEqual({ 'x-cos-security-token': STS_CREDENTIALS.securityToken });
  });
});

describe('cos signed GET', () => {
  const keyTime = cosKeyTime(NOW, 3600);

  it('carries the same authorization as COS.getAuthorization for GET with the host signed', () => {
    const ours = queryOf(signCosObjectUrl(objectUrlInput(TARGET), nodeCrypto));
    // getAuthorization takes the window as KeyTime: no clock to pin.
    const theirs = COS.getAuthorization({
      SecretId: STATIC_CREDENTIALS.accessKeyId,
      SecretKey: STATIC_CREDENTIALS.accessKeySecret,
      Method: 'get',
      Key: AWKWARD_KEY,
      Headers: { Host: `${BUCKET}.cos.ap-guangzhou.myqcloud.com` },
      KeyTime: keyTime,
    });
    expect(ours).toEqual(Object.fromEntries(new URLSearchParams(theirs)));
  });

  it.each(CREDENTIAL_CASES)('equals getObjectUrl (Sign: true) with %s, the SDK clock pinned', (_label, credentials) => {
    const cos = new COS({
      SecretId: credentials.accessKeyId,
      SecretKey: credentials.accessKeySecret,
      SecurityToken: credentials.securityToken,
    });
    const theirs: string = atSdkClock(NOW, () =>
      cos.getObjectUrl({ Bucket: BUCKET, Region: 'ap-guangzhou', Key: AWKWARD_KEY, Sign: true, Expires: 3600 }, () => undefined),
    );
    // The SDK starts its window one second before now (its own skew margin); ours starts at now.
    const sdkKeyTime = queryOf(theirs)['q-key-time'];
    const [start, end] = sdkKeyTime.split(';').map(Number);
    const ours = signCosObjectUrl(
      objectUrlInput(TARGET, { credentials, now: new Date(start * 1000), ttlSeconds: end - start }),
      nodeCrypto,
    );
    // getObjectUrl appends the token unencoded, so a "+" in it reads back as a
    // space; ours is percent-encoded and reads back as the token itself.
    const { 'x-cos-security-token': ourToken, ...ourAuth } = queryOf(ours);
    const { 'x-cos-security-token': _sdkToken, ...sdkAuth } = queryOf(theirs);
    expect(ourAuth).toEqual(sdkAuth);
    expect(ourToken).toBe(credentials.securityToken);
    expect(decodedLocation(ours)).toBe(decodedLocation(theirs));
    expect(new URL(ours).pathname).toBe(new URL(theirs).pathname);
  });
});
