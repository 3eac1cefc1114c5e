// Callers without a session are counted per client IP (anonymous quotas, login rate). An
// IPv6 client holds a whole /64 (a phone on a mobile network is handed one, SLAAC privacy
// addresses rotate inside it), so counted per address it could take a fresh quota with every
// address it picks. Counted per /64, it is one client; another /64 is another client.
// Behind a trusted proxy, so the test can name the client's address.
import { askTickets, postJson } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const oneFile = { files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] };

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner(
    { UPLOAD_TRUST_PROXY: 'true', UPLOAD_QUOTA_FILES_PER_DAY: '1', UPLOAD_RATE_PER_MINUTE: '2' },
    { now: () => NOW },
  );
});
afterAll(() => signer.close());

const from = (address: string) => ({ 'x-forwarded-for': address });

test('an anonymous IPv6 client cannot take a new daily quota with each address of its /64', async () => {
  expect((await askTickets(signer.origin, oneFile, from('2001:db8:1:2::1'))).status).toBe(200);
  const again = await askTickets(signer.origin, oneFile, from('2001:db8:1:2:a3f1:77e2:19c4:5b0d'));
  expect([again.status, again.json.error?.code]).toEqual([429, 'FileQuotaExceeded']);
  // Another /64 is another client.
  expect((await askTickets(signer.origin, oneFile, from('2001:db8:1:3::1'))).status).toBe(200);
});

test('logins from one IPv6 /64 share one rate limit, whatever address each comes from', async () => {
  const statuses = [];
  for (let i = 1; i <= 3; i++) {
    statuses.push((await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: `dev:v6-${i}` }, from(`2001:db8:9:9::${i}`))).status);
  }
  expect(statuses).toEqual([200, 200, 429]);
});
