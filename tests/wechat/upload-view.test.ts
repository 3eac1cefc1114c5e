// The upload page's view model: what each card offers in each state, and the
// setData patch that moves the screen (per-field paths unless the list changed).
import type { BatchProgress, UploadItem } from '../../miniprogram/shared/core/types';
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { cardView, diffCards, summaryView } from '../../miniprogram/shared/ui/upload-view';

const zh = uiMessages('zh');
const item = (id: string, extra: Partial<UploadItem> = {}): UploadItem => ({
  id,
  file: { path: `wxfile://tmp/${id}.jpg`, name: `${id}.jpg`, size: 2048, type: 'image/jpeg', kind: 'image' },
  status: 'uploading',
  bytesSent: 0,
  totalBytes: 2048,
  percent: 0,
  attempts: 1,
  ...extra,
});
const progress = (extra: Partial<BatchProgress>): BatchProgress => ({
  total: 0, waiting: 0, uploading: 0, paused: 0, done: 0, failed: 0, cancelled: 0, bytesSent: 0, totalBytes: 0, percent: 0, ...extra,
});

describe('card view', () => {
  it('offers cancel while uploading, copy and preview when done, and retry only when a retry can help', () => {
    expect(cardView(item('a'), zh)).toMatchObject({ canCancel: true, canRetry: false, canCopy: false, statusText: '上传中', sizeText: '2 KB' });
    const done = cardView(item('a', { status: 'done', objectUrl: 'https://b.example.com/a.jpg' }), zh);
    expect(done).toMatchObject({ canCancel: false, canCopy: true, canPreview: true, objectUrl: 'https://b.example.com/a.jpg' });
    const tooLarge = { reason: 'tooLarge' as const, message: '文件超过上限', retryable: false };
    expect(cardView(item('a', { status: 'failed', error: tooLarge }), zh)).toMatchObject({ canRetry: false, errorText: '文件超过上限' });
    expect(cardView(item('a', { status: 'failed', error: { ...tooLarge, reason: 'network', retryable: true } }), zh).canRetry).toBe(true);
  });

  it('shows a type badge instead of a thumbnail for a file that is not a picture', () => {
    const pdf = item('r', { file: { path: 'wxfile://tmp_1', name: 'report.pdf', size: 1, type: 'application/pdf', kind: 'file' } });
    expect(cardView(pdf, zh)).toMatchObject({ thumb: '', badge: 'PDF' });
  });
});

describe('tile view', () => {
  it('draws the state on the picture and says under it what a person needs', () => {
    expect(cardView(item('a', { status: 'waiting' }), zh)).toMatchObject({ overlayText: '等待中', overlayHint: '', noteText: '2 KB' });
    expect(cardView(item('a', { percent: 35 }), zh)).toMatchObject({ overlayText: '35%', noteText: '2 KB' });
    const failed = cardView(item('a', { status: 'failed', error: { reason: 'network', message: '网络连接失败', retryable: true } }), zh);
    expect(failed).toMatchObject({ overlayText: '上传失败', overlayHint: '点按重试', noteText: '上传失败', noteIsError: true, errorText: '网络连接失败' });
    expect(cardView(item('a', { status: 'cancelled' }), zh)).toMatchObject({ overlayText: '已取消', overlayHint: '点按重试' });
    const cleaned = item('a', { status: 'done', objectUrl: 'https://b.example.com/a.jpg' });
    cleaned.file = { ...cleaned.file, locationRemoved: true };
    expect(cardView(cleaned, zh)).toMatchObject({ overlayText: '', noteText: '已移除位置信息', locationRemoved: true });
  });

  it('gives a screen reader the whole name and the state, in the reader\'s language', () => {
    const long = item('a', { file: { path: 'wxfile://tmp_9.jpg', name: 'IMG_20261122_101500_HDR_portrait_mode.jpg', size: 1, type: 'image/jpeg', kind: 'image' } });
    expect(cardView(long, zh).label).toBe('IMG_20261122_101500_HDR_portrait_mode.jpg，上传中');
    expect(cardView({ ...long, status: 'done' }, uiMessages('en')).label).toBe('IMG_20261122_101500_HDR_portrait_mode.jpg, Uploaded');
  });

  it('shortens a long name in the middle so the end and the extension stay', () => {
    const long = item('a', { file: { path: 'wxfile://tmp_9.jpg', name: 'IMG_20261122_101500_HDR_portrait_mode.jpg', size: 1, type: 'image/jpeg', kind: 'image' } });
    const view = cardView(long, zh);
    expect(view.name).toBe('IMG_20261122_101500_HDR_portrait_mode.jpg');
    expect(view.shortName).toMatch(/^IMG_20.*….*mode\.jpg$/);
    expect(Array.from(view.shortName).length).toBeLessThanOrEqual(15);
  });

  it('shows the picked file as the picture, not the prepared copy (deleted once sent)', () => {
    const prepared = item('a');
    prepared.file = { ...prepared.file, path: 'wxfile://usr/outgoing/1.jpg', thumbPath: 'wxfile://tmp/a.jpg', originalSize: 9000 };
    expect(cardView(prepared, zh).thumb).toBe('wxfile://tmp/a.jpg');
  });
});

describe('summary', () => {
  it('says what will be sent and what the originals weigh: 共 2 张 · 4 KB，原图 12 KB', () => {
    const a = item('a');
    a.file = { ...a.file, originalSize: 6144 };
    const b = item('b');
    b.file = { ...b.file, originalSize: 6144 };
    expect(summaryView([a, b], progress({ total: 2, uploading: 2 }), zh).sizeText).toBe('共 2 张 · 4 KB，原图 12 KB');
    expect(summaryView([item('c')], progress({ total: 1, uploading: 1 }), zh).sizeText).toBe('共 1 张 · 2 KB');
  });

  it('counts done over the files not cancelled, and enables only the buttons that make sense', () => {
    const items = [item('a', { status: 'done' }), item('b', { status: 'failed', error: { reason: 'network', message: 'x', retryable: true } }), item('c', { status: 'cancelled' })];
    const summary = summaryView(items, progress({ total: 3, done: 1, failed: 1, cancelled: 1 }), zh);
    expect(summary).toMatchObject({ countText: '已上传 1/2', failedText: '1 张失败', canRetryAll: true, canCancelAll: false, canClear: true });
    const busy = summaryView([item('a')], progress({ total: 1, uploading: 1 }), zh);
    expect(busy).toMatchObject({ canRetryAll: false, canCancelAll: true, canClear: false, failedText: '' });
  });
});

describe('diff', () => {
  it('patches only the changed fields by path', () => {
    const before = [cardView(item('a'), zh), cardView(item('b'), zh)];
    const after = [before[0], cardView(item('b', { percent: 40 }), zh)];
    expect(diffCards(before, after)).toEqual({ 'items[1].percent': 40, 'items[1].percentText': '40%', 'items[1].overlayText': '40%' });
    expect(diffCards(after, after)).toEqual({});
  });

  it('replaces the list when cards were added or removed', () => {
    const before = [cardView(item('a'), zh)];
    const after = [before[0], cardView(item('b'), zh)];
    expect(diffCards(before, after)).toEqual({ items: after });
    expect(diffCards(after, [after[1]])).toEqual({ items: [after[1]] });
  });
});
