// A loopback HTTP proxy in front of a signer that can make the network go quiet the
// way a weak uplink does: the next N uploads to the dev bucket are read to the last
// byte and then never answered (the phone shows "99%" and waits). Everything else is
// forwarded untouched, Host header included, so the signer's dev-bucket ticket URLs
// (which follow the host the phone used) point back through the proxy.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingProxy {
  /** e.g. http://127.0.0.1:41235: give this to the app as its signer URL. */
  origin: string;
  /** The next `count` POSTs to /dev-bucket are swallowed: body read, no answer. */
  stallNextUploads(count: number): void;
  /** How many uploads were swallowed so far. */
  readonly stalled: number;
  close(): Promise<void>;
}

export async function startStallingProxy(targetOrigin: string): Promise<StallingProxy> {
  const target = new URL(targetOrigin);
  let toStall = 0;
  let stalled = 0;
  const server = http.createServer((req, res) => {
    if (toStall > 0 && req.method === 'POST' && (req.url ?? '').startsWith('/dev-bucket')) {
      toStall -= 1;
      stalled += 1;
      // Read it all (the phone's progress reaches the end), answer nothing.
      req.resume();
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stallNextUploads: (count) => void (toStall += count),
    get stalled() {
      return stalled;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
