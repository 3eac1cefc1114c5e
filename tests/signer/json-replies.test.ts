// JSON replies go to node as text (api-error.ts), so their Content-Length is counted in
// UTF-8 bytes, not in characters: a reply with Chinese or an emoji in it must arrive
// whole, and the connection must carry the next reply intact after it. A ticket reply is
// counted from its length when the route vouches it is ASCII: that count must be exact too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJsonText } from '../../cloud-signer/src/api-error';
import { endThisTurn } from '../../cloud-signer/src/burst-writes';
import { photo, signingOnly } from '../support/api-helpers';
import { startSigner } from '../support/signer';

interface Received {
  length: string | undefined;
  text: string;
  socket: unknown;
}

/** One request through `agent` (kept alive, one socket): the declared length, the body, the socket it came on. */
function exchange(agent: http.Agent, url: string, method: 'GET' | 'POST', body?: string): Promise<Received> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ length: res.headers['content-length'], text: Buffer.concat(chunks).toString('utf8'), socket: res.socket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a reply with multi-byte characters says its byte length and arrives whole, then the kept-alive connection serves the next one', async () => {
  const wide = JSON.stringify({ message: '照片 1 · 今天 10:03 🙂', n: 1 });
  const plain = JSON.stringify({ message: 'photo 2', n: 2 });
  const server = http.createServer((req, res) => {
    if (req.url === '/wide') sendJsonText(res, 200, wide, undefined, endThisTurn);
    else sendJsonText(res, 200, plain);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) => exchange(agent, `http://127.0.0.1:${port}${path}`, 'GET');
  try {
    const first = await get('/wide');
    expect(first.length).toBe(String(Buffer.byteLength(wide, 'utf8')));
    expect(Number(first.length)).toBeGreaterThan(wide.length);
    expect(JSON.parse(first.text)).toEqual({ message: '照片 1 · 今天 10:03 🙂', n: 1 });
    const second = await get('/plain');
    expect(second.socket).toBe(first.socket); // the same connection, not cut by a miscounted body
    expect(JSON.parse(second.text)).toEqual({ message: 'photo 2', n: 2 });
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('ticket replies, counted from their length, say their exact byte count on a kept-alive connection', async () => {
  const api = await startSigner({}, signingOnly());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (files: unknown[]) => exchange(agent, `${api.origin}/api/tickets`, 'POST', JSON.stringify({ files }));
  try {
    // Names in Chinese: the request is not ASCII, the reply (keys, policies, URLs) is.
    const three = await post([photo({ name: '照片 1.jpg' }), photo({ name: '照片 2.png', type: 'image/png' }), photo()]);
    expect(three.length).toBe(String(Buffer.byteLength(three.text, 'utf8')));
    expect(JSON.parse(three.text).tickets).toHaveLength(3);
    const one = await post([photo()]);
    expect(one.socket).toBe(three.socket);
    expect(one.length).toBe(String(Buffer.byteLength(one.text, 'utf8')));
    expect(JSON.parse(one.text).tickets).toHaveLength(1);
  } finally {
    agent.destroy();
    await api.close();
  }
});
