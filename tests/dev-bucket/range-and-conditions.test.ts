// Issue 9, item 11: reads closer to S3. Range gives 206 with Content-Range (the app's
// video preview and the console seek), an unsatisfiable one 416 InvalidRange; If-None-Match
// takes a list (and *, and weak tags) for 304, If-Match answers 412 PreconditionFailed, and
// If-Modified-Since / If-Unmodified-Since apply where no ETag condition was sent.
// Checked against what RFC 9110 (sections 13 and 14) and S3's GetObject say.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { errorCode, formFor, post, request, startBucket, ticketFor, type RunningBucket } from '../support/bucket-harness';

let running: RunningBucket;
let body: Buffer;
let url: string;
let etag: string;
const SIZE = 10_000;

beforeAll(async () => {
  running = await startBucket();
  body = randomBytes(SIZE);
  const ticket = ticketFor(running);
  expect((await post(running, formFor(ticket, body))).status).toBe(201);
  url = `${running.endpoint}/${ticket.key}`;
  etag = `"${createHash('md5').update(body).digest('hex')}"`;
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});

describe('Range', () => {
  test.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-199', 100, 199],
    ['bytes=9990-', 9990, SIZE - 1],
    ['bytes=-10', SIZE - 10, SIZE - 1],
    ['bytes=9000-99999', 9000, SIZE - 1], // a last byte past the end is the end
    ['bytes=-20000', 0, SIZE - 1], // a suffix longer than the object is all of it
  ])('%s → 206 with bytes %i-%i', async (range, first, last) => {
    const answer = await request(url, { headers: { Range: range } });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes ${first}-${last}/${SIZE}`);
    expect(answer.headers['content-length']).toBe(String(last - first + 1));
    expect(answer.headers['accept-ranges']).toBe('bytes');
    expect(answer.headers.etag).toBe(etag);
    expect(answer.body.equals(body.subarray(first, last + 1))).toBe(true);
  });

  test('HEAD with a Range describes the part without sending it', async () => {
    const answer = await request(url, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes 0-9/${SIZE}`);
    expect(answer.body.length).toBe(0);
  });

  test.each(['bytes=10000-', 'bytes=20000-30000', 'bytes=-0'])('%s is unsatisfiable: 416 InvalidRange', async (range) => {
    const answer = await request(url, { headers: { Range: range } });
    expect(answer.status).toBe(416);
    expect(errorCode(answer)).toBe('InvalidRange');
    expect(answer.headers['content-range']).toBe(`bytes */${SIZE}`);
  });

  test.each(['bytes=5-1', 'items=0-1', 'bytes=abc', 'bytes=0-1,5-6', 'bytes='])('%s is not a range we serve: the whole object, 200', async (range) => {
    const answer = await request(url, { headers: { Range: range } });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(body)).toBe(true);
    expect(answer.headers['accept-ranges']).toBe('bytes');
  });
});

describe('If-None-Match', () => {
  test.each([
    (tag: string) => tag,
    (tag: string) => `"other", ${tag}`,
    (tag: string) => `W/${tag}`,
    () => '*',
  ])('a match in %p → 304 without a body', async (header) => {
    const answer = await request(url, { headers: { 'If-None-Match': header(etag) } });
    expect(answer.status).toBe(304);
    expect(answer.body.length).toBe(0);
    expect(answer.headers.etag).toBe(etag);
  });

  test('no match → 200 with the bytes', async () => {
    const answer = await request(url, { headers: { 'If-None-Match': '"a", "b"' } });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(body)).toBe(true);
  });
});

describe('If-Match', () => {
  test.each([(tag: string) => tag, (tag: string) => `"other", ${tag}`, () => '*'])('a match in %p → 200', async (header) => {
    const answer = await request(url, { headers: { 'If-Match': header(etag) } });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(body)).toBe(true);
  });

  test.each(['"other"', '"a", "b"', (tag: string) => `W/${tag}`])('no (strong) match in %p → 412 PreconditionFailed', async (header) => {
    const value = typeof header === 'string' ? header : header(etag);
    const answer = await request(url, { headers: { 'If-Match': value } });
    expect(answer.status).toBe(412);
    expect(errorCode(answer)).toBe('PreconditionFailed');
  });

  test('a failed If-Match wins over a Range', async () => {
    const answer = await request(url, { headers: { 'If-Match': '"other"', Range: 'bytes=0-1' } });
    expect(answer.status).toBe(412);
  });
});

