// Issue 9, item 8: with the dev bucket, the Host header becomes ticket URLs, object
// links, Location headers and what private links are checked against. Only hosts the
// signer is really reachable by are accepted — loopback names and addresses, its own
// interface addresses, and UPLOAD_ALLOWED_HOSTS — so a DNS-rebinding page
// (evil.example resolving to 127.0.0.1) gets a 400, not tickets or the console. A
// malformed Host is a 400 too, never a 500.
import { networkInterfaces } from 'node:os';
import { createHostGate } from '../../cloud-signer/src/host-gate';
import { ConfigError, loadConfig } from '../../cloud-signer/src/config';
import type { TicketResponse } from '../../typings/ticket';
import { PHOTOS, errorCode, formFor, request } from '../support/bucket-harness';
import { startSigner, type RunningSigner } from '../support/signer';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const HOSTILE = ['evil.example', 'evil.example:3000', 'evil.example/phish?x=', '[', '[::1', 'a b', '127.0.0.1.evil.example', 'localhost.evil.example'];

let signer: RunningSigner;
let port: number;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true', UPLOAD_ALLOWED_HOSTS: 'devbox.lan, Photos.Example.com' });
  port = Number(new URL(signer.origin).port);
});
afterAll(() => signer.close());

const withHost = (host: string) => ({ Host: host });

async function tickets(host: string) {
  return request(`${signer.origin}/api/tickets`, {
    method: 'POST',
    body: Buffer.from(JSON.stringify({ files: [{ name: 'photo-1.png', size: 1000, type: 'image/png' }] })),
    headers: { 'Content-Type': 'application/json', ...withHost(host) },
  });
}

describe.each(HOSTILE)('Host %j', (host) => {
  test('gets no tickets', async () => {
    const answer = await tickets(host);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.code).toBe('HostNotAllowed');
  });
  test('gets no console', async () => {
    const answer = await request(`${signer.origin}/`, { headers: withHost(host) });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('dev-bucket');
  });
  test('gets no object, private link or not', async () => {
    const answer = await request(`${signer.origin}/dev-bucket/uploads/2026/11/22/0123456789abcdef.png?X-Amz-Signature=00`, { headers: withHost(host) });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('HostNotAllowed');
  });
  test('cannot upload, so no Location is built from it', async () => {
    const photo = await fs.readFile(path.join(PHOTOS, 'photo-1.png'));
    const ticket = (JSON.parse((await tickets(`127.0.0.1:${port}`)).text) as TicketResponse).tickets[0];
    const form = formFor(ticket, photo);
    const answer = await request(`${signer.origin}/dev-bucket`, {
      method: 'POST',
      body: form.body,
      headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length), ...withHost(host) },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
  });
});

test.each([
  ['127.0.0.1', 'http://127.0.0.1:PORT/dev-bucket'],
  ['localhost', 'http://localhost:PORT/dev-bucket'],
  ['LocalHost.', 'http://LocalHost.:PORT/dev-bucket'],
  ['app.localhost', 'http://app.localhost:PORT/dev-bucket'],
  ['127.0.0.2', 'http://127.0.0.2:PORT/dev-bucket'],
  ['[::1]', 'http://[::1]:PORT/dev-bucket'],
  ['devbox.lan', 'http://devbox.lan:PORT/dev-bucket'],
  ['photos.example.com', 'http://photos.example.com:PORT/dev-bucket'],
])('Host %s is ours: its tickets point back at it', async (name, url) => {
  const answer = await tickets(`${name}:${port}`);
  expect(answer.status).toBe(200);
  expect((JSON.parse(answer.text) as TicketResponse).tickets[0].url).toBe(url.replace('PORT', String(port)));
});

test("the signer's own interface addresses are ours (what a phone on the LAN uses)", async () => {
  const own = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4');
  for (const info of own) expect((await tickets(`${info!.address}:${port}`)).status).toBe(200);
  const gate = createHostGate({ listenHost: '0.0.0.0', allowedHosts: [], interfaces: () => ({ wlan0: [{ address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null }] }) });
  expect(gate('192.168.1.20:3000')).toBe(true);
  expect(gate('192.168.1.21:3000')).toBe(false);
});

test('an accepted Host is remembered as spelled; a refused one never is; an interface address is judged by the interfaces last read', () => {
  let wlan: string[] = ['192.168.1.20'];
  const gate = createHostGate({
    listenHost: '0.0.0.0',
    allowedHosts: ['devbox.lan'],
    interfaces: () => ({ wlan0: wlan.map((address) => ({ address, family: 'IPv4' as const, internal: false, netmask: '255.255.255.0', mac: '', cidr: null })) }),
  });
  expect(gate('127.0.0.1:3000')).toBe(true);
  expect(gate('127.0.0.1:3000')).toBe(true);
  expect(gate('evil.example')).toBe(false);
  expect(gate('evil.example')).toBe(false);
  expect(gate('DevBox.LAN.')).toBe(true);
  // Refused after an accepted one, whatever came before.
  expect(gate('127.0.0.1:3000')).toBe(true);
  expect(gate('127.0.0.1:3000/phish?x=')).toBe(false);
  expect(gate('192.168.1.20:3000')).toBe(true);
  wlan = [];
  expect(gate('192.168.1.20:3000')).toBe(true); // still in the set read a moment ago
  expect(gate(undefined)).toBe(false);
});

test('UPLOAD_ALLOWED_HOSTS takes host names or addresses only', () => {
  expect(loadConfig({ UPLOAD_ALLOWED_HOSTS: 'devbox.lan,10.0.0.5,[fd00::5]' }).allowedHosts).toEqual(['devbox.lan', '10.0.0.5', 'fd00::5']);
  for (const bad of ['http://devbox.lan', 'devbox.lan:3000', 'dev box', '*.example.com']) {
    expect(() => loadConfig({ UPLOAD_ALLOWED_HOSTS: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ UPLOAD_ALLOWED_HOSTS: bad })).toThrow(/UPLOAD_ALLOWED_HOSTS/);
  }
});
