// The app's own words (buttons, statuses, hints), Chinese first and English when
// the phone's language is English. Failure and rejection reasons come from
// core/messages.ts in the engine's language; these are the words around them.
//
// Glossary — one word per thing, on every page and in core/messages.ts:
//   照片 photo        what this app uploads (a chat file that is not a photo: 文件 file)
//   添加 add          putting photos into the list (the "+" tile)
//   上传 / 已上传     upload / uploaded (never 完成 for a single photo)
//   原图 original     the full-size file; off means compressed before upload
//   重试 retry · 全部重试 retry all · 取消 cancel · 全部取消 cancel all
//   暂停 pause · 继续 resume · 已暂停 paused (only files that go up in parts: their parts stay)
//   继续上传 continue upload · 放弃 discard (an upload an earlier launch left unfinished)
//   移除 remove       take a photo off the upload list (the upload itself is not undone)
//   删除 delete       a history record, from this phone only
//   复制链接 copy link · 预览 preview · 清空 clear
//   上传服务 the upload service (never "signer", never its address)
// Punctuation: whole sentences end with 。/ "."; labels, statuses and counts never do.
// End users never read developer advice (addresses, computers, settings files): that goes
// to the console for the developer (see the controllers' `devLog`).
import type { Lang, RetryReason, UploadStatus } from '../core/index';
import type { UploadLimits } from '../../../typings/ticket';
import { describeTypes, linkNotYoursMessage, spaceBeforeLatin } from '../core/index';
import { formatBytes } from '../contract/index';

export interface UiMessages {
  lang: Lang;
  uploadTitle: string;
  historyTitle: string;
  tabs: [string, string];
  /** The "+" tile's label. */
  add: string;
  takePhoto: string;
  chooseAlbum: string;
  /** The same two pickers when the upload service takes only videos: they open for videos alone. */
  recordVideo: string;
  chooseAlbumVideo: string;
  chooseChatFiles: string;
  original: string;
  retryAll: string;
  cancelAll: string;
  clearList: string;
  emptyTitle: string;
  emptyHint: string;
  /** The empty hint where the platform has no chat-file picker (Alipay). */
  emptyHintPhotos: string;
  limitsLoading: string;
  limitsHint: (limits: UploadLimits) => string;
  signerDown: string;
  /**
   * The signer did not answer in time when the page first asked it: said as slow, in words a
   * person can act on. Where it waited and what to check (a firewall, a wrong LAN address) go
   * to the console for the developer (upload-controller's devLog), never onto the screen.
   */
  signerSlow: string;
  retryConnect: string;
  doneCount: (done: number, total: number) => string;
  /** `photosOnly`: every file counted is a photo (张); otherwise files (个). */
  failedCount: (failed: number, photosOnly: boolean) => string;
  cancelledCount: (cancelled: number, photosOnly: boolean) => string;
  /** "共 9 张 · 4.1 MB，原图 31 MB": what will be sent, and what the originals weigh when less is sent. */
  sizeLine: (count: number, sentBytes: number, originalBytes: number, photosOnly: boolean) => string;
  status: Record<UploadStatus, string>;
  tapToRetry: string;
  /** A paused tile's second line: a tap goes on. */
  tapToResume: string;
  pause: string;
  resume: string;
  pausedCount: (paused: number) => string;
  /** The list of uploads an earlier launch left unfinished. */
  resumeTitle: string;
  continueUpload: string;
  discard: string;
  /** A 继续上传 row's second line: "48 MB · 已传 12 MB / 48 MB". */
  resumeProgress: (doneBytes: number, totalBytes: number) => string;
  /** The same line when the file it was sending is gone from the phone (temp files are cleaned). */
  resumeFileGone: (totalBytes: number) => string;
  discardConfirmTitle: string;
  discardConfirm: string;
  /** The same question for a file of which nothing was uploaded yet (a photo sent in one request). */
  discardConfirmUnsent: string;
  discardFailed: string;
  continueFailed: string;
  locationRemoved: string;
  preparing: string;
  /** An upload's status while no bytes have moved for a while (it is waited for, then retried). */
  waitingForNetwork: string;
  /** A tile's note while a failed try waits to be tried again by itself: why, and in how many seconds (at least 1). */
  retryNote: (reason: RetryReason, seconds: number) => string;
  /** The same countdown alone, on the picture under the percent, where a narrow caption cuts the note. */
  retryCountdown: (seconds: number) => string;
  /** Why, alone: the tile's caption, whose width fits no countdown (that is on the picture). */
  retryReason: (reason: RetryReason) => string;
  cancel: string;
  retry: string;
  remove: string;
  copyLink: string;
  preview: string;
  ok: string;
  failedTitle: string;
  rejectedTitle: (count: number) => string;
  dismiss: string;
  /** The album picker failed (not closed: that is no failure). */
  pickFailed: string;
  /** The camera failed to open. */
  pickFailedCamera: string;
  /** The chat-file picker failed to open. */
  pickFailedChat: string;
  pickPermission: string;
  addFailed: string;
  /** A photo held back: its position could not be removed (its clean copy could not be written, or the photo read). */
  metadataNotRemoved: string;
  /** Said after a copy where the platform does not say it itself (Alipay). */
  copied: string;
  /** A tile's accessible label: its name and its state. */
  tileLabel: (name: string, state: string) => string;
  copyFailed: string;
  /** A private bucket's link while it is being signed. */
  linkLoading: string;
  /** When signing a link failed for a reason without its own words. */
  linkFailed: string;
  /** A done tile's caption when its private link could not be fetched: the photo is uploaded, only its link is missing. */
  linkMissing: string;
  /** A history entry whose link the signer will not sign for this sign-in (uploaded under another, or before one). */
  linkNotYours: string;
  historyEmptyTitle: string;
  historyEmptyHint: string;
  historyClear: string;
  historyCount: (count: number) => string;
  historyClearConfirmTitle: string;
  historyClearConfirm: (count: number) => string;
  historyCleared: string;
  deleteEntry: string;
  confirmClear: string;
  keepIt: string;
  today: string;
  yesterday: string;
  /** "11月20日" / "Nov 20"; the year only when it is not this year. */
  date: (d: Date, withYear: boolean) => string;
}

