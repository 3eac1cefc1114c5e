// /healthz follows the instance role's keys: a load balancer must stop sending people to a
// signer whose keys expired and cannot be renewed (every ticket would be a 503), and send
// them again once a renewal worked. Real signer (startSigner, wired as npm start) against
// the loopback metadata stand-in, on a pinned clock. The 503 says why in a fixed sentence:
// no key, token, role name or metadata address.
import { startMetadataStandIn, type MetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(30_000);

const MINUTE = 60_000;
const T0 = Date.parse('2030-03-01T08:00:00Z');
const CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/upload-signer';

let clock = T0;
let service: MetadataStandIn;
let signer: RunningSigner;
let warn: jest.SpyInstance;

beforeAll(async () => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  // Keys rotate every 20 minutes and each set lives 60.
  service = await startMetadataStandIn({ cloud: 'alibaba', clock: () => clock, epochMs: T0, rotateEveryMs: 20 * MINUTE, lifetimeMs: 60 * MINUTE });
  signer = await startSigner(
    {
      UPLOAD_PROVIDER: 'oss',
      UPLOAD_BUCKET: 'examplebucket',
      UPLOAD_REGION: 'cn-hangzhou',
      UPLOAD_CREDENTIALS: 'instance-role',
      UPLOAD_METADATA_ENDPOINT: service.origin,
      UPLOAD_TICKET_TTL_SECONDS: '600',
    },
    { now: () => new Date(clock) },
  );
});
afterAll(async () => {
  await signer?.close();
  await service?.close();
  warn.mockRestore();
});

const credentialReads = () => service.calls.filter((call) => call.method === 'GET' && call.path === CREDENTIALS_PATH).length;

async function probe(method: 'GET' | 'HEAD' = 'GET'): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const res = await fetch(`${signer.origin}/healthz`, { method });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

test('503 with a reason while the keys are expired and cannot be renewed, ok again after a renewal', async () => {
  const healthy = await probe();
  expect(healthy.status).toBe(200);
  expect(JSON.parse(healthy.text)).toMatchObject({ ok: true, provider: 'oss', bucket: 'examplebucket' });
  expect(credentialReads()).toBe(1); // startup's read; a probe with valid keys asks nothing

  // The metadata service goes down while the keys are still valid: still healthy, the
  // same constant answer, and no metadata call per probe.
  service.down = true;
  clock = T0 + 55 * MINUTE;
  expect(await probe()).toEqual(healthy);
  expect(credentialReads()).toBe(1);

  // 30 s before the keys die (less than the minute a ticket needs), service still down:
  // unavailable, with the reason and the same Retry-After as the ticket route's 503.
  clock = T0 + 59 * MINUTE + 30_000;
  const down = await probe();
  expect(down.status).toBe(503);
  expect(down.retryAfter).toBe('2');
  expect(JSON.parse(down.text)).toEqual({
    ok: false,
    reason: expect.stringMatching(/^credentials expired and could not be renewed/),
    error: { code: 'CredentialsUnavailable', message: expect.stringMatching(/expired/) },
  });
  const keys = service.keysAt(T0);
  for (const secret of [keys.accessKeyId, keys.accessKeySecret, keys.securityToken, 'upload-signer', service.origin, '127.0.0.1']) {
    expect(down.text).not.toContain(secret);
  }
  expect((await probe('HEAD')).status).toBe(503);
  // Tickets agree with the probe.
  const ticket = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'IMG_0001.jpg', size: 1000, type: 'image/jpeg' }] }),
  });
  expect(ticket.status).toBe(503);
  // The cause goes to the log, once, not once per probe.
  expect(signer.logged.filter((line) => line.includes('/healthz answers 503'))).toEqual([expect.stringMatching(/cannot be reached/)]);

  // Back up. No ticket request needed (a balancer that took the signer out of rotation
  // sends none): the probe itself renews the keys, and says ok with the startup answer.
  service.down = false;
  clock += 3000;
  const readsBefore = credentialReads();
  expect(await probe()).toEqual(healthy);
  expect(credentialReads()).toBe(readsBefore + 1);
  expect(signer.logged.filter((line) => line.includes('/healthz ok again'))).toHaveLength(1);
  // And the renewed keys are simply in hand again.
  expect(await probe()).toEqual(healthy);
  expect(credentialReads()).toBe(readsBefore + 1);
});
