// A reader that hangs up in the middle of a large object must not leave the object's
// file open: a signer serving many dropped downloads (a phone leaving a page, a
// preview cancelled) would otherwise run out of file descriptors.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { eventually, formFor, post, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

/** Far more than the socket buffers hold, so the server is still streaming when the reader leaves. */
const OBJECT_BYTES = 16 * 1024 * 1024;

let running: RunningBucket;
let key: string;

beforeAll(async () => {
  running = await startBucket();
  const ticket = ticketFor(running, { maxBytes: OBJECT_BYTES });
  key = ticket.key;
  const answer = await post(running, formFor(ticket, randomBytes(OBJECT_BYTES)));
  expect(answer.status).toBe(201);
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

/** Descriptors of this process open on a file under `dir` (Linux /proc). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fdDir = '/proc/self/fd';
  const targets = await Promise.all(
    (await fs.readdir(fdDir)).map((fd) => fs.readlink(path.join(fdDir, fd)).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(dir + path.sep));
}

it('closes the object file when the reader disconnects mid-body', async () => {
  const objectsDir = path.join(running.dataDir, 'objects');
  await new Promise<void>((resolve, reject) => {
    const req = http.get(`${running.endpoint}/${key}`, (res) => {
      expect(res.statusCode).toBe(200);
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
  });
  expect(await eventually(async () => (await openFilesUnder(objectsDir)).length === 0)).toBe(true);
});