const onlyImages = (l: UploadLimits) => l.allowedTypes.length > 0 && l.allowedTypes.every((t) => t.trim().toLowerCase().startsWith('image/'));
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Why a try is retried, in the words of core/messages.ts's failures (上传超时, 服务器暂时出错). */
const ZH_RETRY_REASONS: Record<RetryReason, string> = { network: '网络中断', timeout: '上传超时', busy: '服务器繁忙', server: '服务器暂时出错' };
const EN_RETRY_REASONS: Record<RetryReason, string> = { network: 'Connection lost', timeout: 'Timed out', busy: 'Server busy', server: 'Server error' };

const zh: UiMessages = {
  lang: 'zh',
  uploadTitle: '上传',
  historyTitle: '上传记录',
  tabs: ['上传', '记录'],
  add: '添加',
  takePhoto: '拍照',
  chooseAlbum: '从相册选择',
  recordVideo: '拍摄视频',
  chooseAlbumVideo: '从相册选择视频',
  chooseChatFiles: '从聊天选择文件',
  original: '原图',
  retryAll: '全部重试',
  cancelAll: '全部取消',
  clearList: '清空',
  emptyTitle: '还没有照片',
  emptyHint: '可从相册、相机或聊天添加。照片会直接上传，上传后可复制链接。',
  emptyHintPhotos: '可从相册或相机添加。照片会直接上传，上传后可复制链接。',
  limitsLoading: '正在连接上传服务…',
  limitsHint: (l) =>
    onlyImages(l)
      ? `每张不超过 ${formatBytes(l.maxBytes)}，每次最多 ${l.maxFiles} 张`
      : `每个不超过 ${formatBytes(l.maxBytes)}，每次最多 ${l.maxFiles} 个，可上传${spaceBeforeLatin(describeTypes(l.allowedTypes, 'zh'))}`,
  signerDown: '暂时连不上上传服务。请检查网络，然后点“重新连接”。',
  signerSlow: '上传服务迟迟没有回应，网络可能很慢。请稍后点“重新连接”。',
  retryConnect: '重新连接',
  doneCount: (done, total) => `已上传 ${done}/${total}`,
  failedCount: (failed, photosOnly) => `${failed} ${photosOnly ? '张' : '个'}失败`,
  cancelledCount: (n, photosOnly) => `${n} ${photosOnly ? '张' : '个'}已取消`,
  sizeLine: (n, sent, original, photosOnly) =>
    `共 ${n} ${photosOnly ? '张' : '个'} · ${formatBytes(sent)}${original > sent ? `，原图 ${formatBytes(original)}` : ''}`,
  status: { waiting: '等待中', uploading: '上传中', paused: '已暂停', done: '已上传', failed: '上传失败', cancelled: '已取消' },
  tapToRetry: '点按重试',
  tapToResume: '点按继续',
  pause: '暂停',
  resume: '继续',
  pausedCount: (n) => `${n} 个已暂停`,
  resumeTitle: '上次没有传完',
  continueUpload: '继续上传',
  discard: '放弃',
  resumeProgress: (done, total) => `${formatBytes(total)} · 已传 ${formatBytes(done)} / ${formatBytes(total)}`,
  resumeFileGone: (total) => `${formatBytes(total)} · 文件已不在这台手机上，只能放弃`,
  discardConfirmTitle: '放弃这个上传？',
  discardConfirm: '已传的部分会被删除，之后需要重新添加文件。',
  discardConfirmUnsent: '这个文件还没有上传，放弃后需要时请重新添加。',
  discardFailed: '没能放弃，请重试。',
  continueFailed: '没能继续上传，请重试。',
  locationRemoved: '已移除位置信息',
  preparing: '正在处理…',
  waitingForNetwork: '网络很慢，正在等待…',
  retryNote: (reason, s) => `${ZH_RETRY_REASONS[reason]}，${s} 秒后重试`,
  retryCountdown: (s) => `${s} 秒后重试`,
  retryReason: (reason) => ZH_RETRY_REASONS[reason],
  cancel: '取消',
  retry: '重试',
  remove: '移除',
  copyLink: '复制链接',
  preview: '预览',
  ok: '知道了',
  failedTitle: '上传失败',
  rejectedTitle: (n) => `${n} 个文件没有添加`,
  dismiss: '知道了',
  pickFailed: '没能打开相册，请重试。',
  pickFailedCamera: '没能打开相机，请重试。',
  pickFailedChat: '没能打开聊天文件，请重试。',
  pickPermission: '没有相册或相机权限，请在设置中允许后重试。',
  addFailed: '没能添加这些照片，请重试。',
  metadataNotRemoved: '没能去掉位置信息，为保护隐私没有上传。请重试（存储空间满时先清理）',
  copied: '已复制',
  tileLabel: (name, state) => `${name}，${state}`,
  copyFailed: '复制失败，请重试。',
  linkLoading: '正在获取链接…',
  linkFailed: '没能取得链接，请点“复制链接”重试。',
  linkMissing: '没能取得链接',
  linkNotYours: linkNotYoursMessage('zh'),
  historyEmptyTitle: '还没有上传记录',
  historyEmptyHint: '上传的照片会记在这台手机上，方便再次复制链接。',
  historyClear: '清空',
  historyCount: (n) => `共 ${n} 条记录`,
  historyClearConfirmTitle: '清空上传记录？',
  historyClearConfirm: (n) => `将从这台手机上删除 ${n} 条记录，已上传的照片不受影响。`,
  historyCleared: '已清空',
  deleteEntry: '删除',
  confirmClear: '清空',
  keepIt: '保留',
  today: '今天',
  yesterday: '昨天',
  date: (d, withYear) => `${withYear ? `${d.getFullYear()}年` : ''}${d.getMonth() + 1}月${d.getDate()}日`,
};

