// The history page in miniprogram-simulate over the scripted `wx`: what is stored on
// the device is what the page lists, newest first under 今天/昨天 headers, with copy,
// preview (tap the picture), a per-entry delete and a quiet, confirmed clear.
import { HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, tap, textOf, type OpenPage, type Rendered } from '../support/open-page';
import { waitFor } from '../support/scripted-wx';

const HISTORY_PAGE = 'pages/history/index';
const zh = uiMessages('zh');
/** A fixed moment so nothing depends on when the test runs; "now" is an hour later (local time). */
const T0 = new Date(2026, 10, 22, 10, 0, 0).getTime();
const NOW = T0 + 60 * 60_000;
const DAY = 24 * 60 * 60_000;

const entry = (n: number, kind: HistoryEntry['kind'] = 'image'): HistoryEntry => ({
  key: `uploads/2026/11/22/${n}.jpg`,
  url: `https://bucket.example.com/uploads/2026/11/22/${n}.jpg`,
  name: `photo-${n}.jpg`,
  size: 1024 * n,
  type: kind === 'image' ? 'image/jpeg' : 'application/pdf',
  kind,
  finishedAt: T0 + n * 60_000,
});

const rows = (page: Rendered) => page.querySelectorAll('.entry-name').map(textOf);

let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

async function openWith(entries: HistoryEntry[] | unknown) {
  session = await openPage(HISTORY_PAGE, { now: () => NOW, before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, entries) });
  return session;
}

