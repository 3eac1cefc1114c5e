// The device history: newest first, bounded, one entry per object, and never
// broken by whatever happens to be in storage.
import { createUploadHistory, historyEntryFrom, HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import type { KeyValueStore } from '../../miniprogram/shared/core/ports';
import type { UploadItem } from '../../miniprogram/shared/core/types';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

function memoryStore(initial?: unknown): KeyValueStore & { data: Map<string, unknown>; refuse: boolean } {
  const data = new Map<string, unknown>();
  if (initial !== undefined) data.set(HISTORY_STORAGE_KEY, initial);
  return {
    data,
    refuse: false,
    get: <T>(key: string) => data.get(key) as T | undefined,
    set(key, value) {
      if (this.refuse) throw new Error('setStorageSync:fail exceed storage max size 10Mb');
      data.set(key, JSON.parse(JSON.stringify(value)));
    },
    remove: (key) => void data.delete(key),
    keys: () => [...data.keys()],
  };
}

const entry = (n: number): HistoryEntry => ({
  key: `uploads/${n}.jpg`,
  url: `https://bucket.example.com/uploads/${n}.jpg`,
  name: `${n}.jpg`,
  size: n,
  type: 'image/jpeg',
  kind: 'image',
  finishedAt: T0 + n,
});

describe('upload history', () => {
  it('lists newest first and keeps at most the limit', () => {
    const history = createUploadHistory(memoryStore(), 3);
    [1, 2, 3, 4, 5].forEach((n) => history.add(entry(n)));
    expect(history.list().map((e) => e.key)).toEqual(['uploads/5.jpg', 'uploads/4.jpg', 'uploads/3.jpg']);
  });

  it('keeps the last 200 by default, as the README promises', () => {
    const history = createUploadHistory(memoryStore());
    for (let n = 1; n <= 201; n += 1) history.add(entry(n));
    const keys = history.list().map((e) => e.key);
    expect(keys).toHaveLength(200);
    expect([keys[0], keys[199]]).toEqual(['uploads/201.jpg', 'uploads/2.jpg']);
  });

  it('keeps one entry per object key, moved to the top when added again', () => {
    const history = createUploadHistory(memoryStore());
    history.add(entry(1));
    history.add(entry(2));
    history.add({ ...entry(1), finishedAt: T0 + 99 });
    expect(history.list().map((e) => [e.key, e.finishedAt])).toEqual([
      ['uploads/1.jpg', T0 + 99],
      ['uploads/2.jpg', T0 + 2],
    ]);
  });

  it.each([['a string', 'garbage'], ['an object', { entries: [] }], ['a number', 42]])('reads %s in storage as empty', (_, stored) => {
    const history = createUploadHistory(memoryStore(stored));
    expect(history.list()).toEqual([]);
    history.add(entry(1));
    expect(history.list()).toEqual([entry(1)]);
  });

  it('drops stored entries that are not entries, keeping the good ones', () => {
    const history = createUploadHistory(memoryStore([entry(2), { key: 'x' }, null, { ...entry(1), size: 'big' }, entry(1)]));
    expect(history.list()).toEqual([entry(2), entry(1)]);
  });

  it('reports a refused write instead of throwing (the upload itself succeeded)', () => {
    const store = memoryStore();
    const history = createUploadHistory(store);
    store.refuse = true;
    expect(history.add(entry(1))).toBe(false);
    expect(history.list()).toEqual([]);
  });

  it('clears', () => {
    const store = memoryStore([entry(1)]);
    createUploadHistory(store).clear();
    expect(store.data.has(HISTORY_STORAGE_KEY)).toBe(false);
  });

  it('makes an entry only from a finished upload with a link', () => {
    const item: UploadItem = {
      id: '1',
      file: { path: 'wxfile://tmp/a.jpg', name: 'a.jpg', size: 10, type: 'image/jpeg', kind: 'image' },
      status: 'done',
      bytesSent: 10,
      totalBytes: 10,
      percent: 100,
      attempts: 1,
      key: 'uploads/a.jpg',
      objectUrl: 'https://bucket.example.com/uploads/a.jpg',
      finishedAt: T0,
    };
    expect(historyEntryFrom(item, () => 0)).toEqual({ key: 'uploads/a.jpg', url: item.objectUrl, name: 'a.jpg', size: 10, type: 'image/jpeg', kind: 'image', finishedAt: T0 });
    expect(historyEntryFrom({ ...item, finishedAt: undefined }, () => T0 + 5)?.finishedAt).toBe(T0 + 5);
    expect(historyEntryFrom({ ...item, status: 'failed' }, () => 0)).toBeUndefined();
    expect(historyEntryFrom({ ...item, objectUrl: undefined }, () => 0)).toBeUndefined();
  });
});
