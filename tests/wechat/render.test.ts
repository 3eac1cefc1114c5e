// Looks at the pages as a person picking photos would. Each state is driven through
// the simulator with the scripted `wx`, written out as HTML with the real WXSS (or,
// for Alipay, the real ACSS) at a 375 px phone, under the title the page set and the
// app's tab bar, and laid out by headless Chromium with a CJK font. The PNGs go to
// test-results/screens/ (named in the README) for a person to look at; the test
// measures what a person would notice: everything tappable at least 44 px, text
// contrast at least 4.5:1 (3:1 for large text) against what is really behind it,
// nothing wider than the phone, nothing wrapped that should stay on one line, one
// primary button at most, and the photo grid itself (3 square columns, 4 when wider).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, PAGE_NOW, tap, type OpenPage } from '../support/open-page';
import { PHONE_HEIGHT_PX, PHONE_WIDTH_PX, toHtml, type RenderPlatform } from '../support/render-html';
import { TEST_LIMITS, waitFor, type ScriptedWx } from '../support/scripted-wx';
import { measureLayout, type Layout } from '../support/measure-layout';
import { cameraJpeg } from '../support/camera-jpeg';
import { fileFingerprint, type SavedUpload } from '../../miniprogram/shared/core/index';

export const SCREENS_DIR = path.resolve(__dirname, '../../test-results/screens');
const SHOOTER = path.resolve(__dirname, '../support/shoot-pages.mjs');
const UPLOAD_PAGE = 'pages/upload/index';
const HISTORY_PAGE = 'pages/history/index';
/** 22rpx: below this, Chinese glyphs at phone density stop being comfortable to read. */
const MIN_READABLE_FONT_PX = 11;
/** Apple HIG and WeUI: 44 pt square for anything a finger must hit. */
const MIN_TAP_PX = 44;
/** WCAG 2.x AA: 4.5:1 for text, 3:1 for large text. */
const MIN_CONTRAST = 4.5;
const MIN_CONTRAST_LARGE = 3;
const TAB_BAR_PX = 50;
/** A tablet-width window, where the grid takes 4 columns. */
const WIDE_VIEWPORT = { width: 600, height: 900 };
/** A long camera-roll style name: it must be shortened in the middle, not widen the tile. */
const LONG_NAME = 'IMG_20261122_101500_HDR_portrait_mode_very_long_file_name_from_camera.jpg';
const zh = uiMessages('zh');
const en = uiMessages('en');
/** Pinned (local time) so 今天/昨天 never depend on when the test runs. */
const NOW = new Date(2026, 10, 22, 11, 0, 0).getTime();
const DAY = 24 * 60 * 60_000;
/** Chromium's start plus eighteen screenshots on a busy 2-core machine. */
const SHOOT_TIMEOUT_MS = 150_000;
const PHOTO_BYTES = 2_400_000;
/** Driving a state waits on the page's render timer; generous, as the machine may be busy. */
const STATE_WAIT_MS = 20_000;

const photo = (name: string) => ({ path: `http://tmp/${name}`, size: PHOTO_BYTES });
const historyEntry = (n: number, name: string, finishedAt: number, kind: HistoryEntry['kind'] = 'image'): HistoryEntry => ({
  key: `uploads/2026/11/22/${n}-${name}`,
  url: `https://bucket.example.com/uploads/2026/11/22/${n}-${name}`,
  name,
  size: 1_300_000 * n,
  type: kind === 'image' ? 'image/jpeg' : 'application/pdf',
  kind,
  finishedAt,
});

/** The "+" tile, 从相册选择, and these files. */
function addPhotos(session: OpenPage, files: Array<{ path: string; size: number }>, choice = 1 /* 从相册选择 */) {
  session.wx.sheetAnswers.push(choice);
  session.wx.picks.push({ files });
  tap(session.page, '.add-tile');
}

/** The "+" tile's sheet on WeChat: 拍照, 从相册选择, 从聊天选择文件. */
const ALBUM = 1;
const CHATS = 2;