describe('history page', () => {
  it('shows the empty state when nothing was uploaded', async () => {
    const { page } = await openWith(undefined);
    expect(textOf(page.querySelector('.empty-title'))).toBe(zh.historyEmptyTitle);
    expect(textOf(page.querySelector('.empty-hint'))).toBe(zh.historyEmptyHint);
    expect(page.querySelector('.btn-clear-history')).toBeUndefined();
  });

  it('lists finished uploads as stored (newest first) under 今天 / 昨天 / date headers, with size and time', async () => {
    const older = { ...entry(4), key: 'k4', name: 'old.jpg', finishedAt: T0 - 3 * DAY };
    const yesterday = { ...entry(5), key: 'k5', name: 'yesterday.jpg', finishedAt: T0 - DAY };
    const { page } = await openWith([entry(3), entry(2), yesterday, older]);
    expect(rows(page)).toEqual(['photo-3.jpg', 'photo-2.jpg', 'yesterday.jpg', 'old.jpg']);
    expect(page.querySelectorAll('.day').map(textOf)).toEqual(['今天', '昨天', '11月19日']);
    expect(textOf(page.querySelector('.entry-meta'))).toBe('3 KB · 10:03');
    expect(textOf(page.querySelector('.toolbar-count'))).toBe(zh.historyCount(4));
    expect(page.querySelectorAll('.btn-copy')).toHaveLength(4);
    expect(page.querySelector('.entry-url')).toBeUndefined(); // no URL that looks like a link and is not one
    expect(page.querySelector('.empty')).toBeUndefined();
  });

  it('deletes one entry with its ×, without touching the others', async () => {
    const { page, wx } = await openWith([entry(3), entry(2), entry(1)]);
    page.querySelectorAll('.btn-delete')[1].dispatchEvent('tap');
    await waitFor(() => rows(page).length === 2, 'one row fewer');
    expect(rows(page)).toEqual(['photo-3.jpg', 'photo-1.jpg']);
    expect((wx.storage.get(HISTORY_STORAGE_KEY) as HistoryEntry[]).map((e) => e.key)).toEqual([entry(3).key, entry(1).key]);
    expect(wx.modals).toEqual([]); // one row: no question asked
  });

  it('the clear button is quiet: text, not a red warn button', async () => {
    const { page } = await openWith([entry(1)]);
    const clear = page.querySelector('.btn-clear-history')!;
    expect(clear.dom!.getAttribute('type')).not.toBe('warn');
    expect(textOf(clear)).toBe('清空');
  });

  it('gives a file without a picture a type badge in the thumbnail square, so the rows line up', async () => {
    const pdf: HistoryEntry = { ...entry(1, 'file'), name: 'report.pdf', key: 'uploads/2026/11/22/1.pdf' };
    const { page } = await openWith([entry(2), pdf]);
    expect(page.querySelectorAll('.entry-thumb')).toHaveLength(2); // the photo's picture and the PDF's badge: one square per row
    expect(page.querySelectorAll('.entry-badge').map(textOf)).toEqual(['PDF']);
  });

  it('still opens when the stored history is corrupt', async () => {
    const { page } = await openWith('{not json');
    expect(page.querySelector('.empty')).toBeDefined();
    session!.close();
    const again = await openWith([{ key: 1 }, entry(1), null]);
    expect(rows(again.page)).toEqual(['photo-1.jpg']);
  });

  it('copies a link and previews the images starting at the tapped one', async () => {
    const { page, wx } = await openWith([entry(2), entry(1)]);
    page.querySelectorAll('.btn-copy')[1].dispatchEvent('tap');
    await waitFor(() => wx.clipboard.length === 1, 'copied');
    expect(wx.clipboard).toEqual([entry(1).url]);
    page.querySelectorAll('.entry-thumb')[1].dispatchEvent('tap');
    await waitFor(() => wx.previews.length === 1, 'preview');
    expect(wx.previews[0]).toEqual({ urls: [entry(2).url, entry(1).url], current: entry(1).url });
  });

  it('says so when copying fails', async () => {
    const { page, wx } = await openWith([entry(1)]);
    wx.clipboardFails = true;
    tap(page, '.btn-copy');
    await waitFor(() => wx.toasts.length === 1, 'a toast');
    expect(wx.toasts).toEqual([zh.copyFailed]);
  });

  it('clears only after confirmation', async () => {
    const { page, wx } = await openWith([entry(2), entry(1)]);
    wx.modalAnswer = false;
    tap(page, '.btn-clear-history');
    await waitFor(() => wx.modals.length === 1, 'asked');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rows(page)).toHaveLength(2);
    expect(wx.modals[0]).toEqual({ title: zh.historyClearConfirmTitle, content: zh.historyClearConfirm(2) });

    wx.modalAnswer = true;
    tap(page, '.btn-clear-history');
    await waitFor(() => !!page.querySelector('.empty'), 'the list is empty');
    expect(wx.storage.has(HISTORY_STORAGE_KEY)).toBe(false);
    expect(wx.toasts).toEqual([zh.historyCleared]);
  });

  it('shows uploads that finished while it was hidden when it is shown again', async () => {
    const { page, services, instance } = await openWith([entry(1)]);
    services.history.add(entry(2));
    instance.onShow();
    await waitFor(() => rows(page).length === 2, 'the new entry shows');
    expect(rows(page)).toEqual(['photo-2.jpg', 'photo-1.jpg']);
  });
});

describe('history page while uploads finish', () => {
  it('lists an upload that finishes while the history tab is showing, without leaving the tab', async () => {
    const { page, wx, services } = await openWith([entry(1)]);
    expect(rows(page)).toEqual(['photo-1.jpg']);
    // The upload tab's photos keep going while the person looks at 记录.
    void services.engine.add([{ path: 'http://tmp/beach.jpg', name: 'beach.jpg', size: 2048, type: 'image/jpeg', kind: 'image' }]);
    await waitFor(() => wx.uploads.length === 1, 'the photo uploads');
    wx.uploads[0].succeed(204);
    await waitFor(() => services.history.list().length === 2, 'the upload is recorded');
    await waitFor(() => rows(page).length === 2, 'the page lists it', 1000);
    expect(rows(page)).toEqual(['beach.jpg', 'photo-1.jpg']);
    expect(textOf(page.querySelector('.toolbar-count'))).toBe(zh.historyCount(2));
  });
});
