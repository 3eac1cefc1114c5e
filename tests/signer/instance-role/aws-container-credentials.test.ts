// AWS beyond EC2: in an ECS task or with EKS Pod Identity the platform sets
// AWS_CONTAINER_CREDENTIALS_FULL_URI (and an authorization token); the signer then takes
// the role's keys from there through the SDK's fromHttp, never from IMDS.
import type { TicketResponse } from '../../../typings/ticket';
import { CONTAINER_CREDENTIALS_PATH, startMetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner } from '../../support/signer';

const T0 = Date.parse('2030-03-01T08:00:00Z');

test('container credentials sign the tickets, with their token, and IMDS is never asked', async () => {
  const service = await startMetadataStandIn({ cloud: 'aws', clock: () => T0, epochMs: T0, rotateEveryMs: 20 * 60_000, lifetimeMs: 60 * 60_000 });
  const signer = await startSigner(
    {
      UPLOAD_PROVIDER: 's3',
      UPLOAD_BUCKET: 'examplebucket',
      UPLOAD_REGION: 'us-east-1',
      UPLOAD_CREDENTIALS: 'instance-role',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: service.origin + CONTAINER_CREDENTIALS_PATH,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'pod-identity-token',
    },
    { now: () => new Date(T0) },
  );
  try {
    const res = await fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] }),
    });
    const { fields } = ((await res.json()) as TicketResponse).tickets[0];
    const keys = service.keysAt(T0);
    expect(fields['X-Amz-Credential']).toMatch(new RegExp(`^${keys.accessKeyId}/`));
    expect(fields['X-Amz-Security-Token']).toBe(keys.securityToken);
    expect(service.calls.map((call) => [call.path, call.authorization])).toEqual([[CONTAINER_CREDENTIALS_PATH, 'pod-identity-token']]);
  } finally {
    await signer.close();
    await service.close();
  }
});
