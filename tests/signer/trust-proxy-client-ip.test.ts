// UPLOAD_TRUST_PROXY=true: the client is the last X-Forwarded-For address. Some balancers
// append it with its source port (Azure Application Gateway: "203.0.113.7:50001",
// "[2001:db8::7]:50001"). The port changes with every connection, so it must not make one
// client many (per-IP login limits, anonymous quotas and the audit log keyed by ip:port),
// nor may an IPv6 address with a port fall back to the balancer's own address, which
// would put every client behind it on one counter.
import { postJson, type Reply } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

const NOW = new Date('2026-11-22T10:00:00.000Z');

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_TRUST_PROXY: 'true', UPLOAD_RATE_PER_MINUTE: '2' }, { now: () => NOW });
});
afterAll(() => signer.close());

const login = (forwardedFor: string, code: string): Promise<Reply> =>
  postJson(signer.origin, '/api/sessions', { platform: 'wechat', code }, { 'x-forwarded-for': forwardedFor });

test('an IPv4 client with a new source port on each connection is still one client: its 3rd login in a minute is 429', async () => {
  const statuses = [];
  for (let port = 50001; port <= 50003; port++) statuses.push((await login(`198.51.100.9, 203.0.113.7:${port}`, `dev:v4-${port}`)).status);
  expect(statuses).toEqual([200, 200, 429]);
});

test('an IPv6 client with a port is that client, not the balancer: another client behind the same balancer is not limited with it', async () => {
  const statuses = [];
  for (let port = 50001; port <= 50003; port++) statuses.push((await login(`[2001:db8::7]:${port}`, `dev:v6-${port}`)).status);
  expect(statuses).toEqual([200, 200, 429]);
  // Another IPv6 client (another /64; the balancer's socket address is the same for both) still logs in.
  expect((await login('[2001:db8:0:1::8]:50001', 'dev:v6-other')).status).toBe(200);
});
