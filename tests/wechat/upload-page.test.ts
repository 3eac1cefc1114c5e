// The upload page in miniprogram-simulate with the real engine and WeChat adapter
// over a step-by-step scripted `wx`: every assertion reads the rendered tree.
import { failureMessage, rejectionMessage } from '../../miniprogram/shared/core/messages';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { hasClass, openPage, SIGNER_URL, tap, textOf, type OpenPage, type Rendered } from '../support/open-page';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';

const UPLOAD_PAGE = 'pages/upload/index';
const zh = uiMessages('zh');
const ACTIONS = ['cancel', 'retry', 'copy', 'preview', 'remove'] as const;

function cards(page: Rendered) {
  return page.querySelectorAll('.grid-cell').map((card) => ({
    card,
    name: textOf(card.querySelector('.name')),
    size: textOf(card.querySelector('.size')),
    status: textOf(card.querySelector('.status')),
    percent: textOf(card.querySelector('.percent')),
    error: textOf(card.querySelector('.error')),
    actions: ACTIONS.filter((a) => !!card.querySelector(`.action-${a}`)),
  }));
}

const tapCard = (page: Rendered, index: number, action: (typeof ACTIONS)[number]) => {
  const button = cards(page)[index].card.querySelector(`.action-${action}`);
  if (!button) throw new Error(`card ${index} has no ${action} button`);
  button.dispatchEvent('tap');
};

const photo = (name: string, size = 1000) => ({ path: `http://tmp/${name}`, size });

let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

async function openWithPhotos(names: string[]) {
  session = await openPage(UPLOAD_PAGE);
  const { page, wx } = session;
  wx.picks.push({ files: names.map((n) => photo(n)) });
  tap(page, '.btn-add');
  await waitFor(() => wx.uploads.length === Math.min(names.length, 3), 'the uploads start');
  await waitFor(() => cards(page).length === names.length, 'the cards render');
  return session;
}

