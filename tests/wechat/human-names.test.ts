// Issue 9 G on the pages: photos that came with only a temp name are shown as
// "照片 N · 今天 10:03" on cards, in the list of refused files and in the history
// (worded against today, so yesterday's photo reads 昨天); chat files keep their name.
import { HISTORY_STORAGE_KEY, type HistoryEntry } from '../../miniprogram/shared/core/history';
import { openPage, PAGE_NOW, tap, textOf, type OpenPage } from '../support/open-page';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';

const DAY_MS = 24 * 60 * 60 * 1000;
let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

const entry = (n: number, extra: Partial<HistoryEntry>): HistoryEntry => ({
  key: `uploads/2026/11/22/${n}.png`,
  url: `https://bucket.example.com/uploads/2026/11/22/${n}.png`,
  name: `tmp_${'0'.repeat(31)}${n}.png`,
  size: 1000,
  type: 'image/png',
  kind: 'image',
  finishedAt: PAGE_NOW - n * 60_000,
  ...extra,
});

it('history names temp-named photos by number and pick time, yesterday as 昨天; a chat file keeps its name', async () => {
  const stored = [
    entry(1, { label: { number: 2, pickedAt: PAGE_NOW - 60_000 } }),
    entry(2, { label: { number: 7, pickedAt: PAGE_NOW - DAY_MS } }),
    entry(3, { name: '合同.pdf', type: 'application/pdf', kind: 'file' }),
    // A label that is not one (an edited store) is dropped, not the entry.
    entry(4, { label: { number: -1, pickedAt: Number.NaN } as never, name: 'IMG_0004.png' }),
  ];
  session = await openPage('pages/history/index', { before: (wx) => wx.storage.set(HISTORY_STORAGE_KEY, JSON.parse(JSON.stringify(stored))) });
  expect(session.page.querySelectorAll('.entry-name').map(textOf)).toEqual(['照片 2 · 今天 10:02', '照片 7 · 昨天 10:03', '合同.pdf', 'IMG_0004.png']);
});

it('refused photos are listed by their human name too', async () => {
  session = await openPage('pages/upload/index');
  const { page, wx } = session;
  // A PNG, as a JPEG this large would be compressed (原图 off) to within the limit.
  wx.picks.push({ files: [{ path: 'wxfile://tmp_aaaa.jpg', size: 10 }, { path: 'wxfile://tmp_bbbb.png', size: TEST_LIMITS.maxBytes * 2 }] });
  wx.sheetAnswers.push(1); // the + tile's sheet: 从相册选择
  tap(page, '.add-tile');
  await waitFor(() => !!page.querySelector('.rejections'), 'the rejections show');
  expect(page.querySelectorAll('.rejection-name').map(textOf)).toEqual(['照片 2 · 今天 10:03']);
  const names = () => page.querySelectorAll('.grid-cell').filter((cell) => !!cell.querySelector('.tile')).map((cell) => textOf(cell.querySelector('.name')));
  await waitFor(() => names().length === 1, 'one card');
  expect(names()).toEqual(['照片 1 · 今天 10:03']);
});
