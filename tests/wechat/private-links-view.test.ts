// Private-bucket links on the pages: a done card whose link is still being signed
// offers no copy yet; one whose link failed shows why and offers retry (the upload
// stays done); history stores keys of private objects, and the history page shows
// "fetching…", then the link, or the plain failure, with copy as the retry.
import type { UploadItem } from '../../miniprogram/shared/core/types';
import { createUploadHistory, historyEntryFrom, HISTORY_STORAGE_KEY } from '../../miniprogram/shared/core/history';
import { LinkError } from '../../miniprogram/shared/core/object-links';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { cardView, summaryView } from '../../miniprogram/shared/ui/upload-view';
import { createHistoryController, initialHistoryData } from '../../miniprogram/shared/ui/history-controller';

const zh = uiMessages('zh');
const LINK_FAILURE = { reason: 'server' as const, message: '文件已上传，但没能取得访问链接（HTTP 503）。请点“重试”再取链接', retryable: true, status: 503 };
const done = (extra: Partial<UploadItem> = {}): UploadItem => ({
  id: 'a',
  file: { path: 'wxfile://tmp/a.jpg', name: 'a.jpg', size: 2048, type: 'image/jpeg', kind: 'image' },
  status: 'done',
  bytesSent: 2048,
  totalBytes: 2048,
  percent: 100,
  attempts: 1,
  key: 'uploads/2026/11/22/0123456789abcdef.jpg',
  finishedAt: 1,
  ...extra,
});

describe('upload card', () => {
  it('waits for a private link before offering copy and preview', () => {
    expect(cardView(done({ link: { state: 'signing' } }), zh)).toMatchObject({ status: 'done', canCopy: false, canPreview: false, canRetry: false, errorText: '' });
  });

  it('shows a failed link plainly and offers retry, the upload still done', () => {
    const card = cardView(done({ link: { state: 'failed', error: LINK_FAILURE } }), zh);
    expect(card).toMatchObject({ status: 'done', statusText: '已上传', canRetry: true, canCopy: false, errorText: LINK_FAILURE.message });
    const items = [done({ link: { state: 'failed', error: LINK_FAILURE } })];
    const summary = summaryView(items, { total: 1, waiting: 0, uploading: 0, paused: 0, done: 1, failed: 0, cancelled: 0, bytesSent: 2048, totalBytes: 2048, percent: 100 }, zh);
    expect(summary.canRetryAll).toBe(true);
  });

  it('a done photo whose link could not be fetched never reads 上传失败 under its tick', () => {
    for (const t of [zh, uiMessages('en')]) {
      const card = cardView(done({ link: { state: 'failed', error: LINK_FAILURE } }), t);
      expect(card.status).toBe('done');
      // The photo is in the bucket: "upload failed" would send the person to upload it again.
      expect(card.noteText).not.toBe(t.status.failed);
      expect(card.noteText).toBe(t.linkMissing);
      expect(card.noteIsError).toBe(true);
    }
  });

  it('a link the signer will never sign for this sign-in shows why and offers no retry, nor 全部重试', () => {
    const notYours = { reason: 'denied' as const, message: '文件已上传，但不是用当前登录的账号传的，取不到访问链接', retryable: false, status: 403, code: 'Forbidden' };
    const item = done({ link: { state: 'failed', error: notYours } });
    expect(cardView(item, zh)).toMatchObject({ status: 'done', canRetry: false, canCopy: false, errorText: notYours.message });
    const summary = summaryView([item], { total: 1, waiting: 0, uploading: 0, paused: 0, done: 1, failed: 0, cancelled: 0, bytesSent: 2048, totalBytes: 2048, percent: 100 }, zh);
    expect(summary.canRetryAll).toBe(false);
  });

  it('copies the signed link once it is ready', () => {
    const url = 'http://b.test/dev-bucket/uploads/2026/11/22/0123456789abcdef.jpg?X-Amz-Signature=abc';
    expect(cardView(done({ link: { state: 'ready', expiresAt: 9 }, objectUrl: url }), zh)).toMatchObject({ canCopy: true, canPreview: true, objectUrl: url });
  });
});

