// The audit log's lines, written through its public function: one JSON line per ticket,
// flushed once per turn of the event loop. What it remembers to go fast (the text per
// caller, the last type, the last millisecond's time) must never leak from one caller,
// type or moment into another's line.
import { auditLog } from '../../cloud-signer/src/guard/audit';
import type { Caller } from '../../cloud-signer/src/guard/caller';
import { isoTime } from '../../cloud-signer/src/iso-time';

const anonymous = (ip: string): Caller => Object.freeze({ kind: 'anonymous', user: 'anonymous', keyPrefix: 'uploads/anonymous/', countAs: `ip:${ip}`, ip });
const user = (id: string, ip: string): Caller => ({ kind: 'user', user: id, platform: 'wechat', keyPrefix: `uploads/${id}/`, countAs: `user:${id}`, ip });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('each line names its own caller, type, size and moment, however lines interleave', async () => {
  const written: string[] = [];
  const log = auditLog((text) => written.push(text));
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
  expect(written).toHaveLength(1);
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
  await nextTurn();
  expect(JSON.parse(written[1]).ip).toBe('10.0.0.2');
});

test('isoTime reads as toISOString, the remembered millisecond included', () => {
  const moments = ['2026-12-01T23:59:59.999Z', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '1999-01-01T00:00:00.001Z', '2026-12-01T23:59:59.999Z'];
  for (const text of moments) expect(isoTime(new Date(text))).toBe(text);
});
