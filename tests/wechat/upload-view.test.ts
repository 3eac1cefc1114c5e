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
  total: 0, waiting: 0, uploading: 0, done: 0, failed: 0, cancelled: 0, bytesSent: 0, totalBytes: 0, percent: 0, ...extra,
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

describe('summary', () => {
  it('counts done over the files not cancelled, and enables only the buttons that make sense', () => {
    const items = [item('a', { status: 'done' }), item('b', { status: 'failed', error: { reason: 'network', message: 'x', retryable: true } }), item('c', { status: 'cancelled' })];
    const summary = summaryView(items, progress({ total: 3, done: 1, failed: 1, cancelled: 1 }), zh);
    expect(summary).toMatchObject({ countText: '1/2 已完成', failedText: '1 个失败', canRetryAll: true, canCancelAll: false, canClear: true });
    const busy = summaryView([item('a')], progress({ total: 1, uploading: 1 }), zh);
    expect(busy).toMatchObject({ canRetryAll: false, canCancelAll: true, canClear: false, failedText: '' });
  });
});

describe('diff', () => {
  it('patches only the changed fields by path', () => {
    const before = [cardView(item('a'), zh), cardView(item('b'), zh)];
    const after = [before[0], cardView(item('b', { percent: 40 }), zh)];
    expect(diffCards(before, after)).toEqual({ 'items[1].percent': 40, 'items[1].percentText': '40%' });
    expect(diffCards(after, after)).toEqual({});
  });

  it('replaces the list when cards were added or removed', () => {
    const before = [cardView(item('a'), zh)];
    const after = [before[0], cardView(item('b'), zh)];
    expect(diffCards(before, after)).toEqual({ items: after });
    expect(diffCards(after, [after[1]])).toEqual({ items: [after[1]] });
  });
});
