// The upload page in miniprogram-simulate with the real engine and WeChat adapter
// over a step-by-step scripted `wx`: every assertion reads the rendered tree, and
// every interaction is a real event on it (tap, long-press, the × corner, 原图).
import exifr from 'exifr';
import { failureMessage, rejectionMessage } from '../../miniprogram/shared/core/index';
import { uiMessages } from '../../miniprogram/shared/ui/index';
import { hasClass, openPage, SIGNER_URL, tap, textOf, type OpenPage, type Rendered } from '../support/open-page';
import { add, photo, SHEET, tiles, UPLOAD_PAGE } from '../support/upload-page-tiles';
import { TEST_LIMITS, USER_DATA_PATH, waitFor } from '../support/scripted-wx';
import { cameraJpeg } from '../support/camera-jpeg';

const zh = uiMessages('zh');
const tapTile = (page: Rendered, i: number) => tiles(page)[i].tile.dispatchEvent('tap');
const holdTile = (page: Rendered, i: number) => tiles(page)[i].tile.dispatchEvent('longpress');
const tapCorner = (page: Rendered, i: number) => tiles(page)[i].cell.querySelector('.corner')!.dispatchEvent('tap');

let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

async function openWithPhotos(names: string[]) {
  session = await openPage(UPLOAD_PAGE);
  const { page, wx } = session;
  add(page, wx, names.map((n) => photo(n)));
  await waitFor(() => wx.uploads.length === Math.min(names.length, 3), 'the uploads start');
  await waitFor(() => tiles(page).length === names.length, 'the tiles render');
  return session;
}