describe('If-Modified-Since and If-Unmodified-Since (the object was stored at 2026-11-22 10:00:00 GMT)', () => {
  const STORED = 'Sun, 22 Nov 2026 10:00:00 GMT';
  const BEFORE = 'Sun, 22 Nov 2026 09:59:59 GMT';
  const LATER = 'Mon, 23 Nov 2026 10:00:00 GMT';

  test.each([
    [{ 'If-Modified-Since': STORED }, 304],
    [{ 'If-Modified-Since': LATER }, 304],
    [{ 'If-Modified-Since': BEFORE }, 200],
    [{ 'If-Modified-Since': 'not a date' }, 200],
    [{ 'If-Unmodified-Since': STORED }, 200],
    [{ 'If-Unmodified-Since': BEFORE }, 412],
    [{ 'If-Unmodified-Since': 'not a date' }, 200],
    // S3, as RFC 9110: If-Match decides when both are sent, so does If-None-Match.
    [{ 'If-Match': 'ETAG', 'If-Unmodified-Since': BEFORE }, 200],
    [{ 'If-None-Match': 'ETAG', 'If-Modified-Since': BEFORE }, 304],
    [{ 'If-None-Match': '"other"', 'If-Modified-Since': LATER }, 200],
  ])('%p → %d', async (headers, status) => {
    const sent = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === 'ETAG' ? etag : value]));
    const answer = await request(url, { headers: sent });
    expect(answer.status).toBe(status);
    if (status === 412) expect(errorCode(answer)).toBe('PreconditionFailed');
    if (status === 304) expect(answer.body.length).toBe(0);
  });
});

describe('If-Range (RFC 9110 section 13.1.5): a resumed download gets the rest only of the version it began', () => {
  test('the current ETag → 206 with the part', async () => {
    const answer = await request(url, { headers: { 'If-Range': etag, Range: 'bytes=100-199' } });
    expect(answer.status).toBe(206);
    expect(answer.body.equals(body.subarray(100, 200))).toBe(true);
  });

  test.each([['another version', () => '"0123456789abcdef0123456789abcdef"'], ['the weak form of this one', () => `W/${etag}`]])(
    '%s → 200 with the whole object, not a part of different bytes',
    async (_label, header) => {
      const answer = await request(url, { headers: { 'If-Range': header(), Range: 'bytes=100-199' } });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-range']).toBeUndefined();
      expect(answer.body.equals(body)).toBe(true);
    },
  );

  test('the Last-Modified date as served → 206; an earlier date → 200 with the whole object', async () => {
    const lastModified = (await request(url, { method: 'HEAD' })).headers['last-modified'] as string;
    const same = await request(url, { headers: { 'If-Range': lastModified, Range: 'bytes=0-9' } });
    expect(same.status).toBe(206);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    const stale = await request(url, { headers: { 'If-Range': earlier, Range: 'bytes=0-9' } });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(body)).toBe(true);
  });

  test('an overwritten key: a resume that names the old ETag gets the new object whole', async () => {
    const ticket = ticketFor(running);
    const first = randomBytes(SIZE);
    expect((await post(running, formFor(ticket, first))).status).toBe(201);
    const objectUrl = `${running.endpoint}/${ticket.key}`;
    const oldTag = (await request(objectUrl, { method: 'HEAD' })).headers.etag as string;
    const second = randomBytes(SIZE);
    expect((await post(running, formFor(ticket, second))).status).toBe(201);
    const resumed = await request(objectUrl, { headers: { 'If-Range': oldTag, Range: `bytes=${SIZE / 2}-` } });
    expect(resumed.status).toBe(200);
    expect(resumed.body.equals(second)).toBe(true);
  });
});