const en: UiMessages = {
  lang: 'en',
  uploadTitle: 'Upload',
  historyTitle: 'History',
  tabs: ['Upload', 'History'],
  add: 'Add',
  takePhoto: 'Take photo',
  chooseAlbum: 'Choose from album',
  recordVideo: 'Record video',
  chooseAlbumVideo: 'Choose video from album',
  chooseChatFiles: 'Choose from chats',
  original: 'Original',
  retryAll: 'Retry all',
  cancelAll: 'Cancel all',
  clearList: 'Clear',
  emptyTitle: 'No photos yet',
  emptyHint: 'Add them from the album, the camera or a chat. Each photo uploads directly, then you can copy its link.',
  emptyHintPhotos: 'Add them from the album or the camera. Each photo uploads directly, then you can copy its link.',
  limitsLoading: 'Connecting to the upload service…',
  limitsHint: (l) =>
    onlyImages(l)
      ? `Up to ${formatBytes(l.maxBytes)} each, ${l.maxFiles} at a time`
      : `Up to ${formatBytes(l.maxBytes)} each, ${l.maxFiles} at a time: ${describeTypes(l.allowedTypes, 'en')}`,
  signerDown: 'Cannot reach the upload service right now. Check your connection, then tap Reconnect.',
  signerSlow: 'The upload service is not answering; the network may be slow. Tap Reconnect in a moment.',
  retryConnect: 'Reconnect',
  doneCount: (done, total) => `${done} of ${total} uploaded`,
  failedCount: (failed) => `${failed} failed`,
  cancelledCount: (n) => `${n} cancelled`,
  sizeLine: (n, sent, original, photosOnly) =>
    `${n} ${photosOnly ? 'photo' : 'file'}${n === 1 ? '' : 's'} · ${formatBytes(sent)}${original > sent ? `, originals ${formatBytes(original)}` : ''}`,
  status: { waiting: 'Waiting', uploading: 'Uploading', paused: 'Paused', done: 'Uploaded', failed: 'Failed', cancelled: 'Cancelled' },
  tapToRetry: 'Tap to retry',
  tapToResume: 'Tap to resume',
  pause: 'Pause',
  resume: 'Resume',
  pausedCount: (n) => `${n} paused`,
  resumeTitle: 'Not finished last time',
  continueUpload: 'Continue upload',
  discard: 'Discard',
  resumeProgress: (done, total) => `${formatBytes(total)} · ${formatBytes(done)} of ${formatBytes(total)} sent`,
  resumeFileGone: (total) => `${formatBytes(total)} · The file is no longer on this phone; it can only be discarded`,
  discardConfirmTitle: 'Discard this upload?',
  discardConfirm: 'The parts already sent are deleted; add the file again if you need it.',
  discardConfirmUnsent: 'Nothing of it is uploaded yet; add the file again if you need it.',
  discardFailed: 'Could not discard it. Try again.',
  continueFailed: 'Could not continue the upload. Try again.',
  locationRemoved: 'Location removed',
  preparing: 'Preparing…',
  waitingForNetwork: 'Waiting for the network…',
  retryNote: (reason, s) => `${EN_RETRY_REASONS[reason]} — retrying in ${s} s`,
  retryCountdown: (s) => `Retrying in ${s} s`,
  retryReason: (reason) => EN_RETRY_REASONS[reason],
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  copyLink: 'Copy link',
  preview: 'Preview',
  ok: 'OK',
  failedTitle: 'Upload failed',
  rejectedTitle: (n) => `${n} not added`,
  dismiss: 'OK',
  pickFailed: 'The album could not be opened. Try again.',
  pickFailedCamera: 'The camera could not be opened. Try again.',
  pickFailedChat: 'Files from chats could not be opened. Try again.',
  pickPermission: 'No access to the album or camera. Allow it in Settings and try again.',
  addFailed: 'These photos could not be added. Try again.',
  metadataNotRemoved: 'Its location could not be removed, so to protect your privacy it was not uploaded. Try again (free some storage if it is full).',
  copied: 'Copied',
  tileLabel: (name, state) => `${name}, ${state}`,
  copyFailed: 'Copy failed. Try again.',
  linkLoading: 'Fetching the link…',
  linkFailed: 'The link could not be fetched. Tap Copy link to try again.',
  linkMissing: 'No link yet',
  linkNotYours: linkNotYoursMessage('en'),
  historyEmptyTitle: 'No uploads yet',
  historyEmptyHint: 'Uploaded photos are listed on this phone so you can copy their links again.',
  historyClear: 'Clear',
  historyCount: (n) => `${n} record${n === 1 ? '' : 's'}`,
  historyClearConfirmTitle: 'Clear upload history?',
  historyClearConfirm: (n) => `This deletes ${n} record${n === 1 ? '' : 's'} from this phone. The uploaded photos stay where they are.`,
  historyCleared: 'Cleared',
  deleteEntry: 'Delete',
  confirmClear: 'Clear',
  keepIt: 'Keep',
  today: 'Today',
  yesterday: 'Yesterday',
  date: (d, withYear) => `${EN_MONTHS[d.getMonth()]} ${d.getDate()}${withYear ? `, ${d.getFullYear()}` : ''}`,
};

export function uiMessages(lang: Lang): UiMessages {
  return lang === 'en' ? en : zh;
}

export { formatBytes };

const two = (n: number) => String(n).padStart(2, '0');
const startOfDay = (ms: number) => {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
};

/** "10:03" in the phone's time zone. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** 今天 / 昨天 / 11月20日 / 2025年11月20日, as chat apps date messages (phone's time zone). */
export function dayLabel(ms: number, now: number, t: Pick<UiMessages, 'today' | 'yesterday' | 'date'>): string {
  const day = startOfDay(ms);
  const today = startOfDay(now);
  if (day === today) return t.today;
  // Not today minus 24 h: a day with a clock change is 23 or 25 hours long.
  const yesterday = startOfDay(today - 1);
  if (day === yesterday) return t.yesterday;
  return t.date(new Date(ms), new Date(ms).getFullYear() !== new Date(now).getFullYear());
}
