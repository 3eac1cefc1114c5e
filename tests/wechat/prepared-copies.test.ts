// The copies photo preparation writes to USER_DATA_PATH/outgoing (location removed,
// compressed) count against the phone's user-data quota: none may be left behind. On
// the real upload page over the scripted `wx` (whose file system keeps what the app
// wrote in `written`), each copy must go when its upload is done, when it fails for
// good, and when the page unloads; a failure a retry may fix keeps it, so 重试 sends
// the same bytes, and so does an upload in parts that stays saved for 继续上传.
import { openPage, tap, textOf, type OpenPage } from '../support/open-page';
import { uiMessages } from '../../miniprogram/shared/ui/index';
import { TEST_LIMITS, USER_DATA_PATH, waitFor, type ScriptedWx } from '../support/scripted-wx';
import { cameraJpeg } from '../support/camera-jpeg';
import type { SavedUpload } from '../../miniprogram/shared/core/index';

const UPLOAD_PAGE = 'pages/upload/index';
const zh = uiMessages('zh');
const ALBUM = 1;
const ENTITY_TOO_LARGE = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>EntityTooLarge</Code><Message>too large</Message></Error>';

let session: OpenPage | undefined;
afterEach(() => {
  // The engine outlives the page: stopped here, so nothing of this test reaches the next one's wx.
  session?.services.engine.cancelAll();
  session?.close();
  session = undefined;
});

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const SAVED_PREFIX = 'multipart-upload:';

/** 原图 on (the scripted compressImage has no pixels) and photos with a position: each leaves as a cleaned copy. */
async function openWithCopies(count: number, options: { before?: (wx: ScriptedWx) => void; camera?: Buffer } = {}) {
  session = await openPage(UPLOAD_PAGE, { concurrency: count, before: options.before });
  const { page, wx } = session;
  tap(page, '.original-toggle');
  await waitFor(() => page.data.original === true, '原图 is on');
  const camera = options.camera ?? cameraJpeg();
  const files = Array.from({ length: count }, (_, i) => {
    wx.fileBytes.set(`http://tmp/gps-${i}.jpg`, camera);
    return { path: `http://tmp/gps-${i}.jpg`, size: camera.length };
  });
  wx.sheetAnswers.push(ALBUM);
  wx.picks.push({ files });
  tap(page, '.add-tile');
  const engine = session.services.engine;
  await waitFor(() => wx.uploads.length + wx.parts.length >= count, 'the uploads start');
  // In one request each copy is what its upload sends; in parts (a large photo), what is on the disk.
  const copies = wx.uploads.length > 0 ? wx.uploads.map((u) => u.filePath) : [...wx.written.keys()].filter((p) => p.startsWith(`${USER_DATA_PATH}/outgoing/`));
  expect(copies.every((p) => p.startsWith(`${USER_DATA_PATH}/outgoing/`) && wx.written.has(p))).toBe(true);
  return { page, wx, copies, engine };
}

/** Where the first image's end-of-image marker is: after its segments (EXIF's thumbnail included) and its scan. */
function firstImageEnd(jpeg: Buffer): number {
  let at = 2;
  while (jpeg[at + 1] !== 0xda) at += 2 + jpeg.readUInt16BE(at + 2);
  return jpeg.indexOf(Buffer.from([0xff, 0xd9]), at);
}

/**
 * A 26 MB photo with a position: above the 20 MB single-request limit, so it goes in parts
 * from its cleaned copy. The filler is scan data of the first image, before its end marker.
 */
function bigCameraJpeg(): Buffer {
  const small = cameraJpeg();
  const end = firstImageEnd(small);
  return Buffer.concat([small.subarray(0, end), Buffer.alloc(5 * PART_BYTES + 1000, 0x11), small.subarray(end)]);
}

/** The big photo above, picked with 原图 on where uploads in parts are offered; `before` changes the scripted wx further. */
function openWithBigPhotoInParts(before: (wx: ScriptedWx) => void = () => undefined) {
  return openWithCopies(1, {
    camera: bigCameraJpeg(),
    before: (wx) => {
      wx.multipart = { partSize: PART_BYTES };
      wx.health = { limits: { ...TEST_LIMITS } };
      before(wx);
    },
  });
}

