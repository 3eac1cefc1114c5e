// Looks at the pages: each state is driven through the simulator with the scripted
// `wx`, written out as HTML with the real WXSS (rpx at a 375 px phone) and laid out
// by headless Chromium, which screenshots it to test-results/wechat-render/*.png for
// a person to look at, and measures what a person would notice: nothing wider than
// the phone, long names cut with an ellipsis inside their card, every card's buttons
// inside the card, the reason of a failure on screen next to a retry button,
// disabled buttons that look disabled, and no text too small to read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import { failureMessage } from '../../miniprogram/shared/core/messages';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, tap, type OpenPage } from '../support/open-page';
import { PHONE_HEIGHT_PX, PHONE_WIDTH_PX, toHtml } from '../support/render-html';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';
import { measureLayout, type Layout } from '../support/measure-layout';

const OUT_DIR = path.resolve(__dirname, '../../test-results/wechat-render');
const SHOOTER = path.resolve(__dirname, '../support/shoot-pages.mjs');
const UPLOAD_PAGE = 'pages/upload/index';
const HISTORY_PAGE = 'pages/history/index';
/** 22rpx: below this, Chinese glyphs at phone density stop being comfortable to read. */
const MIN_READABLE_FONT_PX = 11;
/** A long camera-roll style name: it must be cut with an ellipsis, not widen the card. */
const LONG_NAME = 'IMG_20261122_101500_HDR_portrait_mode_very_long_file_name_from_camera.jpg';
const zh = uiMessages('zh');
/** Pinned so the history's "time" column never depends on when the test runs. */
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
/** Chromium's start plus six screenshots on a busy 2-core machine. */
const SHOOT_TIMEOUT_MS = 60_000;

const photo = (name: string) => ({ path: `http://tmp/${name}`, size: 2_400_000 });
const historyEntry = (n: number, name: string, kind: HistoryEntry['kind'] = 'image'): HistoryEntry => ({
  key: `uploads/2026/11/22/${n}-${name}`,
  url: `https://bucket.example.com/uploads/2026/11/22/${n}-${name}`,
  name,
  size: 1_300_000 * n,
  type: kind === 'image' ? 'image/jpeg' : 'application/pdf',
  kind,
  finishedAt: T0 + n * 60_000,
});

/** Each state: open a page, drive it, and leave it open for the snapshot. */
const STATES: Record<string, { pagePath: string; open: () => Promise<OpenPage> }> = {
  'upload-empty': { pagePath: UPLOAD_PAGE, open: () => openPage(UPLOAD_PAGE) },
  'upload-six-states': {
    pagePath: UPLOAD_PAGE,
    open: async () => {
      // Two at a time, so one file is still waiting while two upload.
      const session = await openPage(UPLOAD_PAGE, { concurrency: 2 });
      const { page, wx } = session;
      wx.picks.push({ files: ['a.jpg', 'b.jpg', 'c.jpg', LONG_NAME, 'e.jpg', 'f.jpg'].map(photo) });
      tap(page, '.btn-add');
      await waitFor(() => wx.uploads.length === 2 && page.querySelectorAll('.grid-cell').length === 6, 'two uploads start');
      page.querySelectorAll('.grid-cell')[5].querySelector('.action-cancel')!.dispatchEvent('tap'); // f: cancelled while waiting
      wx.uploads[0].progress(2_400_000, 2_400_000);
      wx.uploads[0].succeed(204); // a: done
      wx.uploads[1].fail('timeout'); // b: failed
      await waitFor(() => wx.uploads.length === 4, 'c and the long one start');
      wx.uploads[2].progress(840_000, 2_400_000); // c: 35%
      wx.uploads[3].progress(1_920_000, 2_400_000); // long name: 80%
      await waitFor(() => page.querySelectorAll('.grid-cell').some((c) => (c.querySelector('.percent')?.dom as HTMLElement | undefined)?.textContent === '80%'), '80% shows');
      return session;
    },
  },
  'upload-rejected': {
    pagePath: UPLOAD_PAGE,
    open: async () => {
      const session = await openPage(UPLOAD_PAGE);
      const { page, wx } = session;
      wx.picks.push({ files: [{ path: 'http://tmp/report.pdf', size: 500 }, { path: `http://tmp/${LONG_NAME}`, size: TEST_LIMITS.maxBytes * 2 }] });
      tap(page, '.btn-chat');
      await waitFor(() => !!page.querySelector('.rejections'), 'the rejections show');
      return session;
    },
  },
  'upload-signer-down': {
    pagePath: UPLOAD_PAGE,
    open: () => openPage(UPLOAD_PAGE, { before: (wx) => (wx.health = { errMsg: 'net::ERR_CONNECTION_REFUSED' }) }),
  },
  'history-entries': {
    pagePath: HISTORY_PAGE,
    open: () =>
      openPage(HISTORY_PAGE, {
        before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, [historyEntry(3, 'a.jpg'), historyEntry(2, LONG_NAME), historyEntry(1, 'report.pdf', 'file')]),
      }),
  },
  'history-empty': { pagePath: HISTORY_PAGE, open: () => openPage(HISTORY_PAGE) },
};