/**
 * Six photos, one in each state a person meets: done (one cleaned of its position), failed,
 * two uploading, waiting, cancelled. From chats they keep their own names (a long one among
 * them); from the album they are shown as 照片 N · 今天 10:03.
 */
async function mixed(language?: string, source = CHATS): Promise<OpenPage> {
  const session = await openPage(UPLOAD_PAGE, { concurrency: 2, language });
  const { wx, services } = session;
  // The first photo's compressed copy still carries the camera's EXIF with GPS (a stand-in for a
  // compressImage that keeps metadata): it is cleaned before upload and its tile says so.
  wx.fileBytes.set('http://tmp/a.jpg.q80.jpg', cameraJpeg());
  addPhotos(session, ['a.jpg', 'b.jpg', 'c.jpg', LONG_NAME, 'e.jpg', 'f.jpg'].map(photo), source);
  await waitFor(() => wx.uploads.length === 2 && services.engine.items().length === 6, 'two uploads start', STATE_WAIT_MS);
  services.engine.cancel(services.engine.items()[5].id); // f: cancelled while waiting
  wx.uploads[0].succeed(204); // a: done
  wx.uploads[1].fail('timeout'); // b: failed
  await waitFor(() => wx.uploads.length === 4, 'c and the long one start', STATE_WAIT_MS);
  wx.uploads[2].progress(252_000, 720_000); // c: 35%
  wx.uploads[3].progress(576_000, 720_000); // the long one: 80%
  await waitFor(() => session.page.data.items[3]?.overlayText === '80%', '80% shows', STATE_WAIT_MS);
  return session;
}

/** A photo whose connection dropped at 40 %, waiting a minute to be tried again, beside one still going. */
async function retrying(language?: string): Promise<OpenPage> {
  const session = await openPage(UPLOAD_PAGE, { concurrency: 2, language, retryDelays: [60_000], now: () => PAGE_NOW });
  const { wx } = session;
  addPhotos(session, ['IMG_0101.jpg', 'IMG_0102.jpg'].map(photo), CHATS);
  await waitFor(() => wx.uploads.length === 2, 'two uploads start', STATE_WAIT_MS);
  wx.uploads[0].progress(288_000, 720_000);
  wx.uploads[0].fail('network');
  wx.uploads[1].progress(504_000, 720_000);
  await waitFor(() => /\D60\D/.test(session.page.data.items[0]?.label ?? ''), 'the countdown shows', STATE_WAIT_MS);
  return session;
}

const MIB = 1024 * 1024;
const PART_BYTES = 5 * MIB;
/** Above the 20 MB single-request limit: six parts. */
const BIG_BYTES = 5 * PART_BYTES + 1000;
/** Photos and videos allowed, and the scripted signer offers uploads in parts. */
const withParts = (wx: ScriptedWx) => {
  wx.health = { limits: { ...TEST_LIMITS, allowedTypes: ['image/*', 'video/*'] } };
  wx.multipart = { partSize: PART_BYTES };
};

/** Two videos in parts (the first paused by the person, the second going) and a photo, which got the slot a part of the second left. */
async function paused(language?: string): Promise<OpenPage> {
  const session = await openPage(UPLOAD_PAGE, { concurrency: 3, language, before: withParts });
  const { wx, services } = session;
  addPhotos(session, [{ path: 'http://tmp/beach-day.mp4', size: BIG_BYTES }, { path: 'http://tmp/trip.mp4', size: BIG_BYTES }, photo('IMG_0042.jpg')], CHATS);
  await waitFor(() => wx.parts.length === 3, 'three parts go', STATE_WAIT_MS);
  wx.parts.forEach((part) => part.succeed());
  await waitFor(() => wx.parts.length === 6, 'three more go', STATE_WAIT_MS);
  services.engine.pause(services.engine.items()[0].id);
  await waitFor(() => wx.parts.some((part) => !part.settled && !part.url.includes('beach-day')), 'the second video sends', STATE_WAIT_MS);
  wx.parts.filter((part) => !part.settled).slice(0, 1).forEach((part) => part.succeed());
  await waitFor(() => session.page.data.items[0]?.status === 'paused' && session.page.data.items[1]?.percent > 0, 'the paused tile and progress show', STATE_WAIT_MS);
  return session;
}