describe('history of a private bucket', () => {
  function memoryStore() {
    const data = new Map<string, unknown>();
    return { data, get: <T>(k: string) => data.get(k) as T | undefined, set: (k: string, v: unknown) => void data.set(k, JSON.parse(JSON.stringify(v))), remove: (k: string) => void data.delete(k), keys: () => [...data.keys()] };
  }

  it('keeps the key and no link (signed links expire), and reads it back', () => {
    const store = memoryStore();
    const history = createUploadHistory(store);
    const entry = historyEntryFrom(done({ link: { state: 'signing' } }), () => 5)!;
    expect(entry).toMatchObject({ key: 'uploads/2026/11/22/0123456789abcdef.jpg', url: '', signed: true });
    history.add(entry);
    expect(history.list()).toEqual([entry]);
    // A public entry without a URL is still refused as damaged.
    store.set(HISTORY_STORAGE_KEY, [{ ...entry, signed: undefined }]);
    expect(history.list()).toEqual([]);
  });

  function page(objectLinks: (keys: readonly string[]) => Promise<Map<string, string>>, items: UploadItem[] = [done({ link: { state: 'signing' } })]) {
    const store = memoryStore();
    const history = createUploadHistory(store);
    for (const item of items) history.add(historyEntryFrom(item, () => 5)!);
    const copied: string[] = [];
    const toasts: string[] = [];
    const platform = { copyText: async (t: string, _said: string) => void copied.push(t), toast: (m: string) => void toasts.push(m), setPageTitle: () => undefined, setTabTitles: () => undefined } as never;
    const host = {
      data: initialHistoryData(),
      setData(patch: Record<string, unknown>) {
        for (const [field, value] of Object.entries(patch)) {
          const m = /^entries\[(\d+)\]\.(\w+)$/.exec(field);
          if (m) (this.data.entries[Number(m[1])] as unknown as Record<string, unknown>)[m[2]] = value;
          else (this.data as unknown as Record<string, unknown>)[field] = value;
        }
      },
    };
    const controller = createHistoryController(host, { platform, history, messages: zh, engine: { objectLinks } });
    return { controller, host, copied, toasts };
  }

  it('shows "fetching" until the link is signed, then the link', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { controller, host } = page(async (keys) => {
      await gate;
      return new Map(keys.map((k) => [k, `http://b.test/${k}?sig`]));
    });
    const loading = controller.load();
    expect(host.data.entries[0]).toMatchObject({ url: '', linkText: '正在获取链接…', signed: true });
    release();
    await loading;
    expect(host.data.entries[0]).toMatchObject({ url: 'http://b.test/uploads/2026/11/22/0123456789abcdef.jpg?sig', linkText: '' });
  });

  it('a failure shows the plain reason; tapping copy signs again and copies', async () => {
    let fail = true;
    const { controller, host, copied, toasts } = page(async (keys) => {
      if (fail) throw new LinkError(LINK_FAILURE);
      return new Map(keys.map((k) => [k, `http://b.test/${k}?sig2`]));
    });
    await controller.load();
    expect(host.data.entries[0]).toMatchObject({ url: '', linkText: LINK_FAILURE.message });
    expect(toasts).toEqual([LINK_FAILURE.message]);

    fail = false;
    await controller.copy('', host.data.entries[0].key);
    expect(copied).toEqual(['http://b.test/uploads/2026/11/22/0123456789abcdef.jpg?sig2']);
    expect(host.data.entries[0].linkText).toBe('');
  });

  it('an entry the signer will not sign for this sign-in says so, and the others get their links', async () => {
    const mine = done({ id: 'm', key: 'uploads/u1/2026/11/22/0123456789abcdef.jpg', link: { state: 'signing' } });
    const before = done({ id: 'f', key: 'uploads/anonymous/2026/11/22/fedcba9876543210.jpg', link: { state: 'signing' } });
    // The engine leaves out what the signer refused as another sign-in's (engine-private-links.test).
    let signerDown = false;
    const { controller, host, copied, toasts } = page(async (keys) => {
      if (signerDown) throw new LinkError(LINK_FAILURE);
      return new Map(keys.filter((k) => !k.includes('/anonymous/')).map((k) => [k, `http://b.test/${k}?sig`]));
    }, [before, mine]);
    const byKeyNow = (h: typeof host, key: string) => h.data.entries.find((e) => e.key === key);
    await controller.load();
    const byKey = new Map(host.data.entries.map((e) => [e.key, e]));
    expect(byKey.get(mine.key!)).toMatchObject({ url: `http://b.test/${mine.key}?sig`, linkText: '' });
    expect(byKey.get(before.key!)).toMatchObject({ url: '', linkText: zh.linkNotYours });
    expect(toasts).toEqual([]);

    await controller.copy('', before.key);
    expect(copied).toEqual([]);
    expect(toasts).toEqual([zh.linkNotYours]);

    // Copy again while the signer is down: its failure is said, and only that.
    signerDown = true;
    await controller.copy('', before.key);
    expect(toasts).toEqual([zh.linkNotYours, LINK_FAILURE.message]);
    expect(byKeyNow(host, before.key!)).toMatchObject({ url: '', linkText: LINK_FAILURE.message });
  });
});