/** The uploads in parts the app saved in storage (for 继续上传). */
const savedUploads = (wx: ScriptedWx) => [...wx.storage].filter(([key]) => key.startsWith(SAVED_PREFIX)).map(([, value]) => value as SavedUpload);

describe('the phone\'s storage full', () => {
  it('a photo whose position cannot be removed is not sent: it is listed as not added, saying why, and the others go', async () => {
    session = await openPage(UPLOAD_PAGE, { concurrency: 2 });
    const { page, wx } = session;
    // 原图, so the picked photo itself (with its position) is what would be cleaned and sent.
    tap(page, '.original-toggle');
    await waitFor(() => page.data.original === true, '原图 is on');
    const camera = cameraJpeg();
    // Room for nothing the app writes: the cleaned copy cannot be made.
    wx.userFilesLimitBytes = 100;
    wx.fileBytes.set('http://tmp/gps.jpg', camera);
    wx.sheetAnswers.push(ALBUM);
    wx.picks.push({ files: [{ path: 'http://tmp/gps.jpg', size: camera.length }, { path: 'http://tmp/plain.png', size: 1000 }] });
    tap(page, '.add-tile');
    await waitFor(() => !!page.querySelector('.rejections'), 'the photo held back is listed');
    expect(textOf(page.querySelector('.rejections-title'))).toBe(zh.rejectedTitle(1));
    expect(page.querySelectorAll('.rejection-message').map(textOf)).toEqual([zh.metadataNotRemoved]);
    await waitFor(() => wx.uploads.length === 1, 'the other file uploads');
    expect(wx.uploads.map((u) => u.filePath)).toEqual(['http://tmp/plain.png']);
    expect(session.services.engine.items()).toHaveLength(1);
    expect([...wx.written.keys()]).toEqual([]);
  });
});

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

  it('at unload, the copy of a failed upload in parts stays with its saved upload (the next launch keeps it for 继续上传, see upload-resume.test)', async () => {
    const { wx, engine, copies } = await openWithBigPhotoInParts();
    expect(wx.parts).toHaveLength(1);
    expect(copies).toHaveLength(1);
    const copy = copies[0];
    wx.parts[0].fail('timeout');
    await waitFor(() => engine.items()[0].status === 'failed', 'the upload fails');
    expect(engine.items()[0].error?.retryable).toBe(true);
    const saved = () => savedUploads(wx).map((upload) => upload.path);
    expect(saved()).toEqual([copy]);
    // Saved as a copy the app made, so a later launch that continues it deletes it once sent.
    expect(savedUploads(wx).map((upload) => upload.preparedCopy)).toEqual([true]);

    session!.instance.onUnload();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wx.written.has(copy)).toBe(true);
    expect(saved()).toEqual([copy]);
  });

  it('the copy of an upload in parts refused for good stays too while its upload is saved', async () => {
    const { wx, engine, copies } = await openWithBigPhotoInParts(() => {
      // The signer refuses the complete (a 4xx: no retry helps), as it does a part of the wrong size.
      const target = (globalThis as any).wx;
      const request = target.request;
      target.request = (o: Record<string, any>) => {
        if (!String(o.url).endsWith('/api/uploads/complete')) return request(o);
        setTimeout(() => o.success?.({ statusCode: 400, data: JSON.stringify({ error: { code: 'SizeMismatch', message: 'Part 1 holds 1 bytes.' } }), header: {} }), 0);
        return { abort: () => undefined };
      };
    });
    while (engine.items()[0].status === 'uploading' || engine.items()[0].status === 'waiting') {
      wx.parts.filter((p) => !p.settled).forEach((p) => p.succeed());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(engine.items()[0]).toMatchObject({ status: 'failed', error: { retryable: false, code: 'SizeMismatch' } });
    expect(savedUploads(wx).map((upload) => upload.path)).toEqual(copies);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wx.written.has(copies[0])).toBe(true);
  });
});
