// Pause / resume on a tile and the 继续上传 list, on the real upload page in
// miniprogram-simulate with the real engine and WeChat adapter over the scripted `wx`
// (its signer answers uploads in parts; each part PUT waits for the test). Every
// assertion reads the rendered tree; every interaction is a real tap on it.
import { uiMessages } from '../../miniprogram/shared/ui/index';
import { fileFingerprint, type SavedUpload } from '../../miniprogram/shared/core/index';
import { hasClass, openPage, tap, textOf, type OpenPage, type Rendered } from '../support/open-page';
import { TEST_LIMITS, USER_DATA_PATH, waitFor, type ScriptedWx } from '../support/scripted-wx';
import { cameraJpeg } from '../support/camera-jpeg';

const UPLOAD_PAGE = 'pages/upload/index';
const zh = uiMessages('zh');
const en = uiMessages('en');
const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
const BIG = 5 * PART_BYTES + 1000; // above the 20 MB single-request limit: 6 parts
const PART_COUNT = 6;
const STATUSES = ['waiting', 'uploading', 'paused', 'done', 'failed', 'cancelled'] as const;
/** The "+" tile's sheet on WeChat: camera, album, chats. */
const ALBUM = 1;
const CHATS = 2;
const WAIT_MS = 10_000;

jest.setTimeout(30_000);

let session: OpenPage | undefined;
afterEach(() => {
  // The engine outlives the page: stopped here, so nothing of this test reaches the next one's wx.
  session?.services.engine.cancelAll();
  session?.close();
  session = undefined;
});

function tiles(page: Rendered) {
  return page
    .querySelectorAll('.grid-cell')
    .map((cell) => ({ cell, tile: cell.querySelector('.tile') }))
    .filter((t) => !!t.tile)
    .map(({ cell, tile }) => ({
      cell,
      tile: tile!,
      status: STATUSES.find((s) => hasClass(tile!, `tile--${s}`)),
      overlay: textOf(cell.querySelector('.overlay-text')),
      hint: textOf(cell.querySelector('.overlay-hint')),
      action: cell.querySelector('.action'),
      actionText: textOf(cell.querySelector('.action-text')),
    }));
}

/** Photos and videos allowed, uploads in parts offered: a big video goes in parts, a small photo in one POST. */
const withParts = (wx: ScriptedWx) => {
  wx.health = { limits: { ...TEST_LIMITS, allowedTypes: ['image/*', 'video/*'] } };
  wx.multipart = { partSize: PART_BYTES };
};

async function openWithBigVideo(language?: string) {
  session = await openPage(UPLOAD_PAGE, { language, concurrency: 3, before: withParts });
  const { page, wx } = session;
  wx.sheetAnswers.push(CHATS);
  wx.picks.push({ files: [{ path: 'http://tmp/clip.mp4', size: BIG }, { path: 'http://tmp/small.jpg', size: 1000 }] });
  tap(page, '.add-tile');
  // The video's parts take the three slots; the photo waits its turn.
  await waitFor(() => wx.parts.length === 3, 'three parts are sent', WAIT_MS);
  await waitFor(() => tiles(page).length === 2 && tiles(page)[0].status === 'uploading', 'the tiles render', WAIT_MS);
  return session;
}

