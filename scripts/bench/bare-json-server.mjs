// The fair floor for ticket throughput: the same HTTP work a ticket request costs, and
// nothing else. It reads the whole POST body into memory (as the signer must before it can
// parse it) and answers a constant body of exactly BODY_BYTES bytes (a real ticket
// response's size, measured by the bench) with the headers the signer sends
// (Content-Type, Content-Length, Cache-Control, plus node's own Date and keep-alive).
// Same server defaults (keep-alive, timeouts) as the signer: only the signing is missing.
// With BURST=1 it also ends its answers together at the end of each event-loop turn, as
// the signer's ticket route does (cloud-signer/src/burst-writes.ts): the bench prints the
// ratio against that floor too, so the write consolidation's own gain is not counted as
// the signer's.
import http from 'node:http';

const BODY_BYTES = Number(process.env.BODY_BYTES ?? 1600);
// A JSON string of the exact size: `"xxx…"`.
const body = `"${'x'.repeat(Math.max(0, BODY_BYTES - 2))}"`;
const headers = {
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': Buffer.byteLength(body),
  'Cache-Control': 'no-store',
};

let queued = [];
const endQueued = () => {
  const batch = queued;
  queued = [];
  for (const res of batch) res.end(body);
};
const end = process.env.BURST === '1'
  ? (res) => {
      if (queued.length === 0) setImmediate(endQueued);
      queued.push(res);
    }
  : (res) => res.end(body);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const received = Buffer.concat(chunks);
    if (received.length === 0) res.statusCode = 400; // read for real: the bytes are used
    res.writeHead(res.statusCode, headers);
    end(res);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
