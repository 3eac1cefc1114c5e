// Behind a load balancer (UPLOAD_TRUST_PROXY=true) the balancer keeps its connections to the
// signer open and reuses them; a backend that closes an idle one first races the balancer's
// next request on it, which the balancer answers 502 (AWS: "configure the idle timeout of your
// application to be larger than the idle timeout configured for the load balancer"). The
// README has UPLOAD_IDLE_TIMEOUT_SECONDS cut a connection with no bytes in or out for that
// long; node's own keep-alive timeout (5 s) cut an idle kept-alive one much earlier.
import net from 'node:net';
import { startSigner, type RunningSigner } from '../support/signer';

jest.setTimeout(30_000);

/** Two requests on one connection, `pauseMs` apart; what came back, and whether the signer closed it meanwhile. */
async function twoRequests(origin: string, pauseMs: number): Promise<{ answers: number; closedAfterMs?: number }> {
  const { port } = new URL(origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  const started = Date.now();
  let received = '';
  let closedAfterMs: number | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAfterMs = Date.now() - started));
  const get = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  socket.write(get);
  await new Promise((r) => setTimeout(r, pauseMs));
  if (closedAfterMs === undefined) socket.write(get);
  await new Promise((r) => setTimeout(r, 500));
  socket.destroy();
  return { answers: received.split('HTTP/1.1 200').length - 1, ...(closedAfterMs !== undefined && closedAfterMs < pauseMs ? { closedAfterMs } : {}) };
}

describe('UPLOAD_TRUST_PROXY=true, UPLOAD_IDLE_TIMEOUT_SECONDS=20', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_TRUST_PROXY: 'true', UPLOAD_IDLE_TIMEOUT_SECONDS: '20', UPLOAD_HEADERS_TIMEOUT_SECONDS: '2' });
  });
  afterAll(() => signer.close());

  test('a kept-alive connection idle for 8 s is still open for the balancer\'s next request', async () => {
    expect(await twoRequests(signer.origin, 8000)).toEqual({ answers: 2 });
  });
});

describe('facing phones directly (no trusted proxy)', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ UPLOAD_IDLE_TIMEOUT_SECONDS: '20' });
  });
  afterAll(() => signer.close());

  test('an idle kept-alive connection is let go within seconds, so thousands of phones do not hold the connection cap', async () => {
    const { answers, closedAfterMs } = await twoRequests(signer.origin, 8000);
    expect(answers).toBe(1);
    expect(closedAfterMs).toBeLessThan(8000);
  });
});