describe('pause and resume on a tile', () => {
  it('a file in parts shows 暂停 while going; a single-request photo has no pause, only its ×', async () => {
    const { page } = await openWithBigVideo();
    const [big, small] = tiles(page);
    expect(big.actionText).toBe(zh.pause);
    expect(small.action).toBeUndefined();
    expect(small.status).toBe('waiting');
  });

  it('暂停 aborts its parts in flight, gives its slots to the others, shows 已暂停 with 继续; 继续 sends only what the store lacks', async () => {
    const { page, wx } = await openWithBigVideo();
    wx.parts[0].succeed(); // part 1 stored
    // The photo was queued before the video's next part: it takes the slot part 1 left.
    await waitFor(() => wx.uploads.length === 1, 'the photo takes the free slot', WAIT_MS);
    expect(wx.parts).toHaveLength(3);
    tiles(page)[0].action!.dispatchEvent('tap');
    await waitFor(() => tiles(page)[0].status === 'paused', 'the tile is paused', WAIT_MS);
    // Every part still in flight was aborted: none is left waiting on the network.
    expect(wx.parts.every((p) => p.settled)).toBe(true);
    expect(wx.parts).toHaveLength(3);
    const paused = tiles(page)[0];
    expect(paused.actionText).toBe(zh.resume);
    expect(paused.overlay).toBe(`${zh.status.paused} ${Math.floor((PART_BYTES * 100) / BIG)}%`);
    expect(paused.hint).toBe(zh.tapToResume);
    expect(textOf(page.querySelector('.summary-cancelled'))).toBe(zh.pausedCount(1));
    // Still going, in a way: 全部取消 stays, 清空 does not appear.
    expect(page.querySelector('.btn-cancel-all')).toBeDefined();
    expect(page.querySelector('.btn-clear')).toBeUndefined();

    const sentBefore = wx.parts.length;
    tiles(page)[0].action!.dispatchEvent('tap');
    await waitFor(() => wx.parts.length > sentBefore, 'parts are sent again', WAIT_MS);
    expect(wx.requests.some((r) => r.url.endsWith('/api/uploads/list'))).toBe(true);
    await waitFor(() => tiles(page)[0].actionText === zh.pause, 'the button says 暂停 again', WAIT_MS);
    while (tiles(page)[0].status !== 'done') {
      wx.parts.filter((p) => !p.settled).forEach((p) => p.succeed());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The part the store held was not sent again.
    expect(wx.parts.slice(sentBefore).map((p) => p.partNumber).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(tiles(page)[0].action).toBeUndefined();
  });

  it('a paused tile resumes on a tap too, and its long press offers 继续', async () => {
    const { page, wx } = await openWithBigVideo();
    wx.sheetAnswers.push(undefined);
    tiles(page)[0].tile.dispatchEvent('longpress');
    await waitFor(() => wx.sheets.length === 2, 'the sheet opens', WAIT_MS);
    expect(wx.sheets[1]).toEqual([zh.pause, zh.cancel]);
    tiles(page)[0].action!.dispatchEvent('tap');
    await waitFor(() => tiles(page)[0].status === 'paused', 'paused', WAIT_MS);
    wx.sheetAnswers.push(undefined);
    tiles(page)[0].tile.dispatchEvent('longpress');
    await waitFor(() => wx.sheets.length === 3, 'the sheet opens', WAIT_MS);
    expect(wx.sheets[2]).toEqual([zh.resume, zh.cancel]);
    tiles(page)[0].tile.dispatchEvent('tap');
    await waitFor(() => tiles(page)[0].status === 'uploading', 'a tap resumes it', WAIT_MS);
  });

  it('says Pause and Resume in English', async () => {
    const { page } = await openWithBigVideo('en_US');
    expect(tiles(page)[0].actionText).toBe(en.pause);
    tiles(page)[0].action!.dispatchEvent('tap');
    await waitFor(() => tiles(page)[0].status === 'paused', 'paused', WAIT_MS);
    expect(tiles(page)[0]).toMatchObject({ actionText: en.resume, hint: en.tapToResume });
    expect(tiles(page)[0].overlay.startsWith(en.status.paused)).toBe(true);
  });
});

/** What an earlier launch left in storage for a file at `path`, with parts 1–2 of 6 seen stored. */
function leftOver(wx: ScriptedWx, path: string, name: string, onPhone = true, extra: Partial<SavedUpload> = {}) {
  const saved: SavedUpload = {
    uploadToken: `left-${name}`,
    key: `uploads/test/${name}`,
    objectUrl: `https://bucket.example.com/uploads/test/${name}`,
    partSize: PART_BYTES,
    partCount: PART_COUNT,
    size: BIG,
    // The engine of these pages runs on the wall clock (only the page's own words are pinned).
    expiresAtMs: Date.now() + 3600_000,
    name,
    path,
    type: 'video/mp4',
    kind: 'video',
    partsDone: '1-2',
    ...extra,
  };
  wx.storage.set(fileFingerprint(saved), saved);
  if (onPhone) wx.fileSizes.set(path, BIG);
  return saved;
}

function rows(page: Rendered) {
  const data = (page.data as { resumable: Array<{ fileGone: boolean; busy: boolean }> }).resumable;
  const names = page.querySelectorAll('.resume-name');
  const notes = page.querySelectorAll('.resume-note');
  const continues = page.querySelectorAll('.btn-continue');
  const discards = page.querySelectorAll('.btn-discard');
  return data.map((row, i) => ({
    name: textOf(names[i]),
    note: textOf(notes[i]),
    continueButton: row.fileGone ? undefined : continues[data.slice(0, i).filter((r) => !r.fileGone).length],
    discardButton: discards[i],
  }));
}

describe('继续上传: uploads an earlier launch left unfinished', () => {
  it('lists each with its name, size and how far it got; a file gone from the phone says so and offers only 放弃', async () => {
    session = await openPage(UPLOAD_PAGE, {
      before: (wx) => {
        withParts(wx);
        leftOver(wx, 'http://tmp/clip.mp4', 'clip.mp4');
        leftOver(wx, 'http://tmp/gone.mp4', 'gone.mp4', false);
      },
    });
    const { page } = session;
    expect(textOf(page.querySelector('.resume-title'))).toBe(zh.resumeTitle);
    const listed = rows(page).sort((a, b) => a.name.localeCompare(b.name));
    expect(listed.map((r) => [r.name, r.note])).toEqual([
      ['clip.mp4', zh.resumeProgress(2 * PART_BYTES, BIG)],
      ['gone.mp4', zh.resumeFileGone(BIG)],
    ]);
    expect(textOf(listed[0].continueButton)).toBe(zh.continueUpload);
    expect(listed[1].continueButton).toBeUndefined();
    expect(listed.map((r) => textOf(r.discardButton))).toEqual([zh.discard, zh.discard]);
    // Nothing is sent until the person says so.
    expect(session.wx.parts).toEqual([]);
  });

  it('继续上传 moves it into the grid, where it goes on (the store is asked first); the row goes', async () => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (withParts(wx), leftOver(wx, 'http://tmp/clip.mp4', 'clip.mp4')) });
    const { page, wx } = session;
    rows(page)[0].continueButton!.dispatchEvent('tap');
    await waitFor(() => tiles(page).length === 1, 'the tile appears', WAIT_MS);
    expect(rows(page)).toEqual([]);
    expect(page.querySelector('.resume')).toBeUndefined();
    expect(wx.requests.some((r) => r.url.endsWith('/api/uploads/list'))).toBe(true);
    await waitFor(() => tiles(page)[0].actionText === zh.pause, 'it goes, with 暂停', WAIT_MS);
  });

  it('放弃 asks first; confirmed, it abandons the upload on the signer and clears it from storage', async () => {
    session = await openPage(UPLOAD_PAGE, { before: (wx) => (withParts(wx), leftOver(wx, 'http://tmp/clip.mp4', 'clip.mp4')) });
    const { page, wx } = session;
    wx.modalAnswer = false;
    rows(page)[0].discardButton!.dispatchEvent('tap');
    await waitFor(() => wx.modals.length === 1, 'it asks', WAIT_MS);
    expect(wx.modals[0]).toEqual({ title: zh.discardConfirmTitle, content: zh.discardConfirm });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(rows(page)).toHaveLength(1); // kept: the person said no

    wx.modalAnswer = true;
    rows(page)[0].discardButton!.dispatchEvent('tap');
    await waitFor(() => rows(page).length === 0, 'the row goes', WAIT_MS);
    expect(wx.requests.filter((r) => r.url.endsWith('/api/uploads/abort'))).toHaveLength(1);
    expect([...wx.storage.keys()].filter((k) => k.startsWith('multipart-upload:'))).toEqual([]);
  });

  it("the copies a killed run left are deleted, except the one a saved upload will send: 继续上传 still works after a photo is added", async () => {
    const kept = `${USER_DATA_PATH}/outgoing/earlier-1.mp4`;
    const leftover = `${USER_DATA_PATH}/outgoing/earlier-2.jpg`;
    session = await openPage(UPLOAD_PAGE, {
      before: (wx) => {
        withParts(wx);
        // A cleaned copy (原图 with the position removed) that went up in parts, and one that did not.
        wx.written.set(kept, new Uint8Array(BIG));
        wx.written.set(leftover, new Uint8Array(10));
        leftOver(wx, kept, 'clip.mp4', false, { preparedCopy: true });
      },
    });
    const { page, wx } = session;
    // A photo of this run, prepared as a copy of its own, before the person continues.
    tap(page, '.original-toggle');
    await waitFor(() => page.data.original === true, '原图 is on');
    wx.fileBytes.set('http://tmp/gps.jpg', cameraJpeg());
    wx.sheetAnswers.push(ALBUM);
    wx.picks.push({ files: [{ path: 'http://tmp/gps.jpg', size: cameraJpeg().length }] });
    tap(page, '.add-tile');
    await waitFor(() => wx.uploads.length === 1, 'the photo goes', WAIT_MS);
    expect(wx.uploads[0].filePath.startsWith(`${USER_DATA_PATH}/outgoing/`)).toBe(true);
    await waitFor(() => !wx.written.has(leftover), 'the leftover goes', WAIT_MS);
    expect(wx.written.has(wx.uploads[0].filePath)).toBe(true);
    expect(wx.written.has(kept)).toBe(true);
    expect(rows(page).map((r) => r.continueButton !== undefined)).toEqual([true]);
    rows(page)[0].continueButton!.dispatchEvent('tap');
    await waitFor(() => tiles(page).some((t) => t.actionText === zh.pause), 'it goes on', WAIT_MS);
    expect(wx.written.has(kept)).toBe(true);
    // Once it is done, its copy goes in this run, as a copy made in this run would.
    while (!tiles(page).every((t) => t.status === 'done')) {
      wx.parts.filter((p) => !p.settled).forEach((p) => p.succeed());
      wx.uploads.filter((u) => !u.settled).forEach((u) => u.succeed(204));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => !wx.written.has(kept), 'the continued copy is deleted once sent', WAIT_MS);
  });

  it('reads in English', async () => {
    session = await openPage(UPLOAD_PAGE, {
      language: 'en_US',
      before: (wx) => {
        withParts(wx);
        leftOver(wx, 'http://tmp/clip.mp4', 'clip.mp4');
      },
    });
    const [row] = rows(session.page);
    expect(textOf(session.page.querySelector('.resume-title'))).toBe(en.resumeTitle);
    expect(row.note).toBe(en.resumeProgress(2 * PART_BYTES, BIG));
    expect([textOf(row.continueButton), textOf(row.discardButton)]).toEqual([en.continueUpload, en.discard]);
  });
});

describe('the limits hint', () => {
  it('names the multipart cap where files go in parts, and the single-request one where they cannot', async () => {
    session = await openPage(UPLOAD_PAGE, { before: withParts });
    // scripted-wx's signer offers parts up to 2 GB; the single request stays at TEST_LIMITS' 20 MB.
    await waitFor(() => textOf(session!.page.querySelector('.limits')) !== zh.limitsLoading, 'the limits load');
    const mixed = { ...TEST_LIMITS, allowedTypes: ['image/*', 'video/*'] };
    expect(textOf(session.page.querySelector('.limits'))).toBe(zh.limitsHint({ ...mixed, maxBytes: 2 * 1024 ** 3 }));
    expect(textOf(session.page.querySelector('.limits'))).toContain('2 GB');
    session.close();

    session = await openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { limits: mixed }) });
    await waitFor(() => textOf(session!.page.querySelector('.limits')) !== zh.limitsLoading, 'the limits load');
    expect(textOf(session.page.querySelector('.limits'))).toBe(zh.limitsHint(mixed));
    expect(textOf(session.page.querySelector('.limits'))).toContain('20 MB');
  });
});