/** What an earlier launch left unfinished: one whose file is still on the phone, one whose temp file is gone. */
function leftOver(wx: ScriptedWx) {
  const entry = (name: string, partsDone: string): SavedUpload => ({
    uploadToken: `left-${name}`,
    key: `uploads/test/${name}`,
    objectUrl: `https://bucket.example.com/uploads/test/${name}`,
    partSize: PART_BYTES,
    partCount: 6,
    size: BIG_BYTES,
    expiresAtMs: Date.now() + 3600_000,
    name,
    path: `http://tmp/${name}`,
    type: 'video/mp4',
    kind: 'video',
    partsDone,
  });
  const kept = entry('VID_20261121_183055_family_dinner.mp4', '1-4');
  const gone = entry('trip.mp4', '1');
  for (const saved of [kept, gone]) wx.storage.set(fileFingerprint(saved), saved);
  wx.fileSizes.set(kept.path, BIG_BYTES);
}

interface State {
  pagePath: string;
  platform?: RenderPlatform;
  lang?: 'zh' | 'en';
  viewport?: { width: number; height: number };
  open: () => Promise<OpenPage>;
}

/** Each state: open a page, drive it, and leave it open for the snapshot. */
const STATES: Record<string, State> = {
  'upload-empty': { pagePath: UPLOAD_PAGE, open: () => openPage(UPLOAD_PAGE) },
  'upload-nine-uploading': {
    pagePath: UPLOAD_PAGE,
    open: async () => {
      const session = await openPage(UPLOAD_PAGE, { concurrency: 8 });
      addPhotos(session, Array.from({ length: 9 }, (_, i) => photo(`IMG_${2001 + i}.jpg`)));
      await waitFor(() => session.wx.uploads.length === 8, 'eight uploads start', STATE_WAIT_MS);
      session.wx.uploads.forEach((u, i) => u.progress(((i + 1) * 720_000) / 10, 720_000));
      await waitFor(() => session.page.data.items[7]?.overlayText === '80%', 'progress shows', STATE_WAIT_MS);
      return session;
    },
  },
  'upload-mixed': { pagePath: UPLOAD_PAGE, open: () => mixed() },
  'upload-twenty-done': {
    pagePath: UPLOAD_PAGE,
    open: async () => {
      const session = await openPage(UPLOAD_PAGE, { concurrency: 8 });
      addPhotos(session, Array.from({ length: 20 }, (_, i) => photo(`IMG_${3001 + i}.jpg`)));
      for (let done = 0; done < 20; ) {
        await waitFor(() => session.wx.uploads.some((u) => !u.settled), 'an upload to finish', STATE_WAIT_MS);
        session.wx.uploads.filter((u) => !u.settled).forEach((u) => (u.succeed(204), (done += 1)));
      }
      await waitFor(() => session.page.data.items.length === 20 && session.page.data.items.every((c: { status: string }) => c.status === 'done'), 'twenty done', STATE_WAIT_MS);
      return session;
    },
  },
  'upload-refused': {
    pagePath: UPLOAD_PAGE,
    open: async () => {
      const session = await openPage(UPLOAD_PAGE);
      // A PNG is never recompressed (it would lose transparency), so a huge one stays too large.
      addPhotos(session, [{ path: 'http://tmp/report.pdf', size: 500 }, { path: `http://tmp/${LONG_NAME.replace('.jpg', '.png')}`, size: TEST_LIMITS.maxBytes * 2 }], 2);
      await waitFor(() => !!session.page.querySelector('.rejections'), 'the refusals show', STATE_WAIT_MS);
      return session;
    },
  },
  'upload-signer-down': {
    pagePath: UPLOAD_PAGE,
    open: () => openPage(UPLOAD_PAGE, { before: (wx: ScriptedWx) => (wx.health = { errMsg: 'net::ERR_CONNECTION_REFUSED' }) }),
  },
  'upload-mixed-en': { pagePath: UPLOAD_PAGE, lang: 'en', open: () => mixed('en_US') },
  // The same from the album on an English phone: photos named "Photo N", picked today.
  'upload-album-en': { pagePath: UPLOAD_PAGE, lang: 'en', open: () => mixed('en_US', ALBUM) },
  // Alipay has no chat-file picker: its photos come from the album, so they carry human names.
  'upload-mixed-alipay': { pagePath: UPLOAD_PAGE, platform: 'alipay', open: () => mixed(undefined, ALBUM) },
  'upload-retrying': { pagePath: UPLOAD_PAGE, open: () => retrying() },
  'upload-retrying-en': { pagePath: UPLOAD_PAGE, lang: 'en', open: () => retrying('en_US') },
  'upload-paused': { pagePath: UPLOAD_PAGE, open: () => paused() },
  'upload-paused-en': { pagePath: UPLOAD_PAGE, lang: 'en', open: () => paused('en_US') },
  'upload-resume-list': { pagePath: UPLOAD_PAGE, open: () => openPage(UPLOAD_PAGE, { before: (wx) => (withParts(wx), leftOver(wx)) }) },
  'upload-resume-list-en': { pagePath: UPLOAD_PAGE, lang: 'en', open: () => openPage(UPLOAD_PAGE, { language: 'en_US', before: (wx) => (withParts(wx), leftOver(wx)) }) },
  'upload-resume-list-alipay': { pagePath: UPLOAD_PAGE, platform: 'alipay', open: () => openPage(UPLOAD_PAGE, { before: (wx) => (withParts(wx), leftOver(wx)) }) },
  'upload-nine-wide': {
    pagePath: UPLOAD_PAGE,
    viewport: WIDE_VIEWPORT,
    open: async () => {
      const session = await openPage(UPLOAD_PAGE);
      addPhotos(session, Array.from({ length: 9 }, (_, i) => photo(`IMG_${4001 + i}.jpg`)));
      await waitFor(() => session.page.data.items.length === 9, 'nine tiles', STATE_WAIT_MS);
      return session;
    },
  },
  'history-entries': {
    pagePath: HISTORY_PAGE,
    open: () =>
      openPage(HISTORY_PAGE, {
        now: () => NOW,
        before: (wx) =>
          wx.storage.set(HISTORY_STORAGE_KEY, [
            historyEntry(4, 'a.jpg', NOW - 20 * 60_000),
            historyEntry(3, LONG_NAME, NOW - 45 * 60_000),
            historyEntry(2, 'b.jpg', NOW - DAY),
            historyEntry(1, 'report.pdf', NOW - 3 * DAY, 'file'),
          ]),
      }),
  },
  'history-entries-en': {
    pagePath: HISTORY_PAGE,
    lang: 'en',
    open: () =>
      openPage(HISTORY_PAGE, {
        language: 'en_US',
        now: () => NOW,
        before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, [historyEntry(2, 'a.jpg', NOW - 60_000), historyEntry(1, LONG_NAME, NOW - DAY)]),
      }),
  },
  'history-entries-alipay': {
    pagePath: HISTORY_PAGE,
    platform: 'alipay',
    open: () =>
      openPage(HISTORY_PAGE, {
        now: () => NOW,
        before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, [historyEntry(2, 'a.jpg', NOW - 60_000), historyEntry(1, 'b.jpg', NOW - DAY)]),
      }),
  },
  'history-empty': { pagePath: HISTORY_PAGE, open: () => openPage(HISTORY_PAGE) },
};

