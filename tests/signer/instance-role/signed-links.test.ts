// Signed links for a private bucket come from the instance-role keys too: the link the
// signer hands out for an issued key equals esdk-obs-nodejs createSignedUrlSync with the
// same keys and token, and lives no longer than those keys.
import ObsClient from 'esdk-obs-nodejs';
import type { ObjectUrlsResponse, TicketResponse } from '../../../typings/ticket';
import { atSdkClock, decodedLocation, queryOf } from '../../support/dialect-inputs';
import { startMetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner } from '../../support/signer';

const MINUTE = 60_000;
const T0 = Date.parse('2030-03-01T08:00:00Z');

test('huawei: a private-bucket link signed with the agency keys, as the OBS SDK signs it', async () => {
  // Keys issued at T0 live 60 minutes; the link is asked for 30 minutes later, so the
  // one-hour link lifetime is cut to the 30 minutes the keys have left.
  let clock = T0;
  const service = await startMetadataStandIn({ cloud: 'huawei', clock: () => clock, epochMs: T0, rotateEveryMs: 120 * MINUTE, lifetimeMs: 60 * MINUTE });
  const signer = await startSigner(
    {
      UPLOAD_PROVIDER: 'obs',
      UPLOAD_BUCKET: 'examplebucket',
      UPLOAD_REGION: 'cn-north-4',
      UPLOAD_CREDENTIALS: 'instance-role',
      UPLOAD_METADATA_ENDPOINT: service.origin,
      UPLOAD_PRIVATE_BUCKET: 'true',
    },
    { now: () => new Date(clock) },
  );
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${signer.origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const { tickets } = (await post('/api/tickets', { files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] })) as TicketResponse;
    clock = T0 + 30 * MINUTE;
    const { urls } = (await post('/api/object-urls', { keys: [tickets[0].key] })) as ObjectUrlsResponse;
    expect(urls[0].expiresAt).toBe(new Date(T0 + 60 * MINUTE).toISOString());

    const keys = service.keysAt(T0);
    const client = new ObsClient({
      access_key_id: keys.accessKeyId,
      secret_access_key: keys.accessKeySecret,
      security_token: keys.securityToken,
      server: 'https://obs.cn-north-4.myhuaweicloud.com',
    });
    await new Promise((resolve) => setImmediate(resolve)); // the client finishes its setup in a microtask
    const { SignedUrl } = atSdkClock(new Date(clock), () =>
      client.createSignedUrlSync({ Method: 'GET', Bucket: 'examplebucket', Key: tickets[0].key, Expires: 30 * 60 }),
    );
    expect(queryOf(urls[0].url)).toEqual(queryOf(SignedUrl));
    expect(queryOf(urls[0].url)['x-obs-security-token']).toBe(keys.securityToken);
    expect(decodedLocation(urls[0].url)).toBe(decodedLocation(SignedUrl));
  } finally {
    await signer.close();
    await service.close();
  }
});
