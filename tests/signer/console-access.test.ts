// The dev bucket console lists every object with no token; with UPLOAD_AUTH_TOKENS set the
// signer may face a network, so the console answers only to its own machine.
import http from 'node:http';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { consoleVisibleTo } from '../../cloud-signer/src/auth';
import { loadConfig } from '../../cloud-signer/src/config';
import { createDevBucket } from '../../cloud-signer/src/devbucket';
import { createSignerServer } from '../../cloud-signer/src/server';

test.each([
  ['127.0.0.1', true, true],
  ['::1', true, true],
  ['::ffff:127.0.0.1', true, true],
  ['192.168.1.23', true, false],
  [undefined, true, false],
  ['192.168.1.23', false, true], // no tokens: the signer is loopback-only or explicitly open for LAN debugging
])('console for %s with tokens=%s: %s', (address, tokens, visible) => {
  expect(consoleVisibleTo(address, tokens)).toBe(visible);
});

/** A non-loopback IPv4 of this machine, to reach the server the way another host on the LAN would. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((info) => info && info.family === 'IPv4' && !info.internal)?.address;

describe('over HTTP, with tokens configured and the signer on every interface', () => {
  let server: http.Server;
  let port: number;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-access-'));
    const config = loadConfig({ UPLOAD_DATA_DIR: dataDir, HOST: '0.0.0.0', UPLOAD_AUTH_TOKENS: 'console-test-token-0123456789' });
    const devBucket = createDevBucket({ dataDir: config.dataDir, bucket: config.bucket, region: config.region, credentials: config.credentials });
    server = createSignerServer({ config, devBucket });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the signer machine itself still sees the console', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });

  // Needs an address of this machine other than loopback; without one there is no second "host" to ask from.
  (lanAddress ? test : test.skip)(`another host on the network gets 403 (via ${lanAddress ?? 'no LAN address'})`, async () => {
    const res = await fetch(`http://${lanAddress}:${port}/`);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('Forbidden');
  });
});
