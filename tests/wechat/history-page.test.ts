// The history page in miniprogram-simulate over the scripted `wx`: what is stored on
// the device is what the page lists, newest first, with copy, preview and a
// confirmed clear.
import { HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, tap, textOf, type OpenPage, type Rendered } from '../support/open-page';
import { waitFor } from '../support/scripted-wx';

const HISTORY_PAGE = 'pages/history/index';
const zh = uiMessages('zh');
/** A fixed moment so nothing depends on when the test runs. */
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

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
  session = await openPage(HISTORY_PAGE, { before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, entries) });
  return session;
}

describe('history page', () => {
  it('shows the empty state when nothing was uploaded', async () => {
    const { page } = await openWith(undefined);
    expect(textOf(page.querySelector('.empty-title'))).toBe(zh.historyEmptyTitle);
    expect(textOf(page.querySelector('.empty-hint'))).toBe(zh.historyEmptyHint);
    expect(page.querySelector('.btn-clear-history')).toBeUndefined();
  });

  it('lists finished uploads as stored (newest first), with size and link', async () => {
    const { page } = await openWith([entry(3), entry(2), entry(1, 'file')]);
    expect(rows(page)).toEqual(['photo-3.jpg', 'photo-2.jpg', 'photo-1.jpg']);
    expect(page.querySelectorAll('.entry-url').map(textOf)).toEqual([entry(3).url, entry(2).url, entry(1).url]);
    expect(textOf(page.querySelector('.entry-meta'))).toContain('3 KB');
    expect(page.querySelectorAll('.btn-copy')).toHaveLength(3);
    expect(page.querySelectorAll('.btn-preview')).toHaveLength(2); // not for the non-image file
    expect(page.querySelector('.empty')).toBeUndefined();
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
    page.querySelectorAll('.btn-preview')[1].dispatchEvent('tap');
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
