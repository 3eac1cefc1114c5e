// What the upload page renders, computed from the engine's state, and the
// smallest setData patch that moves the screen from one state to the next
// (`items[3].percent` rather than the whole list) so progress never freezes the UI.
import type { BatchProgress, UploadItem } from '../core/index';
import { extensionOf } from '../core/index';
import { formatBytes, type UiMessages } from './i18n';
import { displayName } from './display-name';

/** One card's data, flat so a path update can change one field. */
export interface CardView {
  id: string;
  name: string;
  sizeText: string;
  /** Image (or video thumbnail) to show; '' shows the file-type badge instead. */
  thumb: string;
  /** Short badge for files without a thumbnail: "PDF", "ZIP"… */
  badge: string;
  status: UploadItem['status'];
  statusText: string;
  percent: number;
  percentText: string;
  errorText: string;
  objectUrl: string;
  canCancel: boolean;
  canRetry: boolean;
  canCopy: boolean;
  canPreview: boolean;
}

export interface SummaryView {
  hasItems: boolean;
  percent: number;
  countText: string;
  failedText: string;
  canRetryAll: boolean;
  canCancelAll: boolean;
  canClear: boolean;
}

/** Longest badge that fits the card's icon square. */
const BADGE_MAX_CHARS = 4;

/** "PDF", "ZIP"…: what stands in the thumbnail square for a file without a picture. */
export function fileBadge(name: string): string {
  return (extensionOf(name) || 'FILE').slice(0, BADGE_MAX_CHARS).toUpperCase();
}

/** `now`: the clock a temp-named photo's "今天 10:03" is worded against. */
export function cardView(item: UploadItem, t: UiMessages, now: number = Date.now()): CardView {
  const { file, status } = item;
  const thumb = file.kind === 'image' ? file.path : file.thumbPath ?? '';
  const badge = fileBadge(file.name);
  const done = status === 'done';
  const linkFailed = done && item.link?.state === 'failed';
  return {
    id: item.id,
    name: displayName(file, t.lang, now),
    sizeText: formatBytes(file.size),
    thumb,
    badge,
    status,
    // Quiet for a while: say so rather than leave a frozen "上传中 99%" (it is retried if it stays quiet).
    statusText: status === 'uploading' && item.slow ? t.waitingForNetwork : t.status[status],
    percent: item.percent,
    percentText: `${item.percent}%`,
    // A private bucket's link that could not be signed: the upload is done, the link is retryable.
    errorText: status === 'failed' && item.error ? item.error.message : linkFailed ? (item.link?.error?.message ?? '') : '',
    objectUrl: done && item.objectUrl ? item.objectUrl : '',
    canCancel: status === 'waiting' || status === 'uploading',
    canRetry: status === 'failed' ? item.error?.retryable !== false : status === 'cancelled' || linkFailed,
    canCopy: done && !!item.objectUrl,
    canPreview: done && !!item.objectUrl && file.kind === 'image',
  };
}

export function summaryView(items: readonly UploadItem[], progress: BatchProgress, t: UiMessages): SummaryView {
  const inFlight = progress.waiting + progress.uploading;
  const counted = progress.total - progress.cancelled;
  return {
    hasItems: items.length > 0,
    percent: progress.percent,
    countText: items.length > 0 ? t.doneCount(progress.done, counted) : '',
    failedText: progress.failed > 0 ? t.failedCount(progress.failed) : '',
    canRetryAll: items.some((item) => (item.status === 'failed' && item.error?.retryable !== false) || item.link?.state === 'failed'),
    canCancelAll: inFlight > 0,
    // Clearing while files are still going would hide uploads that keep running.
    canClear: items.length > 0 && inFlight === 0,
  };
}

export type Patch = Record<string, unknown>;

/**
 * The setData patch from `before` to `after`: the whole list when cards were
 * added, removed or reordered, otherwise only the fields that changed.
 */
export function diffCards(before: readonly CardView[], after: readonly CardView[]): Patch {
  const sameCards = before.length === after.length && before.every((card, i) => card.id === after[i].id);
  if (!sameCards) return { items: after };
  const patch: Patch = {};
  after.forEach((card, i) => {
    const old = before[i] as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(card)) {
      if (old[field] !== value) patch[`items[${i}].${field}`] = value;
    }
  });
  return patch;
}

export function diffFields<T extends object>(prefix: string, before: T, after: T): Patch {
  const patch: Patch = {};
  const old = before as Record<string, unknown>;
  for (const [field, value] of Object.entries(after)) {
    if (old[field] !== value) patch[`${prefix}.${field}`] = value;
  }
  return patch;
}
