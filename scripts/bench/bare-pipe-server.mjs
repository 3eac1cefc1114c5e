// Baseline for dev bucket throughput: a node:http server that only pipes the
// request body to a file, with no parsing, hashing or verification.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.DATA_DIR;
let n = 0;
const server = http.createServer(async (req, res) => {
  const file = path.join(dir, `upload-${n++}`);
  try {
    await pipeline(req, fs.createWriteStream(file));
    res.writeHead(204).end();
  } catch {
    res.writeHead(500).end();
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
