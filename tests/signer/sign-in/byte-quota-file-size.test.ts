// A daily byte quota smaller than the largest file the signer advertises: a file above the
// quota can never be ticketed, on any day. /healthz must not offer it (the app checks every
// file against /healthz before anything is sent), and asking anyway is "too large", not a
// quota "used up for today, try again after midnight" that the app shows as come back tomorrow.
import { askTickets, postJson, request } from '../../support/api-helpers';
import { startSigner, type RunningSigner } from '../../support/signer';

const QUOTA = 30_000_000; // ~28.6 MiB a day: more than one 20 MiB file, less than the 2 GiB in parts
let clock = new Date('2026-11-22T10:00:00.000Z');
let signer: RunningSigner;

beforeAll(async () => {
  signer = await startSigner({ UPLOAD_QUOTA_BYTES_PER_DAY: String(QUOTA) }, { now: () => clock });
});
afterAll(() => signer.close());

test('/healthz offers no file larger than the daily byte quota, single or in parts', async () => {
  const health = (await request(`${signer.origin}/healthz`)).json;
  expect(health.limits.maxBytes).toBeLessThanOrEqual(QUOTA);
  expect(health.multipart.maxBytes).toBeLessThanOrEqual(QUOTA);
});

test('a file in parts above the quota is refused as too large on a fresh day, not as a quota to wait for', async () => {
  let auth: Record<string, string> = {};
  for (const day of ['2026-11-22T10:00:00.000Z', '2026-11-23T00:00:01.000Z']) {
    clock = new Date(day);
    const login = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code: 'dev:big-video' });
    auth = { authorization: `Bearer ${login.json.token}` };
    const start = await postJson(signer.origin, '/api/uploads', { name: 'v.mp4', size: 40_000_000, type: 'image/jpeg' }, auth);
    expect([start.status, start.json.error?.code, start.headers['retry-after']]).toEqual([400, 'FileTooLarge', undefined]);
  }
  // A file within the quota still goes.
  expect((await askTickets(signer.origin, { files: [{ name: 'a.jpg', size: 1000 }] }, auth)).status).toBe(200);
});
