// OBS against esdk-obs-nodejs. Its createPostSignatureSync builds the policy
// itself and cannot express content-length-range (only bucket, key, acl and a
// few headers), so a ticket from it could not cap the size. We therefore build
// the policy ourselves and compare the step the SDK does expose: base64
// HMAC-SHA1 of the base64 policy under the secret, on the SDK's own policy.
// Signed GET links are compared with createSignedUrlSync.
import ObsClient from 'esdk-obs-nodejs';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { OBS_FIELDS, obsDialect, obsEndpoint, obsSignature, signObsObjectUrl } from '../../miniprogram/shared/signing/dialects/obs';
import type { Credentials } from '../../miniprogram/shared/signing/dialects/dialect';
import {
  AWKWARD_KEY,
  CREDENTIAL_CASES,
  NOW,
  PLAIN_KEY,
  STATIC_CREDENTIALS,
  STS_CREDENTIALS,
  atSdkClock,
  decodedLocation,
  objectUrlInput,
  queryOf,
  ticketInput,
} from '../support/dialect-inputs';

const TARGET = { bucket: 'examplebucket', region: 'cn-north-4', endpoint: obsEndpoint('examplebucket', 'cn-north-4') };

/** The client finishes its setup in a microtask; wait for it before signing. */
async function officialClient(credentials: Credentials): Promise<ObsClient> {
  const client = new ObsClient({
    access_key_id: credentials.accessKeyId,
    secret_access_key: credentials.accessKeySecret,
    security_token: credentials.securityToken,
    server: 'https://obs.cn-north-4.myhuaweicloud.com',
  });
  await new Promise((resolve) => setImmediate(resolve));
  return client;
}

describe('obs POST policy', () => {
  it.each(CREDENTIAL_CASES)('signs a policy exactly as createPostSignatureSync does, with %s', async (_label, credentials) => {
    const client = await officialClient(credentials);
    const official = atSdkClock(NOW, () =>
      client.createPostSignatureSync({
        Bucket: TARGET.bucket,
        Key: PLAIN_KEY,
        Expires: 600,
        FormParams: { 'content-type': 'image/jpeg' },
      }),
    );
    expect(official.OriginPolicy).toContain('"expiration":"2026-11-22T10:10:00Z"');
    expect(nodeCrypto.base64Utf8(official.OriginPolicy)).toBe(official.Policy);
    expect(obsSignature(nodeCrypto, credentials.accessKeySecret, official.Policy)).toBe(official.Signature);
  });

  it('signs its own policy with that same step, and the policy caps the size', () => {
    const ticket = obsDialect.signUpload(ticketInput(TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    expect(ticket.fields[OBS_FIELDS.signature]).toBe(
      obsSignature(nodeCrypto, STS_CREDENTIALS.accessKeySecret, ticket.fields[OBS_FIELDS.policy]),
    );
    expect(ticket.fields).toMatchObject({
      AccessKeyId: STS_CREDENTIALS.accessKeyId,
      'x-obs-security-token': STS_CREDENTIALS.securityToken,
    });
    const { conditions } = JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
    expect(conditions).toContainEqual(['content-length-range', 1, 20 * 1024 * 1024]);
    expect(conditions).toContainEqual({ 'x-obs-security-token': STS_CREDENTIALS.securityToken });
  });

  it('covers every form field but the ones OBS exempts (AccessKeyId, signature, policy, file) with a condition', () => {
    const ticket = obsDialect.signUpload(ticketInput(TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    const policyText = Buffer.from(ticket.fields.policy, 'base64').toString('utf8').toLowerCase();
    const exempt = new Set(['accesskeyid', 'signature', 'policy']);
    for (const name of Object.keys(ticket.fields).filter((n) => !exempt.has(n.toLowerCase()))) {
      expect(policyText).toContain(name.toLowerCase());
    }
  });
});

describe('obs signed GET', () => {
  it.each(CREDENTIAL_CASES)('equals createSignedUrlSync with %s', async (_label, credentials) => {
    const client = await officialClient(credentials);
    const ours = signObsObjectUrl(objectUrlInput(TARGET, { credentials, ttlSeconds: 3600 }), nodeCrypto);
    const { SignedUrl } = atSdkClock(NOW, () =>
      client.createSignedUrlSync({ Method: 'GET', Bucket: TARGET.bucket, Key: AWKWARD_KEY, Expires: 3600 }),
    );
    expect(queryOf(ours)).toEqual(queryOf(SignedUrl));
    // The SDK writes the default port (:443) into the URL; the location is the same.
    expect(decodedLocation(ours)).toBe(decodedLocation(SignedUrl));
    expect(new URL(ours).pathname).toBe(new URL(SignedUrl).pathname);
  });

  it('on a custom domain signs /<domain>/<key>, as createSignedUrlSync with is_cname does (same signature with static keys)', async () => {
    const custom = { ...TARGET, endpoint: 'https://files.example.com' };
    const client = new ObsClient({ access_key_id: STATIC_CREDENTIALS.accessKeyId, secret_access_key: STATIC_CREDENTIALS.accessKeySecret, server: custom.endpoint, is_cname: true });
    await new Promise((resolve) => setImmediate(resolve));
    const ours = signObsObjectUrl(objectUrlInput(custom, { ttlSeconds: 3600 }), nodeCrypto);
    const { SignedUrl } = atSdkClock(NOW, () => client.createSignedUrlSync({ Method: 'GET', Bucket: TARGET.bucket, Key: AWKWARD_KEY, Expires: 3600 }));
    expect([queryOf(ours).Signature, queryOf(ours).Expires]).toEqual([queryOf(SignedUrl).Signature, queryOf(SignedUrl).Expires]);
    expect(decodedLocation(ours)).toBe(`https://files.example.com/${AWKWARD_KEY}`);
  });
});
