// What the upload page renders, computed from the engine's state, and the
// smallest setData patch that moves the screen from one state to the next
// (`items[3].percent` rather than the whole list) so progress never freezes the UI.
// The page is a grid of square tiles (WeChat's own photo picker, Vant's uploader):
// each tile carries its state on the picture, a caption under it, and an × corner.
import type { BatchProgress, UploadItem } from '../core/index';
import { extensionOf, linkRetryable } from '../core/index';
import { formatBytes, type UiMessages } from './i18n';
import { middleEllipsis } from './middle-ellipsis';
import { displayName, tileName } from './display-name';

/** One tile's data, flat so a path update can change one field. */
export interface CardView {
  id: string;
  /** The name as the engine (or the controller) gives it; shown shortened, kept whole for the label. */
  name: string;
  /** `name` shortened in the middle so the end (and the extension) stays visible. */
  shortName: string;
  sizeText: string;
  /** Image (or video thumbnail) to show; '' shows the file-type badge instead. */
  thumb: string;
  /** Short badge for files without a thumbnail: "PDF", "ZIP"… */
  badge: string;
  status: UploadItem['status'];
  statusText: string;
  /** What a screen reader says of the tile: the whole name and the state, joined the language's way. */
  label: string;
  percent: number;
  percentText: string;
  /** The reason of a failure, shown when the tile is tapped (and as the caption). */
  errorText: string;
  /** The caption's second line: the size, 已移除位置信息, or the failure in short. */
  noteText: string;
  /** The note is a warning (a failure): drawn in the failure colour. */
  noteIsError: boolean;
  /** What the overlay on the picture says: 等待中, 35%, 上传失败, 已取消; '' for none. */
  overlayText: string;
  /** The overlay's second line when a tap retries: 点按重试. */
  overlayHint: string;
  locationRemoved: boolean;
  objectUrl: string;
  canCancel: boolean;
  /** An upload in parts while it goes (暂停), and while paused (继续); single-request uploads have neither. */
  canPause: boolean;
  canResume: boolean;
  /** The tile's button under the caption: 暂停 / 继续, '' when it has none. */
  actionText: string;
  canRetry: boolean;
  canCopy: boolean;
  canPreview: boolean;
}

export interface SummaryView {
  hasItems: boolean;
  percent: number;
  countText: string;
  failedText: string;
  pausedText: string;
  /** 1 张已取消: says why the count is out of fewer photos than the grid shows. */
  cancelledText: string;
  /** 共 9 张 · 4.1 MB，原图 31 MB */
  sizeText: string;
  canRetryAll: boolean;
  canCancelAll: boolean;
  canClear: boolean;
}

/** Longest badge that fits the tile's icon square. */
const BADGE_MAX_CHARS = 4;
/**
 * Narrow characters a tile caption shows at 375 px: a 3-column tile is ~108 px, the
 * caption 12 px, a Latin character ~6.5 px wide.
 */
export const TILE_NAME_BUDGET = 15;

/** "PDF", "ZIP"…: what stands in the thumbnail square for a file without a picture. */
export function fileBadge(name: string): string {
  return (extensionOf(name) || 'FILE').slice(0, BADGE_MAX_CHARS).toUpperCase();
}

function overlayText(status: UploadItem['status'], percentText: string, t: UiMessages): string {
  if (status === 'uploading') return percentText;
  if (status === 'paused') return `${t.status.paused} ${percentText}`;
  return status === 'done' ? '' : t.status[status];
}