describe('upload page', () => {
  it('starts empty with a hint, the signer limits, and the add buttons enabled', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    expect(textOf(page.querySelector('.empty-title'))).toBe(zh.emptyTitle);
    expect(textOf(page.querySelector('.empty-hint'))).toBe(zh.emptyHint);
    expect(textOf(page.querySelector('.limits'))).toBe(zh.limitsHint(TEST_LIMITS));
    expect(textOf(page.querySelector('.limits'))).toContain('20 MB');
    expect(hasClass(page.querySelector('.btn-add'), 'is-disabled')).toBe(false);
    expect(textOf(page.querySelector('.btn-add'))).toBe('添加照片');
    expect(textOf(page.querySelector('.btn-chat'))).toBe('从聊天选择文件');
    expect(page.querySelector('.summary')).toBeUndefined();
    // The limits, and the silent sign-in at launch (the scripted signer has none: the app goes on without).
    expect(wx.requests.map((r) => r.url).sort()).toEqual([`${SIGNER_URL}/api/sessions`, `${SIGNER_URL}/healthz`]);
  });

  it('says plainly when the signer is unreachable, keeps adding off, and reconnects on tap', async () => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { errMsg: 'net::ERR_CONNECTION_REFUSED' }) });
    const { page, wx } = session;
    expect(textOf(page.querySelector('.signer-error-text'))).toBe(zh.signerUnreachable(SIGNER_URL));
    expect(textOf(page.querySelector('.signer-error-text'))).toContain(SIGNER_URL);
    expect(hasClass(page.querySelector('.btn-add'), 'is-disabled')).toBe(true);
    tap(page, '.btn-add'); // a disabled button does nothing
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(wx.picks).toHaveLength(0);

    wx.health = { limits: TEST_LIMITS };
    tap(page, '.btn-reconnect');
    // Not just `.limits`: it shows "connecting…" too, before the signer has answered.
    await waitFor(() => textOf(page.querySelector('.limits')) === zh.limitsHint(TEST_LIMITS), 'the limits show after reconnecting');
    expect(page.querySelector('.signer-error')).toBeUndefined();
    expect(hasClass(page.querySelector('.btn-add'), 'is-disabled')).toBe(false);
  });

  it('shows a card per photo, with the percent moving as progress arrives, then done with copy and preview', async () => {
    const { page, wx, services } = await openWithPhotos(['a.jpg', 'b.jpg']);
    expect(cards(page).map((c) => [c.name, c.size, c.status])).toEqual([
      // Photos from the album have only temp names: they are shown numbered and dated.
      ['照片 1 · 今天 10:03', '1000 B', zh.status.uploading],
      ['照片 2 · 今天 10:03', '1000 B', zh.status.uploading],
    ]);
    expect(textOf(page.querySelector('.summary-count'))).toBe('0/2 已完成');

    wx.uploads[0].progress(300, 1000);
    await waitFor(() => cards(page)[0].percent === '30%', 'the first card shows 30%');
    wx.uploads[0].progress(750, 1000);
    await waitFor(() => cards(page)[0].percent === '75%', 'the first card shows 75%');
    expect(cards(page)[1].percent).toBe('0%');

    wx.uploads[0].progress(1000, 1000);
    wx.uploads[0].succeed(204);
    await waitFor(() => cards(page)[0].status === zh.status.done, 'the first card is done');
    expect(cards(page)[0]).toMatchObject({ error: '', percent: '', actions: ['copy', 'preview', 'remove'] });
    expect(textOf(page.querySelector('.summary-count'))).toBe('1/2 已完成');

    tapCard(page, 0, 'copy');
    await waitFor(() => wx.clipboard.length === 1, 'the link is copied');
    expect(wx.clipboard).toEqual([wx.uploads[0].objectUrl]);
    expect(wx.clipboard[0]).toBe(services.engine.items()[0].objectUrl);

    tapCard(page, 0, 'preview');
    await waitFor(() => wx.previews.length === 1, 'the preview opens');
    expect(wx.previews[0]).toEqual({ urls: [wx.uploads[0].objectUrl], current: wx.uploads[0].objectUrl });
  });

  it('shows the failure in plain words with a retry button, and the retry uploads again', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[1].succeed(204);
    wx.uploads[0].fail('net::ERR_CONNECTION_RESET');
    await waitFor(() => cards(page)[0].status === zh.status.failed, 'the first card fails');
    expect(cards(page)[0].error).toBe(failureMessage('network', 'zh'));
    expect(cards(page)[0].actions).toEqual(['retry', 'remove']);
    expect(textOf(page.querySelector('.summary-failed'))).toBe(zh.failedCount(1));
    expect(page.querySelector('.btn-retry-all')).toBeDefined();

    tapCard(page, 0, 'retry');
    await waitFor(() => wx.uploads.length === 3, 'a new upload starts');
    expect(wx.uploads[2].filePath).toBe('http://tmp/a.jpg');
    await waitFor(() => cards(page)[0].status === zh.status.uploading, 'the card uploads again');
    expect(cards(page)[0].error).toBe('');
    wx.uploads[2].succeed(204);
    await waitFor(() => cards(page)[0].status === zh.status.done, 'the retried card is done');
    expect(textOf(page.querySelector('.summary-count'))).toBe('2/2 已完成');
    expect(page.querySelector('.summary-failed')).toBeUndefined();
    expect(page.querySelector('.btn-retry-all')).toBeUndefined();
  });

  it('retries every failed file with "全部重试"', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[0].fail('timeout');
    wx.uploads[1].fail('timeout');
    await waitFor(() => cards(page).every((c) => c.status === zh.status.failed), 'both fail');
    expect(cards(page)[0].error).toBe(failureMessage('timeout', 'zh'));
    tap(page, '.btn-retry-all');
    await waitFor(() => wx.uploads.length === 4, 'both upload again');
    wx.uploads[2].succeed(204);
    wx.uploads[3].succeed(204);
    await waitFor(() => cards(page).every((c) => c.status === zh.status.done), 'both are done');
  });

  it('cancels an upload: the task is aborted and the card says cancelled, never done', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg']);
    wx.uploads[0].progress(400, 1000);
    await waitFor(() => cards(page)[0].percent === '40%', 'progress shows');
    expect(page.querySelector('.btn-cancel-all')).toBeDefined();
    expect(hasClass(page.querySelector('.btn-clear'), 'is-disabled')).toBe(true); // no clearing while uploading
    tapCard(page, 0, 'cancel');
    await waitFor(() => cards(page)[0].status === zh.status.cancelled, 'the card is cancelled');
    expect(wx.uploads[0].settled).toBe(true); // abort() reached the task
    expect(cards(page)[0].actions).toEqual(['retry', 'remove']);
    expect(page.querySelector('.btn-cancel-all')).toBeUndefined();
    expect(hasClass(page.querySelector('.btn-clear'), 'is-disabled')).toBe(false);
    wx.uploads[0].succeed(204); // a late answer changes nothing
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(cards(page)[0].status).toBe(zh.status.cancelled);
  });

  it('cancels everything with "取消全部", then clears the list back to the empty state', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    tap(page, '.btn-cancel-all');
    await waitFor(() => cards(page).every((c) => c.status === zh.status.cancelled), 'all cancelled');
    expect(wx.uploads).toHaveLength(3); // the waiting fourth never started
    tap(page, '.btn-clear');
    await waitFor(() => !!page.querySelector('.empty'), 'the empty state returns');
    expect(cards(page)).toHaveLength(0);
  });

  it('removes a card', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[0].succeed(204);
    await waitFor(() => cards(page)[0].status === zh.status.done, 'done');
    tapCard(page, 0, 'remove');
    await waitFor(() => cards(page).length === 1, 'one card left');
    expect(cards(page)[0].name).toBe('照片 2 · 今天 10:03');
  });

  it('shows nothing wrong when the person closes the picker', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    tap(page, '.btn-add'); // no queued answer: "chooseMedia:fail cancel"
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(wx.toasts).toEqual([]);
    expect(page.querySelector('.empty')).toBeDefined();
    expect(page.querySelector('.rejections')).toBeUndefined();
    expect(hasClass(page.querySelector('.btn-add'), 'is-disabled')).toBe(false);
  });

  it('tells the person when album access is refused', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    wx.picks.push({ errMsg: 'chooseMedia:fail auth deny' });
    tap(page, '.btn-camera');
    await waitFor(() => wx.toasts.length === 1, 'a toast');
    expect(wx.toasts).toEqual([zh.pickPermission]);
  });

  it('lists each file the restrictions refused, and uploads only the rest', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    wx.picks.push({ files: [photo('ok.jpg'), { path: 'http://tmp/report.pdf', size: 500 }, photo('huge.jpg', TEST_LIMITS.maxBytes * 2)] });
    tap(page, '.btn-chat');
    await waitFor(() => !!page.querySelector('.rejections'), 'the rejections show');
    expect(textOf(page.querySelector('.rejections-title'))).toBe(zh.rejectedTitle(2));
    const names = page.querySelectorAll('.rejection-name').map(textOf);
    const rows = page.querySelectorAll('.rejection-message').map((message, i) => [names[i], textOf(message)]);
    expect(rows).toEqual([
      ['report.pdf', rejectionMessage('typeNotAllowed', 'zh', { fileType: 'application/pdf', allowedTypes: TEST_LIMITS.allowedTypes })],
      ['huge.jpg', rejectionMessage('tooLarge', 'zh', { maxBytes: TEST_LIMITS.maxBytes, fileSize: TEST_LIMITS.maxBytes * 2 })],
    ]);
    await waitFor(() => cards(page).length === 1, 'one card');
    expect(cards(page)[0].name).toBe('ok.jpg');
    expect(wx.uploads).toHaveLength(1);
    tap(page, '.btn-dismiss');
    await waitFor(() => !page.querySelector('.rejections'), 'the list is dismissed');
  });

  it('updates only the fields that changed (per-item paths), not the whole list', async () => {
    const { page, wx, instance } = await openWithPhotos(['a.jpg', 'b.jpg']);
    const setData = jest.spyOn(instance, 'setData');
    wx.uploads[1].progress(500, 1000);
    await waitFor(() => cards(page)[1].percent === '50%', '50% shows');
    const keys = setData.mock.calls.flatMap((call) => Object.keys(call[0] as object));
    expect(keys).not.toContain('items');
    expect(keys).toEqual(expect.arrayContaining(['items[1].percent', 'items[1].percentText']));
    expect(keys.filter((k) => k.startsWith('items[0]'))).toEqual([]);
  });

  it('records finished uploads in the device history', async () => {
    const { page, wx, services } = await openWithPhotos(['a.jpg']);
    wx.uploads[0].succeed(204);
    await waitFor(() => cards(page)[0].status === zh.status.done, 'done');
    expect(services.history.list()).toEqual([expect.objectContaining({ name: 'a.jpg', url: wx.uploads[0].objectUrl, kind: 'image' })]);
  });

  it('speaks English when the phone does', async () => {
    session = await openPage(UPLOAD_PAGE, { language: 'en_US' });
    const { page, wx } = session;
    expect(textOf(page.querySelector('.btn-add'))).toBe('Add photos');
    expect(textOf(page.querySelector('.empty-title'))).toBe('No files yet');
    wx.picks.push({ files: [photo('a.jpg')] });
    tap(page, '.btn-add');
    await waitFor(() => wx.uploads.length === 1, 'upload starts');
    wx.uploads[0].fail('timeout');
    await waitFor(() => cards(page)[0]?.status === 'Failed', 'failed in English');
    expect(cards(page)[0].error).toBe(failureMessage('timeout', 'en'));
    expect(textOf(cards(page)[0].card.querySelector('.action-retry'))).toBe('Retry');
  });
});
