// Behind a load balancer (UPLOAD_TRUST_PROXY=true, as "Several signers with Redis" says)
// every connection comes from the balancer's address, so a per-client connection share
// would cap all clients together at a quarter of the signer's connections and answer the
// rest 503 TooManyConnections. With the proxy trusted and no share set, there is none;
// a share set on purpose still holds.
import http from 'node:http';
import { startSigner, type RunningSigner } from '../support/signer';
import { loadConfig } from '../../cloud-signer/src/config';

const BODY = JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] });

/** A ticket request that holds its connection open (headers sent, body not yet), as a balancer's pool does. */
function heldRequest(origin: string, clientIp: string): { done: Promise<number | 'refused'>; finish(): void } {
  const req = http.request(`${origin}/api/tickets`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(BODY.length), 'x-forwarded-for': clientIp },
  });
  const done = new Promise<number | 'refused'>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('refused'));
  });
  req.flushHeaders();
  return { done, finish: () => req.end(BODY) };
}

describe('UPLOAD_TRUST_PROXY=true with 8 connections at most', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_TRUST_PROXY: 'true', UPLOAD_MAX_CONNECTIONS: '8' });
  });
  afterAll(() => signer.close());

  test('six clients at once through the balancer are all answered, not 503 past a quarter', async () => {
    const held = Array.from({ length: 6 }, (_, i) => heldRequest(signer.origin, `203.0.113.${i + 1}`));
    await new Promise((r) => setTimeout(r, 300));
    for (const h of held) h.finish();
    expect(await Promise.all(held.map((h) => h.done))).toEqual(Array(6).fill(200));
  });
});

test('the per-client share is off by default only when the proxy is trusted; set, it is kept', () => {
  const env = { UPLOAD_MAX_CONNECTIONS: '8' };
  expect(loadConfig(env).connections.maxConnectionsPerClient).toBe(2);
  expect(loadConfig({ ...env, UPLOAD_TRUST_PROXY: 'true' }).connections.maxConnectionsPerClient).toBe(0);
  expect(loadConfig({ ...env, UPLOAD_TRUST_PROXY: 'true', UPLOAD_MAX_CONNECTIONS_PER_CLIENT: '3' }).connections.maxConnectionsPerClient).toBe(3);
});
