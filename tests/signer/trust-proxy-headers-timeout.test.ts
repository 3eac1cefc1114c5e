// Behind a balancer the signer keeps an idle kept-alive connection open for the idle timeout
// (60 s by default) while a client has only UPLOAD_HEADERS_TIMEOUT_SECONDS (15 s) for its
// headers. Node before 18 counted that headers time from the end of the previous request, so
// a pooled connection idle longer than it was cut by the headers timeout (hence the old advice
// headersTimeout > keepAliveTimeout). Node 20 counts it from the first byte of a request, which
// these tests prove with small values (headers 1 s, idle 20 s): a real keep-alive HTTP client
// waits well past the headers time and its second request on the same socket is answered,
// while a slow-header sender is still cut, on a fresh connection and on a kept-alive one about
// a headers time after its request's first byte.
import http from 'node:http';
import net from 'node:net';
import { startSigner, type RunningSigner } from '../support/signer';

jest.setTimeout(30_000);

const HEADERS_TIMEOUT_MS = 1000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_TRUST_PROXY: 'true', UPLOAD_IDLE_TIMEOUT_SECONDS: '20', UPLOAD_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_MS / 1000) });
});
afterAll(() => signer.close());

/** GET /healthz through `agent`: the status, and which local port (so which connection) carried it. */
function get(agent: http.Agent): Promise<{ status: number; localPort: number; reused: boolean }> {
  const { port } = new URL(signer.origin);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: Number(port), path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort: req.socket!.localPort!, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

/**
 * Sends a request's headers a line every 300 ms, never ending them, on `socket`; resolves when
 * the signer closes it, with how long after the first byte and what it answered.
 */
function trickleHeaders(socket: net.Socket): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    let answer = '';
    const started = Date.now();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => socket.write('X-Slow: a\r\n'), 300);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
  });
}

test('a kept-alive connection idle for 2.5 headers times carries the next request', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(agent);
    expect(first.status).toBe(200);
    await pause(2.5 * HEADERS_TIMEOUT_MS);
    const second = await get(agent);
    expect(second).toEqual({ status: 200, localPort: first.localPort, reused: true });
  } finally {
    agent.destroy();
  }
});

test('a slow-header sender on a fresh connection is cut after the headers time', async () => {
  const { port } = new URL(signer.origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const { closedAfterMs, answer } = await trickleHeaders(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS * 3);
});

test('on a kept-alive connection the headers time starts at the next request\'s first byte', async () => {
  const { port } = new URL(signer.origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  let received = '';
  const onData = (chunk: Buffer) => (received += chunk.toString('utf8'));
  socket.on('data', onData);
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  for (let i = 0; i < 50 && !received.includes('"ok":true'); i++) await pause(20);
  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  socket.off('data', onData);
  // Idle for 2.5 headers times: still open (the test above), then a slow second request.
  await pause(2.5 * HEADERS_TIMEOUT_MS);
  expect(socket.destroyed).toBe(false);
  const { closedAfterMs, answer } = await trickleHeaders(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  // Not at once (as if the idle time had counted), but a headers time after its first byte.
  expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS * 3);
});
