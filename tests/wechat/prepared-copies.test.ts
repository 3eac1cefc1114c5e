// The copies photo preparation writes to USER_DATA_PATH/outgoing (location removed,
// compressed) count against the phone's user-data quota: none may be left behind. On
// the real upload page over the scripted `wx` (whose file system keeps what the app
// wrote in `written`), each copy must go when its upload is done, when it fails for
// good, and when the page unloads; a failure a retry may fix keeps it, so 重试 sends
// the same bytes.
import { openPage, tap, type OpenPage } from '../support/open-page';
import { USER_DATA_PATH, waitFor } from '../support/scripted-wx';
import { cameraJpeg } from '../support/camera-jpeg';

const UPLOAD_PAGE = 'pages/upload/index';
const ALBUM = 1;
const ENTITY_TOO_LARGE = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>EntityTooLarge</Code><Message>too large</Message></Error>';

let session: OpenPage | undefined;
afterEach(() => {
  // The engine outlives the page: stopped here, so nothing of this test reaches the next one's wx.
  session?.services.engine.cancelAll();
  session?.close();
  session = undefined;
});

/** 原图 on (the scripted compressImage has no pixels) and photos with a position: each leaves as a cleaned copy. */
async function openWithCopies(count: number) {
  session = await openPage(UPLOAD_PAGE, { concurrency: count });
  const { page, wx } = session;
  tap(page, '.original-toggle');
  await waitFor(() => page.data.original === true, '原图 is on');
  const camera = cameraJpeg();
  const files = Array.from({ length: count }, (_, i) => {
    wx.fileBytes.set(`http://tmp/gps-${i}.jpg`, camera);
    return { path: `http://tmp/gps-${i}.jpg`, size: camera.length };
  });
  wx.sheetAnswers.push(ALBUM);
  wx.picks.push({ files });
  tap(page, '.add-tile');
  await waitFor(() => wx.uploads.length === count, 'the uploads start');
  const copies = wx.uploads.map((u) => u.filePath);
  expect(copies.every((p) => p.startsWith(`${USER_DATA_PATH}/outgoing/`) && wx.written.has(p))).toBe(true);
  return { page, wx, copies, engine: session.services.engine };
}

describe('prepared photo copies', () => {
  it('a copy whose upload is refused for good is deleted; one a retry may fix is kept and sent again', async () => {
    const { wx, copies, engine } = await openWithCopies(2);
    wx.uploads[0].succeed(400, ENTITY_TOO_LARGE);
    wx.uploads[1].fail('timeout');
    await waitFor(() => engine.items().every((i) => i.status === 'failed'), 'both failed');
    expect(engine.items().map((i) => i.error?.retryable)).toEqual([false, true]);
    await waitFor(() => !wx.written.has(copies[0]), 'the refused copy is deleted');
    expect(wx.written.has(copies[1])).toBe(true);

    engine.retry(engine.items()[1].id);
    await waitFor(() => wx.uploads.length === 3, 'the retry starts');
    expect(wx.uploads[2].filePath).toBe(copies[1]);
    wx.uploads[2].succeed(204);
    await waitFor(() => !wx.written.has(copies[1]), 'the copy is deleted once sent');
  });

  it('when the page unloads, the copies of files no longer sending go at once, the others once they end', async () => {
    const { wx, copies, engine } = await openWithCopies(3);
    wx.uploads[0].fail('timeout'); // failed, retryable: its copy was kept for 重试
    engine.cancel(engine.items()[1].id); // cancelled: kept for 重试 as well
    await waitFor(() => engine.items()[0].status === 'failed' && engine.items()[1].status === 'cancelled', 'one failed, one cancelled');
    expect(copies.every((p) => wx.written.has(p))).toBe(true);

    session!.instance.onUnload(); // the page goes; the scripted wx (and the engine) stay, as the app runs on
    await waitFor(() => !wx.written.has(copies[0]) && !wx.written.has(copies[1]), 'the copies of the settled files are deleted');
    expect(wx.written.has(copies[2])).toBe(true); // still uploading: the engine outlives the page
    wx.uploads[2].succeed(204);
    await waitFor(() => !wx.written.has(copies[2]), 'the last copy goes when its upload ends');
  });
});
