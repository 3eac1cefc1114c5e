// The app's own words (buttons, statuses, hints), Chinese first and English when
// the phone's language is English. Failure and rejection reasons come from
// core/messages.ts in the engine's language; these are the words around them.
import type { Lang, UploadStatus } from '../core/index';
import type { UploadLimits } from '../../../typings/ticket';
import { describeTypes } from '../core/index';
import { formatBytes } from '../contract/index';

export interface UiMessages {
  lang: Lang;
  uploadTitle: string;
  historyTitle: string;
  tabs: [string, string];
  addPhotos: string;
  takePhoto: string;
  addChatFiles: string;
  retryAll: string;
  cancelAll: string;
  clearList: string;
  emptyTitle: string;
  emptyHint: string;
  /** The empty hint where the platform has no chat-file picker (Alipay). */
  emptyHintPhotos: string;
  limitsLoading: string;
  limitsHint: (limits: UploadLimits) => string;
  signerUnreachable: (signerUrl: string) => string;
  /**
   * The signer did not answer in time when the page first asked it. Said as slow, but with
   * where and what to check: a firewall that drops packets or a wrong LAN address looks the same.
   */
  signerSlow: (signerUrl: string) => string;
  retryConnect: string;
  doneCount: (done: number, total: number) => string;
  failedCount: (failed: number) => string;
  status: Record<UploadStatus, string>;
  /** An upload's status while no bytes have moved for a while (it is waited for, then retried). */
  waitingForNetwork: string;
  cancel: string;
  retry: string;
  remove: string;
  copyLink: string;
  preview: string;
  rejectedTitle: (count: number) => string;
  dismiss: string;
  pickFailed: (reason: string) => string;
  pickPermission: string;
  addFailed: (reason: string) => string;
  copyFailed: string;
  /** A private bucket's link while it is being signed. */
  linkLoading: string;
  /** When signing a link failed for a reason without its own words. */
  linkFailed: string;
  historyEmptyTitle: string;
  historyEmptyHint: string;
  historyClear: string;
  historyClearConfirmTitle: string;
  historyClearConfirm: (count: number) => string;
  historyCleared: string;
  confirmClear: string;
  keepIt: string;
}

const zh: UiMessages = {
  lang: 'zh',
  uploadTitle: '上传',
  historyTitle: '上传记录',
  tabs: ['上传', '记录'],
  addPhotos: '添加照片',
  takePhoto: '拍照',
  addChatFiles: '从聊天选择文件',
  retryAll: '全部重试',
  cancelAll: '取消全部',
  clearList: '清空列表',
  emptyTitle: '还没有文件',
  emptyHint: '点击“添加照片”从相册选择，或从聊天记录里选文件，上传后可复制链接',
  emptyHintPhotos: '点击“添加照片”从相册选择或拍照，上传后可复制链接',
  limitsLoading: '正在连接上传服务…',
  limitsHint: (l) => `单个文件不超过 ${formatBytes(l.maxBytes)}，每次最多 ${l.maxFiles} 个，可上传：${describeTypes(l.allowedTypes, 'zh')}`,
  signerUnreachable: (url) => `连不上上传服务（${url}）。请确认服务已启动、手机和电脑在同一网络，然后重试。`,
  signerSlow: (url) => `上传服务（${url}）迟迟没有回应，网络可能很慢。如果一直这样，请确认服务已启动、手机和电脑在同一网络，然后重试。`,
  retryConnect: '重新连接',
  doneCount: (done, total) => `${done}/${total} 已完成`,
  failedCount: (failed) => `${failed} 个失败`,
  status: { waiting: '等待上传', uploading: '上传中', done: '已完成', failed: '上传失败', cancelled: '已取消' },
  waitingForNetwork: '网络很慢，正在等待…',
  cancel: '取消',
  retry: '重试',
  remove: '移除',
  copyLink: '复制链接',
  preview: '预览',
  rejectedTitle: (n) => `${n} 个文件未添加`,
  dismiss: '知道了',
  pickFailed: (reason) => `无法选择文件：${reason}`,
  pickPermission: '没有相册或相机权限，请在设置中允许后重试',
  addFailed: (reason) => `添加失败：${reason}`,
  copyFailed: '复制失败，请重试',
  linkLoading: '正在获取链接…',
  linkFailed: '没能取得访问链接，请点“复制链接”重试',
  historyEmptyTitle: '还没有上传记录',
  historyEmptyHint: '上传完成的文件会保存在这台手机上，方便再次复制链接',
  historyClear: '清空记录',
  historyClearConfirmTitle: '清空上传记录？',
  historyClearConfirm: (n) => `将删除这台手机上的 ${n} 条记录，已上传的文件不受影响。`,
  historyCleared: '记录已清空',
  confirmClear: '清空',
  keepIt: '保留',
};

const en: UiMessages = {
  lang: 'en',
  uploadTitle: 'Upload',
  historyTitle: 'Upload history',
  tabs: ['Upload', 'History'],
  addPhotos: 'Add photos',
  takePhoto: 'Camera',
  addChatFiles: 'Files from chats',
  retryAll: 'Retry all',
  cancelAll: 'Cancel all',
  clearList: 'Clear list',
  emptyTitle: 'No files yet',
  emptyHint: 'Tap "Add photos" to pick from the album, or pick files from a chat. You get a link to copy when each one is done.',
  emptyHintPhotos: 'Tap "Add photos" to pick from the album, or "Camera" to take one. You get a link to copy when each one is done.',
  limitsLoading: 'Connecting to the upload service…',
  limitsHint: (l) => `Up to ${formatBytes(l.maxBytes)} per file, ${l.maxFiles} files at a time. Allowed: ${describeTypes(l.allowedTypes, 'en')}`,
  signerUnreachable: (url) => `Cannot reach the upload service (${url}). Check that it is running and that the phone is on the same network, then retry.`,
  signerSlow: (url) =>
    `The upload service (${url}) is not answering; the network may be slow. If this keeps happening, check that it is running and that the phone is on the same network, then retry.`,
  retryConnect: 'Reconnect',
  doneCount: (done, total) => `${done}/${total} done`,
  failedCount: (failed) => `${failed} failed`,
  status: { waiting: 'Waiting', uploading: 'Uploading', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
  waitingForNetwork: 'Waiting for the network…',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  copyLink: 'Copy link',
  preview: 'Preview',
  rejectedTitle: (n) => `${n} file${n === 1 ? ' was' : 's were'} not added`,
  dismiss: 'OK',
  pickFailed: (reason) => `Cannot pick files: ${reason}`,
  pickPermission: 'No access to the album or camera. Allow it in Settings and try again.',
  addFailed: (reason) => `Could not add the files: ${reason}`,
  copyFailed: 'Copy failed. Try again.',
  linkLoading: 'Fetching the link…',
  linkFailed: 'The link could not be fetched. Tap "Copy link" to try again.',
  historyEmptyTitle: 'No uploads yet',
  historyEmptyHint: 'Finished uploads are kept on this phone so you can copy their links again.',
  historyClear: 'Clear history',
  historyClearConfirmTitle: 'Clear upload history?',
  historyClearConfirm: (n) => `This removes ${n} entr${n === 1 ? 'y' : 'ies'} from this phone. The uploaded files stay where they are.`,
  historyCleared: 'History cleared',
  confirmClear: 'Clear',
  keepIt: 'Keep',
};

export function uiMessages(lang: Lang): UiMessages {
  return lang === 'en' ? en : zh;
}

export { formatBytes };

/** "2026-11-22 10:05" in the phone's time zone. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