/** Whole seconds until a retry at `at` (rounded up: "1 秒" until it starts), 0 once it is due. */
export function retrySeconds(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** `now`: the clock a temp-named photo's "今天 10:03" is worded against, and a retry's countdown. */
export function cardView(item: UploadItem, t: UiMessages, now: number = Date.now()): CardView {
  const { file, status } = item;
  // A prepared photo keeps the picked file as its picture (thumbPath): the prepared copy is deleted once sent.
  const thumb = file.kind === 'image' ? (file.thumbPath ?? file.path) : (file.thumbPath ?? '');
  const done = status === 'done';
  const linkFailed = done && item.link?.state === 'failed';
  const errorText = status === 'failed' && item.error ? item.error.message : linkFailed ? (item.link?.error?.message ?? '') : '';
  const canRetry = status === 'failed' ? item.error?.retryable !== false : status === 'cancelled' || linkRetryable(item);
  const locationRemoved = file.locationRemoved === true;
  const sizeText = formatBytes(file.size);
  const noteIsError = status === 'failed' || linkFailed;
  const name = displayName(file, t.lang, now);
  // Quiet for a while: say so rather than leave a frozen "上传中 99%" (it is retried if it stays quiet).
  const slow = status === 'uploading' && item.slow === true;
  // A failed try waiting for the next: why, and a countdown to it (the page renders each second meanwhile).
  const retryIn = status === 'uploading' && item.retrying ? retrySeconds(item.retrying.at, now) : 0;
  const retryNote = item.retrying && retryIn > 0 ? t.retryNote(item.retrying.reason, retryIn) : '';
  const stateText = retryNote || (slow ? t.waitingForNetwork : t.status[status]);
  // Only a file in parts keeps what it sent when stopped; a single request can only be cancelled.
  const canPause = item.inParts === true && (status === 'waiting' || status === 'uploading');
  const canResume = status === 'paused';
  return {
    id: item.id,
    name,
    shortName: middleEllipsis(tileName(file, t.lang, now), TILE_NAME_BUDGET),
    sizeText,
    thumb,
    badge: fileBadge(file.name),
    status,
    statusText: stateText,
    label: t.tileLabel(name, stateText),
    percent: item.percent,
    percentText: `${item.percent}%`,
    errorText,
    // A done photo whose private link failed is uploaded: its caption says the link is missing, never 上传失败.
    noteText: linkFailed ? t.linkMissing : noteIsError ? t.status.failed : retryNote && item.retrying ? t.retryReason(item.retrying.reason) : (slow ? t.waitingForNetwork : done && locationRemoved ? t.locationRemoved : sizeText),
    noteIsError,
    overlayText: overlayText(status, `${item.percent}%`, t),
    overlayHint: canRetry && (status === 'failed' || status === 'cancelled') ? t.tapToRetry : status === 'paused' ? t.tapToResume : retryNote ? t.retryCountdown(retryIn) : '',
    locationRemoved,
    // A private bucket's link that could not be signed: the upload is done, the link retryable unless the signer refused it for good.
    objectUrl: done && item.objectUrl ? item.objectUrl : '',
    canCancel: status === 'waiting' || status === 'uploading' || status === 'paused',
    canPause,
    canResume,
    actionText: canPause ? t.pause : canResume ? t.resume : '',
    canRetry,
    canCopy: done && !!item.objectUrl,
    canPreview: done && !!item.objectUrl && file.kind === 'image',
  };
}

export function summaryView(items: readonly UploadItem[], progress: BatchProgress, t: UiMessages): SummaryView {
  // A paused file is still going (it resumes): it keeps 全部取消 and holds back 清空.
  const inFlight = progress.waiting + progress.uploading + progress.paused;
  const counted = items.filter((item) => item.status !== 'cancelled');
  const sent = counted.reduce((sum, item) => sum + item.file.size, 0);
  const original = counted.reduce((sum, item) => sum + (item.file.originalSize ?? item.file.size), 0);
  // 张 counts photos; a video or a file among them makes the count one of files (个).
  const photosOnly = items.every((item) => item.file.kind === 'image');
  return {
    hasItems: items.length > 0,
    percent: progress.percent,
    // Every file cancelled: "已上传 0/0" would say nothing; the side says "4 张已取消".
    countText: counted.length > 0 ? t.doneCount(progress.done, counted.length) : '',
    failedText: progress.failed > 0 ? t.failedCount(progress.failed, photosOnly) : '',
    pausedText: progress.paused > 0 ? t.pausedCount(progress.paused) : '',
    cancelledText: progress.cancelled > 0 ? t.cancelledCount(progress.cancelled, photosOnly) : '',
    sizeText: counted.length > 0 ? t.sizeLine(counted.length, sent, original, photosOnly) : '',
    canRetryAll: items.some((item) => (item.status === 'failed' && item.error?.retryable !== false) || linkRetryable(item)),
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