describe('upload page', () => {
  it('starts empty: the + tile, a hint that names no button, the limits, and nothing asked of the picker yet', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    expect(textOf(page.querySelector('.empty-title'))).toBe(zh.emptyTitle);
    expect(textOf(page.querySelector('.empty-hint'))).toBe(zh.emptyHint);
    expect(textOf(page.querySelector('.limits'))).toBe('每张不超过 20 MB，每次最多 20 张');
    expect(hasClass(page.querySelector('.add-tile'), 'is-disabled')).toBe(false);
    expect(textOf(page.querySelector('.add-label'))).toBe('添加');
    expect(page.querySelector('.summary')).toBeUndefined();
    // The limits, and the silent sign-in at launch (the scripted signer has none: the app goes on without).
    expect(wx.requests.map((r) => r.url).sort()).toEqual([`${SIGNER_URL}/api/sessions`, `${SIGNER_URL}/healthz`]);
    expect(wx.pickerCalls).toEqual([]);
  });

  it('says the signer is down in plain words (no address, no computers), keeps adding off, reconnects on tap', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { errMsg: 'net::ERR_CONNECTION_REFUSED' }) });
    const { page, wx } = session;
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(SIGNER_URL), expect.anything()); // the developer gets the address
    expect(textOf(page.querySelector('.notice-text'))).toBe(zh.signerDown);
    expect(textOf(page.querySelector('.notice-text'))).not.toMatch(/127\.0\.0\.1|http|电脑/);
    expect(page.querySelector('.btn-reconnect')!.dom!.getAttribute('type')).not.toBe('warn');
    expect(hasClass(page.querySelector('.add-tile'), 'is-disabled')).toBe(true);
    tap(page, '.add-tile'); // a disabled tile does nothing
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(wx.sheets).toEqual([]);

    wx.health = { limits: TEST_LIMITS };
    tap(page, '.btn-reconnect');
    await waitFor(() => textOf(page.querySelector('.limits')) === zh.limitsHint(TEST_LIMITS), 'the limits show after reconnecting');
    expect(page.querySelector('.notice')).toBeUndefined();
    expect(hasClass(page.querySelector('.add-tile'), 'is-disabled')).toBe(false);
    warn.mockRestore();
  });

  it('the + tile opens a sheet of pickers, and the picker asks only for photos when the limits allow only photos', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    add(page, wx, [photo('a.jpg')], SHEET.album);
    await waitFor(() => wx.uploads.length === 1, 'the upload starts');
    expect(wx.sheets).toEqual([[zh.takePhoto, zh.chooseAlbum, zh.chooseChatFiles]]);
    expect(wx.pickerCalls).toEqual([
      { api: 'chooseMedia', options: { count: TEST_LIMITS.maxFiles, mediaType: ['image'], sourceType: ['album'], sizeType: ['original'] } },
    ]);

    add(page, wx, [photo('b.jpg')], SHEET.chat);
    await waitFor(() => wx.uploads.length === 2, 'the chat file uploads');
    expect(wx.pickerCalls[1]).toEqual({ api: 'chooseMessageFile', options: { count: TEST_LIMITS.maxFiles - 1, type: 'image' } });

    wx.sheetAnswers.push(undefined); // the sheet dismissed: no picker opens
    tap(page, '.add-tile');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(wx.pickerCalls).toHaveLength(2);
  });

  it('draws progress on the tile, then a done mark; a tap previews, a long press offers copy', async () => {
    const { page, wx, services } = await openWithPhotos(['a.jpg', 'b.jpg']);
    // Album photos have only temp names: they are shown numbered and dated.
    expect(tiles(page).map((t) => [t.name, t.status, t.overlay])).toEqual([
      ['照片 1 · 今天 10:03', 'uploading', '0%'],
      ['照片 2 · 今天 10:03', 'uploading', '0%'],
    ]);
    expect(textOf(page.querySelector('.summary-count'))).toBe('已上传 0/2');
    wx.uploads[0].progress(90, 300);
    await waitFor(() => tiles(page)[0].overlay === '30%', 'the first tile shows 30%');
    expect(tiles(page)[1].overlay).toBe('0%');

    wx.uploads[0].succeed(204);
    await waitFor(() => tiles(page)[0].status === 'done', 'the first tile is done');
    expect(tiles(page)[0]).toMatchObject({ overlay: '', done: true });
    expect(textOf(page.querySelector('.summary-count'))).toBe('已上传 1/2');

    tapTile(page, 0);
    await waitFor(() => wx.previews.length === 1, 'the preview opens');
    expect(wx.previews[0]).toEqual({ urls: [wx.uploads[0].objectUrl], current: wx.uploads[0].objectUrl });

    wx.sheetAnswers.push(0);
    holdTile(page, 0);
    await waitFor(() => wx.clipboard.length === 1, 'the link is copied');
    expect(wx.sheets.at(-1)).toEqual([zh.copyLink, zh.preview, zh.remove]);
    expect(wx.clipboard).toEqual([services.engine.items()[0].objectUrl]);
  });

  it('a failed tile says so on the picture; a tap gives the reason with 重试, which uploads again', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[1].succeed(204);
    wx.uploads[0].fail('net::ERR_CONNECTION_RESET');
    await waitFor(() => tiles(page)[0].status === 'failed', 'the first tile fails');
    expect(tiles(page)[0]).toMatchObject({ overlay: zh.status.failed, hint: zh.tapToRetry, note: zh.status.failed });
    expect(textOf(page.querySelector('.summary-failed'))).toBe(zh.failedCount(1, true));
    expect(page.querySelector('.btn-retry-all')).toBeDefined();

    tapTile(page, 0);
    await waitFor(() => wx.uploads.length === 3, 'a new upload starts');
    expect(wx.modals[0]).toEqual({ title: zh.failedTitle, content: failureMessage('network', 'zh') });
    await waitFor(() => tiles(page)[0].status === 'uploading', 'the tile uploads again');
    wx.uploads[2].succeed(204);
    await waitFor(() => tiles(page)[0].status === 'done', 'the retried tile is done');
    expect(page.querySelector('.summary-failed')).toBeUndefined();
    expect(page.querySelector('.btn-retry-all')).toBeUndefined();
  });

  it('the × cancels a photo still uploading (a tap then retries it) and removes one that is done', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[0].progress(120, 300);
    await waitFor(() => tiles(page)[0].overlay === '40%', 'progress shows');
    expect(page.querySelector('.btn-clear')).toBeUndefined(); // no clearing while uploading
    tapCorner(page, 0);
    await waitFor(() => tiles(page)[0].status === 'cancelled', 'the tile is cancelled');
    expect(wx.uploads[0].settled).toBe(true); // abort() reached the task
    expect(tiles(page)[0]).toMatchObject({ overlay: zh.status.cancelled, hint: zh.tapToRetry });
    wx.uploads[0].succeed(204); // a late answer changes nothing
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(tiles(page)[0].status).toBe('cancelled');

    tapTile(page, 0);
    await waitFor(() => wx.uploads.length === 3, 'the cancelled photo uploads again');
    wx.uploads[1].succeed(204);
    await waitFor(() => tiles(page)[1].status === 'done', 'b is done');
    tapCorner(page, 1);
    await waitFor(() => tiles(page).length === 1, 'b is removed');
    expect(tiles(page)[0].name).toBe('照片 1 · 今天 10:03');
  });

  it('原图 off (the default) sends a compressed copy and shows what was saved; 原图 on sends the picked file', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx, services } = session;
    expect(hasClass(page.querySelector('.original-toggle'), 'is-on')).toBe(false);
    add(page, wx, [photo('a.jpg', 10_000)]);
    await waitFor(() => wx.uploads.length === 1, 'the compressed photo uploads');
    expect(wx.uploads[0].filePath).toBe('http://tmp/a.jpg.q80.jpg');
    expect(services.engine.items()[0].file).toMatchObject({ size: 3000, originalSize: 10_000 });
    await waitFor(() => textOf(page.querySelector('.summary-size')) !== '', 'the sizes show');
    expect(textOf(page.querySelector('.summary-size'))).toBe('共 1 张 · 2.9 KB，原图 9.8 KB');

    tap(page, '.original-toggle');
    await waitFor(() => hasClass(page.querySelector('.original-toggle'), 'is-on'), '原图 is on');
    add(page, wx, [photo('b.jpg', 10_000)]);
    await waitFor(() => wx.uploads.length === 2, 'the original uploads');
    expect(wx.uploads[1].filePath).toBe('http://tmp/b.jpg');
    await waitFor(() => textOf(page.querySelector('.summary-size')) === '共 2 张 · 12.7 KB，原图 19.5 KB', 'both sizes count');
  });

  it('a photo with a position leaves without it, the tile says 已移除位置信息, and the copy is deleted once sent', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    const camera = cameraJpeg();
    wx.fileBytes.set('http://tmp/gps.jpg', camera);
    tap(page, '.original-toggle'); // 原图: the scripted compressImage has no pixels to re-encode
    await waitFor(() => hasClass(page.querySelector('.original-toggle'), 'is-on'), '原图 is on');
    add(page, wx, [{ path: 'http://tmp/gps.jpg', size: camera.length }]);
    await waitFor(() => wx.uploads.length === 1, 'the upload starts');
    const sent = wx.uploads[0].filePath;
    expect(sent.startsWith(`${USER_DATA_PATH}/outgoing/`)).toBe(true);
    // An ArrayBuffer: under jsdom exifr takes its browser build, which does not read Node Buffers.
    const bytes = wx.written.get(sent)!.slice().buffer;
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(await exifr.orientation(bytes)).toBe(6);
    wx.uploads[0].succeed(204);
    await waitFor(() => tiles(page)[0]?.status === 'done', 'done');
    expect(tiles(page)[0].note).toBe(zh.locationRemoved);
    await waitFor(() => !wx.written.has(sent), 'the prepared copy is deleted');
  });

  it('cancels everything with 全部取消, then 清空 brings the empty state back', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    tap(page, '.btn-cancel-all');
    await waitFor(() => tiles(page).every((t) => t.status === 'cancelled'), 'all cancelled');
    expect(wx.uploads).toHaveLength(3); // the waiting fourth never started
    tap(page, '.btn-clear');
    await waitFor(() => !!page.querySelector('.empty'), 'the empty state returns');
    expect(tiles(page)).toHaveLength(0);
  });

  it('retries every failed photo with 全部重试, the only primary button', async () => {
    const { page, wx } = await openWithPhotos(['a.jpg', 'b.jpg']);
    wx.uploads[0].fail('timeout');
    wx.uploads[1].fail('timeout');
    await waitFor(() => tiles(page).every((t) => t.status === 'failed'), 'both fail');
    expect(page.querySelectorAll('.btn-primary')).toHaveLength(1);
    tap(page, '.btn-retry-all');
    await waitFor(() => wx.uploads.length === 4, 'both upload again');
  });

  it('shows nothing wrong when the person closes the picker, and words when access is refused', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    wx.sheetAnswers.push(SHEET.album); // no queued pick: "chooseMedia:fail cancel"
    tap(page, '.add-tile');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(wx.toasts).toEqual([]);
    expect(page.querySelector('.empty')).toBeDefined();
    expect(hasClass(page.querySelector('.add-tile'), 'is-disabled')).toBe(false);

    wx.sheetAnswers.push(SHEET.camera);
    wx.picks.push({ errMsg: 'chooseMedia:fail auth deny' });
    tap(page, '.add-tile');
    await waitFor(() => wx.toasts.length === 1, 'a toast');
    expect(wx.toasts).toEqual([zh.pickPermission]);
  });

  it('names refused files by kind, and uploads only the rest', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    add(page, wx, [photo('ok.jpg'), { path: 'http://tmp/report.pdf', size: 500 }, photo('huge.png', TEST_LIMITS.maxBytes * 2)], SHEET.chat);
    await waitFor(() => !!page.querySelector('.rejections'), 'the rejections show');
    expect(textOf(page.querySelector('.rejections-title'))).toBe(zh.rejectedTitle(2));
    const names = page.querySelectorAll('.rejection-name').map(textOf);
    const rows = page.querySelectorAll('.rejection-message').map((message, i) => [names[i], textOf(message)]);
    expect(rows).toEqual([
      ['report.pdf', 'PDF 文件不能上传，只能上传照片'],
      ['huge.png', rejectionMessage('tooLarge', 'zh', { maxBytes: TEST_LIMITS.maxBytes, fileSize: TEST_LIMITS.maxBytes * 2 })],
    ]);
    await waitFor(() => tiles(page).length === 1, 'one tile');
    tap(page, '.btn-dismiss');
    await waitFor(() => !page.querySelector('.rejections'), 'the list is dismissed');
  });

  it('keeps the + tile in the grid until the per-batch limit is reached', async () => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { limits: { ...TEST_LIMITS, maxFiles: 3 } }) });
    const { page, wx } = session;
    add(page, wx, [photo('a.jpg'), photo('b.jpg')]);
    await waitFor(() => tiles(page).length === 2, 'two tiles');
    expect(page.querySelector('.add-tile')).toBeDefined();
    expect(wx.pickerCalls[0].options.count).toBe(3);
    add(page, wx, [photo('c.jpg')]);
    await waitFor(() => tiles(page).length === 3, 'three tiles');
    await waitFor(() => !page.querySelector('.add-tile'), 'the + tile leaves the full grid');
    expect(wx.pickerCalls[1].options.count).toBe(1);
  });

  it('updates only the fields that changed (per-item paths), not the whole list', async () => {
    const { page, wx, instance } = await openWithPhotos(['a.jpg', 'b.jpg']);
    const setData = jest.spyOn(instance, 'setData');
    wx.uploads[1].progress(150, 300);
    await waitFor(() => tiles(page)[1].overlay === '50%', '50% shows');
    const keys = setData.mock.calls.flatMap((call) => Object.keys(call[0] as object));
    expect(keys).not.toContain('items');
    expect(keys).toEqual(expect.arrayContaining(['items[1].percent', 'items[1].overlayText']));
    expect(keys.filter((k) => k.startsWith('items[0]'))).toEqual([]);
  });

  it('records finished uploads in the device history', async () => {
    const { page, wx, services } = await openWithPhotos(['a.jpg']);
    wx.uploads[0].succeed(204);
    await waitFor(() => tiles(page)[0].status === 'done', 'done');
    expect(services.history.list()).toEqual([expect.objectContaining({ name: 'a.jpg', url: wx.uploads[0].objectUrl, kind: 'image', size: 300 })]);
  });

  it('speaks English when the phone does', async () => {
    session = await openPage(UPLOAD_PAGE, { language: 'en_US' });
    const { page, wx } = session;
    expect(textOf(page.querySelector('.add-label'))).toBe('Add');
    expect(textOf(page.querySelector('.empty-title'))).toBe('No photos yet');
    expect(textOf(page.querySelector('.original-label'))).toBe('Original');
    add(page, wx, [photo('a.jpg')]);
    await waitFor(() => wx.uploads.length === 1, 'upload starts');
    expect(wx.sheets[0]).toEqual(['Take photo', 'Choose from album', 'Choose from chats']);
    wx.uploads[0].fail('timeout');
    await waitFor(() => tiles(page)[0]?.status === 'failed', 'failed');
    expect(tiles(page)[0]).toMatchObject({ overlay: 'Failed', hint: 'Tap to retry' });
  });
});
