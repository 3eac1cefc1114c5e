// Issue 9, item 4: one key, one bytes file, whatever the races and crashes. Twenty
// parallel uploads with one ticket used to leave 18 unreferenced byte files; a kill
// between the two renames of a commit left bytes without metadata. A start reconciles
// whatever a crash left: temp files, bytes no metadata points at, metadata whose bytes
// are gone.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

const MB = 1_000_000;
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const names = async (dir: string) => (await fs.readdir(dir)).sort();

let running: RunningBucket | undefined;
afterEach(async () => {
  if (!running) return;
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
  running = undefined;
});

test('20 parallel uploads with one ticket leave one object and one bytes file, and it is one of the uploads whole', async () => {
  running = await startBucket();
  const ticket = ticketFor(running, { maxBytes: 2 * MB });
  const bodies = Array.from({ length: 20 }, () => randomBytes(MB));
  const answers = await Promise.all(bodies.map((body) => post(running!, formFor(ticket, body))));
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));

  expect(await names(path.join(running.dataDir, 'objects'))).toHaveLength(1);
  expect(await names(path.join(running.dataDir, 'meta'))).toHaveLength(1);
  expect(await names(path.join(running.dataDir, 'tmp'))).toEqual([]);
  const served = await request(`${running.endpoint}/${ticket.key}`);
  expect(served.status).toBe(200);
  expect(bodies.map(md5)).toContain(md5(served.body));
  expect(served.headers.etag).toBe(`"${md5(served.body)}"`);
});

test('a start reconciles what a crash left: temp files, bytes without metadata, metadata without bytes', async () => {
  running = await startBucket();
  const { dataDir, root } = running;
  const kept = ticketFor(running);
  const lost = ticketFor(running);
  const keptBody = randomBytes(1000);
  expect((await post(running, formFor(kept, keptBody))).status).toBe(201);
  expect((await post(running, formFor(lost, randomBytes(1000)))).status).toBe(201);
  await running.close();

  const objects = path.join(dataDir, 'objects');
  const meta = path.join(dataDir, 'meta');
  const sidecars = await Promise.all((await names(meta)).map(async (n) => ({ name: n, ...JSON.parse(await fs.readFile(path.join(meta, n), 'utf8')) })));
  const keptSidecar = sidecars.find((s) => s.key === kept.key);
  const lostSidecar = sidecars.find((s) => s.key === lost.key);
  // What kills at every step of a commit leave behind:
  await fs.writeFile(path.join(dataDir, 'tmp', 'abc.part'), 'half an upload'); // killed mid-body
  await fs.writeFile(path.join(objects, `${keptSidecar.file.split('.')[0]}.${'0'.repeat(24)}`), 'the version it replaced'); // killed before the old bytes were deleted
  await fs.writeFile(path.join(objects, `${'f'.repeat(64)}.${'1'.repeat(24)}`), 'bytes renamed, metadata never written'); // killed between the renames
  await fs.rm(path.join(objects, lostSidecar.file)); // bytes gone under their metadata
  await fs.writeFile(path.join(meta, 'garbage.json'), '{"key":'); // never written by the bucket, but cannot be served either
  await fs.writeFile(path.join(dataDir, 'dev-keys.json'), '{}'); // not the bucket's to touch

  running = await startBucket({ root });
  expect(await names(path.join(dataDir, 'tmp'))).toEqual([]);
  expect(await names(objects)).toEqual([keptSidecar.file]);
  expect(await names(meta)).toEqual([keptSidecar.name]);
  expect(await fs.readFile(path.join(dataDir, 'dev-keys.json'), 'utf8')).toBe('{}');
  expect((await running.bucket.list()).map((o) => o.key)).toEqual([kept.key]);
  expect((await request(`${running.endpoint}/${kept.key}`)).body.equals(keptBody)).toBe(true);
  expect((await request(`${running.endpoint}/${lost.key}`)).status).toBe(404);
});
