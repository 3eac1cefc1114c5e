// What an upload in parts keeps in storage: one key per upload, parts as compact ranges,
// small enough for Alipay's 200 KB per key even at the store's 10,000 parts.
import { decodeParts, encodeParts, MultipartState, savedFile, type SavedUpload } from '../../miniprogram/shared/core/multipart-state';
import type { KeyValueStore } from '../../miniprogram/shared/core/ports';

const ALIPAY_KEY_LIMIT_BYTES = 200 * 1024;

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(k: string) => (data.has(k) ? (JSON.parse(data.get(k)!) as T) : undefined),
    set: (k, v) => void data.set(k, JSON.stringify(v)),
    remove: (k) => void data.delete(k),
    keys: () => [...data.keys()],
  };
}

const upload = (over: Partial<SavedUpload> = {}): SavedUpload => ({
  uploadToken: 't'.repeat(600), // a signed token is a few hundred characters
  key: 'uploads/user/2026/11/22/0123456789abcdef.mp4',
  objectUrl: 'https://bucket.example.com/uploads/user/2026/11/22/0123456789abcdef.mp4',
  partSize: 5 * 1024 * 1024,
  partCount: 10_000,
  size: 10_000 * 5 * 1024 * 1024,
  expiresAtMs: 2_000,
  name: 'clip.mp4',
  path: 'wxfile://tmp_0123456789abcdef0123456789abcdef.mp4',
  ...over,
});

describe('parts as ranges', () => {
  it('writes runs as a-b and reads them back; junk and parts beyond the plan are dropped', () => {
    expect(encodeParts([5, 1, 2, 3, 7, 8, 3])).toBe('1-3,5,7-8');
    expect(decodeParts('1-3,5,7-8', 10)).toEqual([1, 2, 3, 5, 7, 8]);
    expect(decodeParts('1-3,x,0,9-12', 10)).toEqual([1, 2, 3, 9, 10]);
    expect(decodeParts(undefined, 10)).toEqual([]);
  });

  it('keeps the worst case (every other one of 10,000 parts) within one Alipay storage key', () => {
    const every = Array.from({ length: 5000 }, (_, i) => 2 * i + 1);
    const saved = upload();
    const store = memory();
    new MultipartState(store).saveParts(saved, saved, every);
    const [value] = [...store.data.values()];
    expect(new TextEncoder().encode(value).length).toBeLessThan(ALIPAY_KEY_LIMIT_BYTES);
    expect(decodeParts(JSON.parse(value).partsDone, 10_000)).toEqual(every);
  });
});

describe('listing what an earlier launch left', () => {
  it('finds every saved upload by its key, forgets expired and damaged ones, and rebuilds the file as picked', () => {
    const store = memory();
    const state = new MultipartState(store);
    const kept = upload({ tempName: true, label: { number: 2, pickedAt: 5 }, type: 'video/mp4', kind: 'video' });
    state.save(kept, kept);
    const old = upload({ path: 'wxfile://old.mp4', expiresAtMs: 500 });
    state.save(old, old);
    store.set('multipart-upload:broken', { uploadToken: 3 });
    store.set('history', []);
    const listed = state.list(1_000);
    expect(listed.map((l) => l.saved.path)).toEqual([kept.path]);
    expect(store.data.has('multipart-upload:broken')).toBe(true); // not ours to judge beyond ignoring it
    expect([...store.data.keys()].some((k) => k.includes('old.mp4'))).toBe(false);
    expect(savedFile(listed[0].saved)).toEqual({ path: kept.path, name: 'clip.mp4', size: kept.size, type: 'video/mp4', kind: 'video', tempName: true, label: { number: 2, pickedAt: 5 } });
    state.clearId(listed[0].id);
    expect(state.list(1_000)).toEqual([]);
  });
});