const layouts: Record<string, Layout> = {};

beforeAll(async () => {
  fs.mkdirSync(SCREENS_DIR, { recursive: true });
  const shots = [];
  for (const [name, state] of Object.entries(STATES)) {
    const session = await state.open();
    try {
      const html = path.join(SCREENS_DIR, `${name}.html`);
      const options = { pagePath: state.pagePath, title: name, platform: state.platform, lang: state.lang, navTitle: session.wx.title, tabTexts: session.wx.tabTexts };
      fs.writeFileSync(html, toHtml(session.page, options));
      shots.push({ name, html, png: path.join(SCREENS_DIR, `${name}.png`), viewport: state.viewport });
    } finally {
      // The engine outlives the page: stopped, so nothing of this state reaches the next one's wx.
      session.services.engine.cancelAll();
      session.close();
    }
  }
  const job = { shots, measure: measureLayout.toString(), viewport: { width: PHONE_WIDTH_PX, height: PHONE_HEIGHT_PX } };
  const results: Layout[] = JSON.parse(execFileSync(process.execPath, [SHOOTER], { input: JSON.stringify(job), timeout: SHOOT_TIMEOUT_MS }).toString());
  shots.forEach((shot, i) => (layouts[shot.name] = results[i]));
}, SHOOT_TIMEOUT_MS + 20 * STATE_WAIT_MS);

