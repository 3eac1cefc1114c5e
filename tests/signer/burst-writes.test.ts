// The ticket route ends its answers together at the end of the event loop's turn
// (cloud-signer/src/burst-writes.ts). Nothing may be lost or reordered by the wait, and
// one response that cannot be written must not keep the turn's others from going out.
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endThisTurn } from '../../cloud-signer/src/burst-writes';

const fakeResponse = (ended: string[], fails = false) =>
  ({
    end: (body: string) => {
      if (fails) throw new Error('socket gone');
      ended.push(body);
    },
  }) as unknown as ServerResponse;

test('answers of one turn are ended together after it, in the order they were ready', async () => {
  const ended: string[] = [];
  endThisTurn(fakeResponse(ended), 'a');
  endThisTurn(fakeResponse(ended), 'b');
  expect(ended).toEqual([]); // not during the turn that produced them
  await new Promise((resolve) => setImmediate(resolve));
  expect(ended).toEqual(['a', 'b']);
  endThisTurn(fakeResponse(ended), 'c'); // a later turn gets its own burst
  await new Promise((resolve) => setImmediate(resolve));
  expect(ended).toEqual(['a', 'b', 'c']);
});

test('a response that throws on end does not hold back the others of its turn', async () => {
  const ended: string[] = [];
  endThisTurn(fakeResponse(ended), 'first');
  endThisTurn(fakeResponse(ended, true), 'lost');
  endThisTurn(fakeResponse(ended), 'last');
  await new Promise((resolve) => setImmediate(resolve));
  expect(ended).toEqual(['first', 'last']);
});

test('over real HTTP, 50 parallel requests each get their own whole answer, and a client gone before its answer harms no one', async () => {
  let aborted: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (req.url === '/gone') {
      req.socket.destroy(); // the client vanishes while its answer waits for the turn's end
      aborted();
    }
    endThisTurn(res, `answer to ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const gone = new Promise<void>((resolve) => (aborted = resolve));
    const goneRequest = fetch(`${origin}/gone`).then(
      () => 'answered',
      () => 'failed',
    );
    await gone;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`${origin}/${i}`).then((r) => r.text())));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `answer to /${i}`));
    expect(await goneRequest).toBe('failed');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
