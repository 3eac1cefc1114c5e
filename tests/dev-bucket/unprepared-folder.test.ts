// A dev bucket whose folder cannot be prepared (here: a file where the folder should be)
// answers requests with a 500 and reports the failure to whoever awaits `ready`, and to
// nobody else: no unhandled rejection when nothing awaits it, as in a signer that only
// serves. A test signer closed right after it started once lost that race (its folder
// removed while the bucket was still reading it) and failed an unrelated test.
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDevBucket, DEV_BUCKET_PATH } from '../../cloud-signer/src/devbucket';
import { BUCKET, CREDENTIALS, REGION } from '../support/bucket-harness';

let root: string;
let dataDir: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'devbucket-unprepared-'));
  dataDir = path.join(root, 'data');
  await fs.writeFile(dataDir, 'not a folder');
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

const bucketOn = (dir: string) => createDevBucket({ dataDir: dir, bucket: BUCKET, region: REGION, credentials: CREDENTIALS });

it('answers a request with 500, and nothing is left unhandled while no one awaits `ready`', async () => {
  const bucket = bucketOn(dataDir);
  const server = http.createServer((req, res) => bucket.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${DEV_BUCKET_PATH}/uploads/a.jpg`);
    expect(res.status).toBe(500);
    // Jest fails the running test on an unhandled rejection; touching `bucket.ready`
    // here would count as handling it, so this test never does.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it('rejects `ready` with the file system error for those who wait', async () => {
  await expect(bucketOn(dataDir).ready).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
});
