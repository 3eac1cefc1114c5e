// The upload page as a person picking photos meets it, in the cases a review found
// wrong: the real page in miniprogram-simulate, the real engine and WeChat adapter,
// over the step-by-step scripted `wx`. Every assertion reads the rendered tree.
import { uiMessages } from '../../miniprogram/shared/ui/index';
import { hasClass, openPage, tap, textOf, type OpenPage } from '../support/open-page';
import { add, photo, SHEET, tiles, UPLOAD_PAGE } from '../support/upload-page-tiles';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';

const zh = uiMessages('zh');

let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

describe('upload page, as a person picking photos', () => {
  it('photos whose first ticket request is cut with the app in the background wait for it, and go when it shows', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx, services } = session;
    wx.holdTickets = true;
    add(page, wx, [photo('a.jpg'), photo('b.jpg')]);
    await waitFor(() => wx.heldTickets.length === 1, 'the batch asks for its tickets');
    // The person switches to a chat; some seconds later WeChat cuts the app's requests.
    wx.hideApp();
    wx.heldTickets[0].fail('interrupted');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(services.engine.items().map((item) => item.error?.message)).toEqual([undefined, undefined]);
    expect(services.engine.items().map((item) => item.status)).not.toContain('failed');

    wx.holdTickets = false;
    wx.showApp();
    await waitFor(() => wx.uploads.length === 2, 'both photos upload once the app is back');
    wx.uploads.forEach((upload) => upload.succeed(204));
    await waitFor(() => tiles(page).every((t) => t.status === 'done'), 'both are done');
    expect(page.querySelector('.summary-failed')).toBeUndefined();
  });

  it('after 全部取消 the summary says how many were cancelled, not "已上传 0/0"', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    add(page, wx, ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].map((n) => photo(n)));
    await waitFor(() => wx.uploads.length === 3 && tiles(page).length === 4, 'the uploads start');
    tap(page, '.btn-cancel-all');
    await waitFor(() => tiles(page).every((t) => t.status === 'cancelled'), 'all cancelled');
    await waitFor(() => textOf(page.querySelector('.summary-cancelled')) === zh.cancelledCount(4, true), '4 张已取消 shows');
    expect(textOf(page.querySelector('.summary-count'))).not.toMatch(/0\/0/);
    expect(textOf(page.querySelector('.summary-count'))).toBe('');
  });

  it('while picked photos are prepared, the page does not say 还没有照片', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    // compressImage takes a while on a phone (a second or more for nine camera photos): held here.
    const target = (globalThis as any).wx;
    const compress = target.compressImage;
    const held: Array<() => void> = [];
    target.compressImage = (o: unknown) => held.push(() => compress(o));
    add(page, wx, ['a.jpg', 'b.jpg'].map((n) => photo(n)));
    await waitFor(() => held.length === 1, 'the first photo is being compressed');
    await waitFor(() => textOf(page.querySelector('.add-label')) === zh.preparing, 'the + tile says 正在处理…');
    expect(page.querySelector('.empty')).toBeUndefined();

    target.compressImage = compress;
    held.forEach((go) => go());
    await waitFor(() => wx.uploads.length === 2, 'both upload');
    expect(page.querySelector('.empty')).toBeUndefined();
  });

  it('a camera or chat picker that fails is named as such, not as the album', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    wx.sheetAnswers.push(SHEET.camera);
    wx.picks.push({ errMsg: 'chooseMedia:fail camera is being used by another app' });
    tap(page, '.add-tile');
    await waitFor(() => wx.toasts.length === 1, 'a toast');
    expect(wx.toasts[0]).toContain('相机');
    expect(wx.toasts[0]).not.toContain('相册');

    wx.sheetAnswers.push(SHEET.chat);
    wx.picks.push({ errMsg: 'chooseMessageFile:fail internal error' });
    tap(page, '.add-tile');
    await waitFor(() => wx.toasts.length === 2, 'a second toast');
    expect(wx.toasts[1]).toContain('聊天');
    expect(wx.toasts[1]).not.toContain('相册');
    warn.mockRestore();
  });

  it('原图 tapped while the photos just picked are being prepared never shows on while they go compressed', async () => {
    session = await openPage(UPLOAD_PAGE);
    const { page, wx } = session;
    const target = (globalThis as any).wx;
    const compress = target.compressImage;
    const held: Array<() => void> = [];
    target.compressImage = (o: unknown) => held.push(() => compress(o));
    add(page, wx, [photo('a.jpg', 10_000)]);
    await waitFor(() => held.length === 1, 'the photo is being compressed');
    tap(page, '.original-toggle');
    await new Promise((resolve) => setTimeout(resolve, 30));
    target.compressImage = compress;
    held.forEach((go) => go());
    await waitFor(() => wx.uploads.length === 1, 'the photo uploads');
    const shownOn = hasClass(page.querySelector('.original-toggle'), 'is-on');
    // What the switch says is what was sent: the picked file with 原图 on, the compressed copy with it off.
    expect({ shownOn, sent: wx.uploads[0].filePath }).toEqual({ shownOn, sent: shownOn ? 'http://tmp/a.jpg' : 'http://tmp/a.jpg.q80.jpg' });

    // Once the pick is ready, 原图 switches as before, for the next pick.
    tap(page, '.original-toggle');
    await waitFor(() => hasClass(page.querySelector('.original-toggle'), 'is-on') !== shownOn, '原图 switches');
  });

  it('photos not yet uploaded when WeChat ends the app are listed on the next launch, and 继续上传 sends them', async () => {
    session = await openPage(UPLOAD_PAGE);
    const first = session;
    add(first.page, first.wx, ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].map((n) => photo(n)));
    await waitFor(() => first.wx.uploads.length === 3 && tiles(first.page).length === 4, 'three upload, one waits');
    first.wx.uploads[0].succeed(204);
    await waitFor(() => tiles(first.page)[0].status === 'done', 'the first is done');
    // WeChat ends the app in the background: what storage holds is all the next launch has.
    const stored = new Map(first.wx.storage);
    const sizes = new Map(first.wx.fileSizes);
    first.services.engine.cancelAll();
    first.close();

    session = await openPage(UPLOAD_PAGE, {
      before: (wx) => {
        stored.forEach((value, key) => wx.storage.set(key, value));
        sizes.forEach((size, path) => wx.fileSizes.set(path, size)); // the photos are still on the phone
      },
    });
    const { page, wx } = session;
    await waitFor(() => page.querySelectorAll('.resume-name').length === 3, 'the three photos not uploaded are listed');
    expect(page.querySelectorAll('.resume-name').map(textOf)).toEqual(['照片 2 · 今天 10:03', '照片 3 · 今天 10:03', '照片 4 · 今天 10:03']);
    expect(textOf(page.querySelector('.resume-title'))).toBe(zh.resumeTitle);

    page.querySelectorAll('.btn-continue').forEach((button) => button.dispatchEvent('tap'));
    await waitFor(() => wx.uploads.length === 3, 'the three upload');
    wx.uploads.forEach((upload) => upload.succeed(204));
    await waitFor(() => tiles(page).length === 3 && tiles(page).every((t) => t.status === 'done'), 'all three are done');
    expect(page.querySelector('.resume')).toBeUndefined();
    expect(session.services.history.list()).toHaveLength(4);
  });

  it('放弃 on such a photo says nothing of it was uploaded, and forgets it', async () => {
    session = await openPage(UPLOAD_PAGE);
    const first = session;
    add(first.page, first.wx, [photo('a.jpg')]);
    await waitFor(() => first.wx.uploads.length === 1, 'the photo uploads');
    const stored = new Map(first.wx.storage);
    first.services.engine.cancelAll();
    first.close();

    session = await openPage(UPLOAD_PAGE, { before: (wx) => stored.forEach((value, key) => wx.storage.set(key, value)) });
    const { page, wx } = session;
    await waitFor(() => page.querySelectorAll('.resume-name').length === 1, 'the photo is listed');
    // Its temp file went with the app: said plainly, with only 放弃.
    expect(page.querySelector('.btn-continue')).toBeUndefined();
    tap(page, '.btn-discard');
    await waitFor(() => !page.querySelector('.resume'), 'the row goes');
    expect(wx.modals[0]).toEqual({ title: zh.discardConfirmTitle, content: zh.discardConfirmUnsent });
    expect([...wx.storage.keys()].filter((key) => key.startsWith('pending-upload:'))).toEqual([]);
  });

  it('a video taken with 拍照 may run a minute, not the camera default of 10 s, when videos are allowed', async () => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { limits: { ...TEST_LIMITS, allowedTypes: ['image/*', 'video/*'] } }) });
    const { page, wx } = session;
    add(page, wx, [{ path: 'http://tmp/clip.mp4', size: 5000 }], SHEET.camera);
    await waitFor(() => wx.uploads.length === 1, 'the clip uploads');
    // wx.chooseMedia stops recording at maxDuration, 10 s unless told (3–60 s).
    expect(wx.pickerCalls[0]).toEqual({ api: 'chooseMedia', options: expect.objectContaining({ mediaType: ['image', 'video'], sourceType: ['camera'], maxDuration: 60 }) });
  });

  it.each([
    [['image/*', 'video/*'], ['image', 'video']],
    [['image/*', 'application/pdf'], ['image', 'file']],
  ])('从聊天选择文件 with %j allowed lets the person pick those kinds (WeChat\'s type "file" hides photos and videos)', async (allowedTypes, kinds) => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { limits: { ...TEST_LIMITS, allowedTypes } }) });
    const { page, wx } = session;
    add(page, wx, [photo('a.jpg')], SHEET.chat);
    await waitFor(() => wx.uploads.length === 1, 'the chat photo uploads');
    const type = String(wx.pickerCalls[0].options.type);
    // chooseMessageFile's types: all, video, image, and file ("可以选择除了图片和视频之外的其它的文件").
    const shows = (kind: string) => type === 'all' || type === kind;
    expect(kinds.filter((kind) => !shows(kind))).toEqual([]);
  });
});