const layouts: Record<string, Layout> = {};

beforeAll(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const shots = [];
  for (const [name, state] of Object.entries(STATES)) {
    const session = await state.open();
    try {
      const html = path.join(OUT_DIR, `${name}.html`);
      fs.writeFileSync(html, toHtml(session.page, { pagePath: state.pagePath, title: name }));
      shots.push({ name, html, png: path.join(OUT_DIR, `${name}.png`) });
    } finally {
      session.close();
    }
  }
  const job = { shots, measure: measureLayout.toString(), viewport: { width: PHONE_WIDTH_PX, height: PHONE_HEIGHT_PX } };
  const results: Layout[] = JSON.parse(execFileSync(process.execPath, [SHOOTER], { input: JSON.stringify(job), timeout: SHOOT_TIMEOUT_MS }).toString());
  shots.forEach((shot, i) => (layouts[shot.name] = results[i]));
}, SHOOT_TIMEOUT_MS + 10_000);

function expectReadable(layout: Layout) {
  expect(layout.overflowing).toEqual([]);
  expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE_WIDTH_PX);
  expect(layout.smallestFontPx).toBeGreaterThanOrEqual(MIN_READABLE_FONT_PX);
}

describe('the pages as a person sees them (headless Chromium)', () => {
  it('upload page, empty: the add button leads and the hint explains what to do', () => {
    const layout = layouts['upload-empty'];
    expectReadable(layout);
    const add = layout.buttons.find((b) => b.name === 'btn-add')!;
    expect(add).toMatchObject({ disabled: false, text: zh.addPhotos });
    expect(add.top).toBeLessThan(PHONE_HEIGHT_PX / 3); // the primary action is on the first screen, high up
    expect(add.width).toBeGreaterThan(PHONE_WIDTH_PX / 2);
    expect(layout.texts['empty-hint']).toBe(zh.emptyHint);
  });

  it('upload page with six files in every state', () => {
    const layout = layouts['upload-six-states'];
    expectReadable(layout);
    expect(layout.cards.map((c) => c.status)).toEqual([
      zh.status.done, zh.status.failed, zh.status.uploading, zh.status.uploading, zh.status.waiting, zh.status.cancelled,
    ]);
    expect(layout.cards.map((c) => c.percent)).toEqual(['', '', '35%', '80%', '0%', '']);
    for (const card of layout.cards) {
      expect(card.nameInsideCard).toBe(true);
      expect(card.actionsInsideCard).toBe(true);
      expect(card.overlaps).toEqual([]);
    }
    // Photos are shown as "照片 4 · 今天 10:03", which fits; a long name (a chat file's) is cut in the history state.
    expect(layout.cards.map((c) => c.nameTruncated)).toEqual(Array(6).fill(false));
    expect(layout.cards[1].error).toBe(failureMessage('timeout', 'zh'));
    expect(layout.cards[1].actions).toContain(zh.retry);
    const clear = layout.buttons.find((b) => b.name === 'btn-clear')!;
    const cancelAll = layout.buttons.find((b) => b.name === 'btn-cancel-all')!;
    expect(clear.disabled).toBe(true); // nothing to clear while files upload
    expect(clear.color).not.toBe(cancelAll.color); // and it looks it
  });

  it('upload page with rejected files: the message names each file and why', () => {
    const layout = layouts['upload-rejected'];
    expectReadable(layout);
    expect(layout.texts['rejections-title']).toBe(zh.rejectedTitle(2));
  });

  it('upload page when the signer is unreachable: the add buttons look disabled', () => {
    const layout = layouts['upload-signer-down'];
    expectReadable(layout);
    const add = layout.buttons.find((b) => b.name === 'btn-add')!;
    expect(add.disabled).toBe(true);
    expect(add.background).not.toBe('rgb(7, 193, 96)'); // no longer the green call to action
  });

  it('history page with entries and with none', () => {
    const full = layouts['history-entries'];
    expectReadable(full);
    expect(full.entries.every((e) => e.nameInsideEntry)).toBe(true);
    expect(full.entries[1].nameTruncated).toBe(true);
    const empty = layouts['history-empty'];
    expectReadable(empty);
    expect(empty.texts['empty-title']).toBe(zh.historyEmptyTitle);
  });
});
