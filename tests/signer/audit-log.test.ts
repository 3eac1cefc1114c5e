// The audit log's lines, written through its public functions: one JSON line per ticket,
// gathered and written in batches (at most a set wait late, or once enough text
// has gathered), everything written at shutdown. What it remembers to go fast (the text
// per caller, the last type, the last millisecond's time) must never leak from one caller,
// type or moment into another's line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLog, fileAuditLog } from '../../cloud-signer/src/guard/audit';
import type { Caller } from '../../cloud-signer/src/guard/caller';
import { isoTime } from '../../cloud-signer/src/iso-time';

const anonymous = (ip: string): Caller => Object.freeze({ kind: 'anonymous', user: 'anonymous', keyPrefix: 'uploads/anonymous/', countAs: `ip:${ip}`, ip });
const user = (id: string, ip: string): Caller => ({ kind: 'user', user: id, platform: 'wechat', keyPrefix: `uploads/${id}/`, countAs: `user:${id}`, ip });
const T = new Date('2026-12-01T10:00:00.000Z');
const jpeg = (key: string) => [{ key, contentType: 'image/jpeg' }];

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const waitFor = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough that a turn of the event loop never reaches it, short enough for a test. */
const FLUSH_MS = 40;

test('each line names its own caller, type, size and moment, however lines interleave', async () => {
  const written: string[] = [];
  const { log } = auditLog((text) => written.push(text), { flushMs: FLUSH_MS });
  const a = anonymous('10.0.0.1');
  const b = anonymous('10.0.0.2');
  const t0 = new Date('2026-12-01T10:00:00.000Z');
  const t1 = new Date('2026-12-01T10:00:00.001Z');
  log(a, [{ key: 'k1.jpg', contentType: 'image/jpeg' }], [{ size: 1 }], t0);
  log(b, [{ key: 'k2.png', contentType: 'image/png' }, { key: 'k3.jpg', contentType: 'image/jpeg' }], [{ size: 2 }, { size: 3 }], t0);
  log(a, [{ key: 'k4.jpg', contentType: 'image/jpeg' }], [{ size: 4 }], t1);
  log(user('u1', '10.0.0.1'), [{ key: 'k5.jpg', contentType: 'image/jpeg' }], [{ size: 5 }], t1);
  log(user('u2', '10.0.0.3'), [{ key: 'k6.jpg', contentType: 'text/plain; x="\\"' }], [{ size: 6 }], t1);
  expect(written).toEqual([]); // gathered, not yet written
  await nextTurn();
  expect(written).toEqual([]); // not once per turn either
  await waitFor(FLUSH_MS * 2);
  expect(written).toHaveLength(1); // one write for the whole batch
  const lines = written[0].trimEnd().split('\n').map((line) => JSON.parse(line));
  expect(lines.map((l) => [l.time, l.user, l.kind, l.ip, l.key, l.size, l.type, l.platform])).toEqual([
    ['2026-12-01T10:00:00.000Z', 'anonymous', 'anonymous', '10.0.0.1', 'k1.jpg', 1, 'image/jpeg', undefined],
    ['2026-12-01T10:00:00.000Z', 'anonymous', 'anonymous', '10.0.0.2', 'k2.png', 2, 'image/png', undefined],
    ['2026-12-01T10:00:00.000Z', 'anonymous', 'anonymous', '10.0.0.2', 'k3.jpg', 3, 'image/jpeg', undefined],
    ['2026-12-01T10:00:00.001Z', 'anonymous', 'anonymous', '10.0.0.1', 'k4.jpg', 4, 'image/jpeg', undefined],
    ['2026-12-01T10:00:00.001Z', 'u1', 'user', '10.0.0.1', 'k5.jpg', 5, 'image/jpeg', 'wechat'],
    ['2026-12-01T10:00:00.001Z', 'u2', 'user', '10.0.0.3', 'k6.jpg', 6, 'text/plain; x="\\"', 'wechat'],
  ]);
  log(b, [{ key: 'k7.jpg', contentType: 'image/jpeg' }], [{ size: 7 }], t0);
  await waitFor(FLUSH_MS * 2);
  expect(JSON.parse(written[1]).ip).toBe('10.0.0.2');
});

test('a batch that reaches the size limit is written at once, not after the wait', async () => {
  const written: string[] = [];
  const { log } = auditLog((text) => written.push(text), { flushChars: 300, flushMs: FLUSH_MS });
  const a = anonymous('10.0.0.1');
  log(a, jpeg('k1.jpg'), [{ size: 1 }], T);
  expect(written).toEqual([]);
  log(a, jpeg('k2.jpg'), [{ size: 2 }], T); // two lines pass 300 characters
  expect(written).toHaveLength(1);
  expect(written[0].trimEnd().split('\n').map((line) => JSON.parse(line).key)).toEqual(['k1.jpg', 'k2.jpg']);
  await waitFor(FLUSH_MS * 2);
  expect(written).toHaveLength(1); // the timer had nothing left to write
});

