// The whole batch at a glance, for the overall bar and "3/9 已完成".
import type { BatchProgress, UploadItem } from './types';

/** Counts per status and a byte-weighted percent over the files that are not cancelled (failed ones count as unsent). */
export function batchProgress(items: readonly UploadItem[]): BatchProgress {
  const progress: BatchProgress = {
    total: items.length,
    waiting: 0,
    uploading: 0,
    paused: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
    bytesSent: 0,
    totalBytes: 0,
    percent: 0,
  };
  for (const item of items) {
    progress[item.status] += 1;
    if (item.status === 'cancelled') continue;
    progress.totalBytes += item.totalBytes;
    progress.bytesSent += item.bytesSent;
  }
  progress.percent = progress.totalBytes > 0 ? Math.floor((progress.bytesSent * 100) / progress.totalBytes) : 0;
  return progress;
}
