// Baseline for ticket throughput: the least a node:http server can do per request —
// read the request, answer a constant JSON body of a ticket's size.
import http from 'node:http';

const body = JSON.stringify({
  serverTime: new Date(0).toISOString(),
  tickets: [{ padding: 'x'.repeat(Number(process.env.BODY_BYTES ?? 1400)) }],
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