test('by default a batch is written once 64 KiB have gathered, or 100 ms after its first line', async () => {
  const written: string[] = [];
  const { log } = auditLog((text) => written.push(text));
  const a = anonymous('10.0.0.1');
  for (let i = 0; written.length === 0; i += 1) log(a, jpeg(`k${i}.jpg`), [{ size: i }], T);
  const longestLine = Math.max(...written[0].split('\n').map((line) => line.length + 1));
  expect(written[0].length).toBeGreaterThanOrEqual(64 * 1024);
  expect(written[0].length).toBeLessThan(64 * 1024 + longestLine); // written by the line that reached it

  log(a, jpeg('late.jpg'), [{ size: 1 }], T);
  await waitFor(60);
  expect(written).toHaveLength(1); // not yet: the wait is 100 ms
  await waitFor(140);
  expect(written).toHaveLength(2);
});

test('at shutdown what has gathered is written, and lines of requests still finishing go at once', () => {
  const written: string[] = [];
  const writer = auditLog((text) => written.push(text));
  const a = anonymous('10.0.0.1');
  writer.log(a, jpeg('k1.jpg'), [{ size: 1 }], T);
  writer.end();
  expect(written.map((text) => JSON.parse(text).key)).toEqual(['k1.jpg']);
  writer.log(a, jpeg('k2.jpg'), [{ size: 2 }], T);
  expect(written.map((text) => JSON.parse(text).key)).toEqual(['k1.jpg', 'k2.jpg']);
});

test('the audit file holds every line the moment it is closed (the process exits right after), and lines after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-file-'));
  try {
    const path = join(dir, 'audit.log');
    const file = fileAuditLog(path);
    const a = anonymous('10.0.0.1');
    file.log(a, jpeg('k1.jpg'), [{ size: 1 }], T);
    file.log(a, jpeg('k2.jpg'), [{ size: 2 }], T);
    expect(readFileSync(path, 'utf8')).toBe(''); // still gathering
    file.close();
    const keys = () => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).key);
    expect(keys()).toEqual(['k1.jpg', 'k2.jpg']);
    file.log(a, jpeg('k3.jpg'), [{ size: 3 }], T); // a request that finished during the shutdown grace
    expect(keys()).toEqual(['k1.jpg', 'k2.jpg', 'k3.jpg']);
    file.close(); // twice is harmless
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an audit log path that cannot be opened stops startup and names the variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-file-'));
  try {
    expect(() => fileAuditLog(join(dir, 'missing-folder', 'audit.log'))).toThrow(/^UPLOAD_AUDIT_LOG=.*missing-folder.*cannot open the audit log/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('isoTime reads as toISOString, the remembered millisecond and second included', () => {
  const moments = [
    '2026-12-01T23:59:59.999Z',
    '2026-12-02T00:00:00.000Z',
    '2026-12-02T00:00:00.000Z',
    // The same second again, each width of milliseconds.
    '2026-12-02T00:00:00.007Z',
    '2026-12-02T00:00:00.042Z',
    '2026-12-02T00:00:00.500Z',
    '1999-01-01T00:00:00.001Z',
    '2026-12-01T23:59:59.999Z',
    // Before 1970 (a negative time) and the longer form of far years.
    '1969-12-31T23:59:59.999Z',
    '+010000-01-01T00:00:00.250Z',
  ];
  for (const text of moments) expect(isoTime(new Date(text))).toBe(text);
  // Every millisecond of a second, after the second is remembered.
  const start = Date.parse('2026-12-04T21:00:00.000Z');
  for (let ms = start; ms < start + 1000; ms++) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
  // An invalid date is refused as toISOString refuses it, even right after a valid one.
  expect(() => isoTime(new Date(NaN))).toThrow(RangeError);
});

test('a disk that refuses the audit log is reported with the lines lost, not once per batch, and the signer goes on', () => {
  // /dev/full answers every write with ENOSPC, as a full disk does.
  const reports: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => {
    reports.push(String(text));
    return true;
  });
  try {
    const file = fileAuditLog('/dev/full');
    const a = anonymous('10.0.0.1');
    file.log(a, [...jpeg('k1.jpg'), ...jpeg('k2.jpg')], [{ size: 1 }, { size: 2 }], T);
    file.close(); // writes the batch: refused
    file.log(a, jpeg('k3.jpg'), [{ size: 3 }], T); // after close each line goes at once: refused again
    expect(reports).toHaveLength(1); // the second failure, within the minute, is counted but not repeated
    expect(reports[0]).toMatch(/^signer: cannot write the audit log \/dev\/full: .*ENOSPC.* \(2 lines lost so far\)\n$/);
  } finally {
    spy.mockRestore();
  }
});
