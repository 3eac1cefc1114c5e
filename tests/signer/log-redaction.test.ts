// The signer's log never carries the signing keys in use, even those no setting holds:
// temporary keys from STS or the instance role. Here a credential source whose keys
// are such temporary ones fails with an error that quotes them (as a careless SDK or
// metadata client might); the line the signer logs for it is scrubbed, and the answer
// carries nothing of it either.
import type { CredentialSource } from '../../cloud-signer/src/credentials';
import { cachingCredentialSource } from '../../cloud-signer/src/sts/caching';
import { startSigner } from '../support/signer';

const TEMPORARY = { accessKeyId: 'STS.NUexampleid', accessKeySecret: 'temp-secret-never-logged-42', securityToken: 'CAIStemp-token-never-logged+/=' };
const TOKEN = 'log-redaction-0123456789abcdef';
/** A signer for an S3 bucket nothing answers at (the keys are all these tests need), behind a static token. */
const S3_SIGNER = {
  UPLOAD_PROVIDER: 's3',
  UPLOAD_BUCKET: 'examplebucket',
  UPLOAD_REGION: 'us-east-1',
  UPLOAD_ENDPOINT: 'http://127.0.0.1:9/examplebucket',
  UPLOAD_ACCESS_KEY_ID: 'AKIDconfigured',
  UPLOAD_ACCESS_KEY_SECRET: 'configured-secret-value',
  UPLOAD_AUTH_TOKENS: TOKEN,
};

test('a failure that quotes the temporary secret and token is logged without them', async () => {
  const source: CredentialSource = {
    current: () => TEMPORARY,
    get: async () => {
      throw new Error(`refresh failed for ${TEMPORARY.accessKeyId}: secret=${TEMPORARY.accessKeySecret} token=${TEMPORARY.securityToken}`);
    },
  };
  const signer = await startSigner({ ...S3_SIGNER, UPLOAD_ALLOWED_TYPES: 'video/mp4' }, { credentials: source });
  try {
    // The multipart start asks the source for keys (a ticket would use current() and succeed).
    const response = await fetch(`${signer.origin}/api/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ name: 'clip.mp4', size: 20 * 1024 * 1024, type: 'video/mp4' }),
    });
    expect(response.status).toBe(500);
    const answer = await response.text();
    const logged = signer.logged.join('\n');
    expect(logged).toContain(`refresh failed for ${TEMPORARY.accessKeyId}: secret=[redacted] token=[redacted]`);
    for (const text of [logged, answer]) {
      expect(text).not.toContain(TEMPORARY.accessKeySecret);
      expect(text).not.toContain(TEMPORARY.securityToken);
    }
  } finally {
    await signer.close();
  }
});

test('with the caching source STS and the instance role use, the keys it handed out are scrubbed when a refresh that quotes them fails', async () => {
  const T0 = Date.parse('2030-03-01T08:00:00Z');
  let clock = T0;
  const rotated = { ...TEMPORARY, expiration: new Date(T0 + 10 * 60_000) };
  let calls = 0;
  const source = cachingCredentialSource(async () => {
    calls += 1;
    if (calls === 1) return rotated;
    throw new Error(`refresh failed for ${rotated.accessKeyId}: secret=${rotated.accessKeySecret} token=${rotated.securityToken}`);
  });
  const signer = await startSigner(S3_SIGNER, { credentials: source, now: () => new Date(clock) });
  const ticket = () =>
    fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ files: [{ name: 'a.jpg', size: 10, type: 'image/jpeg' }] }),
    });
  try {
    expect((await ticket()).status).toBe(200); // signed with the temporary keys
    clock = T0 + 9.5 * 60_000; // 30 s left: too little to sign with, and the refresh fails quoting them
    expect((await ticket()).status).toBe(503);
    const logged = signer.logged.join('\n');
    expect(logged).toContain('refresh failed for STS.NUexampleid');
    expect(logged).not.toContain(rotated.accessKeySecret);
    expect(logged).not.toContain(rotated.securityToken);
  } finally {
    await signer.close();
  }
});
