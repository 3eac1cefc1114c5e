// AWS web identity (EKS IRSA): the platform mounts a token file and sets
// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; the signer exchanges the token for the
// role's keys with AssumeRoleWithWebIdentity through the SDK's fromTokenFile (here
// against the loopback STS stand-in, reached through the SDK's own AWS_ENDPOINT_URL_STS).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TicketResponse } from '../../../typings/ticket';
import { startSigner } from '../../support/signer';
import { startStandIn } from '../../support/sts-stand-in';

const T0 = Date.parse('2030-03-01T08:00:00Z');

function webIdentityReply(expiration: Date) {
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>' +
      '<SubjectFromWebIdentityToken>system:serviceaccount:uploads:signer</SubjectFromWebIdentityToken>' +
      '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/uploader/mini-upload-signer</Arn><AssumedRoleId>AROAEXAMPLE:mini-upload-signer</AssumedRoleId></AssumedRoleUser>' +
      `<Credentials><AccessKeyId>ASIAWEBIDENTITY1</AccessKeyId><SecretAccessKey>web-identity-secret</SecretAccessKey><SessionToken>web-identity-token+/=</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
      '</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>',
  };
}

test('the projected service-account token becomes the keys the tickets are signed with', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-identity-'));
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.service-account.signature');
  const sts = await startStandIn('aws', () => webIdentityReply(new Date(T0 + 3600_000)));
  process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
  try {
    const signer = await startSigner(
      {
        UPLOAD_PROVIDER: 's3',
        UPLOAD_BUCKET: 'examplebucket',
        UPLOAD_REGION: 'us-east-1',
        UPLOAD_CREDENTIALS: 'instance-role',
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader',
      },
      { now: () => new Date(T0) },
    );
    try {
      expect(sts.calls).toHaveLength(1);
      expect(sts.calls[0].params).toMatchObject({
        Action: 'AssumeRoleWithWebIdentity',
        RoleArn: 'arn:aws:iam::123456789012:role/uploader',
        WebIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.service-account.signature',
      });
      const res = await fetch(`${signer.origin}/api/tickets`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] }),
      });
      const { fields } = ((await res.json()) as TicketResponse).tickets[0];
      expect(fields['X-Amz-Credential']).toMatch(/^ASIAWEBIDENTITY1\//);
      expect(fields['X-Amz-Security-Token']).toBe('web-identity-token+/=');
    } finally {
      await signer.close();
    }
  } finally {
    delete process.env.AWS_ENDPOINT_URL_STS;
    await sts.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