/** What every screen owes a person, whatever its state. */
function expectUsable(layout: Layout, width = PHONE_WIDTH_PX) {
  expect(layout.overflowing).toEqual([]);
  expect(layout.scrollWidth).toBeLessThanOrEqual(width);
  expect(layout.smallestFontPx).toBeGreaterThanOrEqual(MIN_READABLE_FONT_PX);
  expect(layout.tapTargets.filter((t) => t.width < MIN_TAP_PX || t.height < MIN_TAP_PX)).toEqual([]);
  expect(layout.contrasts.filter((c) => c.ratio < (c.large ? MIN_CONTRAST_LARGE : MIN_CONTRAST))).toEqual([]);
  expect(layout.primaries.length).toBeLessThanOrEqual(1);
  expect(layout.wrapped).toEqual([]);
}

function expectChrome(layout: Layout, title: string, tabs: string[], selected: number, selectedColor: string) {
  expect(layout.navTitle).toBe(title);
  expect(layout.tabs.map((t) => t.text)).toEqual(tabs);
  expect(layout.tabs[selected].color).toBe(selectedColor);
}

const WECHAT_TAB = 'rgb(6, 125, 64)';
const ALIPAY_TAB = 'rgb(18, 100, 224)';

describe('the pages as a person sees them (headless Chromium, 375 px)', () => {
  it('upload, empty: the + tile is in the grid, the hint names no button, the real title and tab bar', () => {
    const layout = layouts['upload-empty'];
    expectUsable(layout);
    expectChrome(layout, zh.uploadTitle, zh.tabs, 0, WECHAT_TAB);
    expect(layout.texts['empty-hint']).toBe(zh.emptyHint);
    const add = layout.tapTargets.find((t) => t.name === 'grid-cell')!;
    expect(add.label).toBe(zh.add);
    expect(layout.primaries).toEqual([]); // nothing to retry: no primary button at all
  });

  it('upload, nine photos uploading: a 3-column grid of squares on the first screen, progress on each', () => {
    const layout = layouts['upload-nine-uploading'];
    expectUsable(layout);
    expect(layout.tiles).toHaveLength(9);
    expect(layout.columns).toBe(3);
    for (const tile of layout.tiles) expect(Math.abs(tile.squareWidth - tile.squareHeight)).toBeLessThan(1);
    expect(layout.tiles[0].squareWidth).toBeGreaterThan(100);
    expect(layout.tiles.map((t) => t.overlay)).toEqual(['10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', zh.status.waiting]);
    const lastBottom = Math.max(...layout.tiles.map((t) => t.top + t.width));
    expect(lastBottom).toBeLessThan(PHONE_HEIGHT_PX - TAB_BAR_PX); // no scrolling to see the ninth
    expect(layout.texts['summary-size']).toBe(zh.sizeLine(9, 9 * 720_000, 9 * PHOTO_BYTES, true));
  });

  it('upload, mixed states: each tile says its state on the picture; a long name is cut in the middle; one primary', () => {
    const layout = layouts['upload-mixed'];
    expectUsable(layout);
    expect(layout.tiles.map((t) => t.status)).toEqual(['done', 'failed', 'uploading', 'uploading', 'waiting', 'cancelled']);
    expect(layout.tiles.map((t) => t.overlay)).toEqual(['', zh.status.failed, '35%', '80%', zh.status.waiting, zh.status.cancelled]);
    expect(layout.tiles[0].note).toBe(zh.locationRemoved);
    expect(layout.tiles[3].name).toMatch(/^IMG_.*….*\.jpg$/);
    expect(layout.tiles[3].nameTruncated).toBe(false); // shortened by us, not cut by CSS
    expect(layout.primaries).toEqual([zh.retryAll]);
    expect(layout.tapTargets.filter((t) => t.name === 'corner')).toHaveLength(6);
    // Six tiles, "已上传 1/5": the count says why it is out of five.
    expect(layout.texts['summary-count']).toBe(zh.doneCount(1, 5));
    expect(layout.texts['summary-cancelled']).toBe(zh.cancelledCount(1, true));
  });

  it('upload, twenty done: the + tile leaves the full grid', () => {
    const layout = layouts['upload-twenty-done'];
    expectUsable(layout);
    expect(layout.tiles).toHaveLength(20);
    expect(layout.tiles.every((t) => t.status === 'done')).toBe(true);
    expect(layout.tapTargets.some((t) => t.label === zh.add)).toBe(false);
    expect(layout.texts['summary-count']).toBe(zh.doneCount(20, 20));
  });

  it('upload, refused before upload: each file named, the reason in words, not a MIME type', () => {
    const layout = layouts['upload-refused'];
    expectUsable(layout);
    expect(layout.texts['rejections-title']).toBe(zh.rejectedTitle(2));
    const messages = layout.contrasts.filter((c) => c.name === 'rejection-message').map((c) => c.text);
    expect(messages[0]).toBe('PDF 文件不能上传，只能上传照片');
    expect(messages.join()).not.toMatch(/application\//);
  });

  it('upload, signer down: plain words and a quiet reconnect, the + tile disabled', () => {
    const layout = layouts['upload-signer-down'];
    expectUsable(layout);
    expect(layout.texts['notice-text']).toBe(zh.signerDown);
    expect(layout.primaries).toEqual([]);
    expect(layout.tapTargets.find((t) => t.label === zh.add)).toBeDefined();
  });

  it('English: the same screen fits without a wrapped label', () => {
    const layout = layouts['upload-mixed-en'];
    expectUsable(layout);
    expectChrome(layout, en.uploadTitle, en.tabs, 0, WECHAT_TAB);
    expect(layout.tiles.map((t) => t.overlay)).toEqual(['', 'Failed', '35%', '80%', 'Waiting', 'Cancelled']);
    expect(layout.tiles[0].note).toBe(en.locationRemoved);
    expect(layout.primaries).toEqual([en.retryAll]);
  });

  it('English album photos: each tile names the photo and its time whole, not cut to "Photo 1 · Today 1…"', () => {
    const layout = layouts['upload-album-en'];
    expectUsable(layout);
    expect(layout.tiles.filter((t) => t.nameTruncated).map((t) => t.name)).toEqual([]);
    expect(layout.tiles.map((t) => t.name)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Photo ${n} · 10:03`));
    // Chinese tiles keep their day, and fit too (twenty of them, 照片 10 and up included).
    expect(layouts['upload-twenty-done'].tiles.filter((t) => t.nameTruncated)).toEqual([]);
  });

  it('Alipay: the same grid with its own accent, title and tab bar', () => {
    const layout = layouts['upload-mixed-alipay'];
    expectUsable(layout);
    expectChrome(layout, zh.uploadTitle, zh.tabs, 0, ALIPAY_TAB);
    expect(layout.tiles).toHaveLength(6);
    expect(layout.primaries).toEqual([zh.retryAll]);
  });

  it('upload, a file in parts paused: 已暂停 and how far on the picture, 继续 under it; 暂停 on the one going; none on a photo', () => {
    const layout = layouts['upload-paused'];
    expectUsable(layout);
    expect(layout.tiles.map((t) => t.status)).toEqual(['paused', 'uploading', 'uploading']);
    expect(layout.tiles[0].overlay).toMatch(new RegExp(`^${zh.status.paused} \\d+%$`));
    const actions = layout.tapTargets.filter((t) => t.name === 'action');
    expect(actions.map((t) => t.label.split('，')[0])).toEqual([zh.resume, zh.pause]);
    expect(layout.texts['summary-cancelled']).toBe(zh.pausedCount(1));
    const english = layouts['upload-paused-en'];
    expectUsable(english);
    expect(english.tapTargets.filter((t) => t.name === 'action').map((t) => t.label.split('，')[0])).toEqual([en.resume, en.pause]);
  });

  it('upload, a dropped photo waiting to be tried again: its percent stays, the caption says why and when, in Chinese and English', () => {
    for (const [name, t] of [['upload-retrying', zh], ['upload-retrying-en', en]] as const) {
      const layout = layouts[name];
      expectUsable(layout);
      expect(layout.tiles.map((tile) => tile.status)).toEqual(['uploading', 'uploading']);
      expect(layout.tiles[0].overlay).toBe('40%');
      // The caption's width holds the reason; the countdown is on the picture (and the whole sentence in the label).
      expect(layout.tiles[0].note).toBe(t.retryReason('network'));
      expect(layout.tapTargets.find((target) => target.label.includes(t.retryNote('network', 60)))).toBeDefined();
      expect(layout.tiles[1].overlay).toBe('70%');
    }
  });

  it('upload, 继续上传 list: each unfinished upload with its size and how far, a gone file said plainly with only 放弃', () => {
    for (const [name, t] of [['upload-resume-list', zh], ['upload-resume-list-en', en], ['upload-resume-list-alipay', zh]] as const) {
      const layout = layouts[name];
      expectUsable(layout);
      expect(layout.texts['resume-title']).toBe(t.resumeTitle);
      const buttons = layout.tapTargets.filter((b) => /btn-(continue|discard)/.test(b.name)).map((b) => b.label);
      expect(buttons.sort()).toEqual([t.continueUpload, t.discard, t.discard].sort());
      const notes = layout.contrasts.filter((c) => c.name.startsWith('resume-note')).map((c) => c.text);
      expect(notes.some((n) => n === t.resumeFileGone(BIG_BYTES))).toBe(true);
    }
  });

  it('a wider screen gets 4 columns', () => {
    const layout = layouts['upload-nine-wide'];
    expectUsable(layout, WIDE_VIEWPORT.width);
    expect(layout.columns).toBe(4);
  });

  it('history: 今天 / 昨天 / a date, names cut in the middle, 44 px delete, and a quiet 清空', () => {
    const layout = layouts['history-entries'];
    expectUsable(layout);
    expectChrome(layout, zh.historyTitle, zh.tabs, 1, WECHAT_TAB);
    expect(layout.days).toEqual(['今天', '昨天', '11月19日']);
    expect(layout.entries.map((e) => e.day)).toEqual(['今天', '今天', '昨天', '11月19日']);
    expect(layout.entries[1].name).toMatch(/….*\.jpg$/);
    expect(layout.entries.filter((e) => e.nameTruncated)).toEqual([]); // shortened by us, so CSS never cuts the extension off
    expect(layout.entries.every((e) => e.nameInsideEntry)).toBe(true);
    expect(layout.tapTargets.filter((t) => t.name === 'btn-delete')).toHaveLength(4);
    expect(layout.primaries).toEqual([]);
    const clear = layout.contrasts.find((c) => c.name === 'btn-clear-history')!;
    expect(clear.text).toBe(zh.historyClear);
  });

  it('history in English and on Alipay, and empty', () => {
    const english = layouts['history-entries-en'];
    expectUsable(english);
    expect(english.days).toEqual(['Today', 'Yesterday']);
    const alipay = layouts['history-entries-alipay'];
    expectUsable(alipay);
    expectChrome(alipay, zh.historyTitle, zh.tabs, 1, ALIPAY_TAB);
    const empty = layouts['history-empty'];
    expectUsable(empty);
    expect(empty.texts['empty-title']).toBe(zh.historyEmptyTitle);
  });
});
