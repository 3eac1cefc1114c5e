// The 继续上传 list: uploads in parts an earlier launch left unfinished, one row each
// with its name, size and how far it got, 继续上传 and 放弃. A row whose file is gone
// from the phone (temp files are cleaned by the platform) says so and offers only 放弃.
import type { SavedUploadSummary } from '../core/index';
import { displayName } from './display-name';
import { formatBytes, type UiMessages } from './i18n';
import { middleEllipsis } from './middle-ellipsis';

/** A row's name spans the card (its buttons sit under it): about 40 narrow characters at 375 px. */
export const RESUME_NAME_BUDGET = 40;

export interface ResumeRowView {
  id: string;
  name: string;
  shortName: string;
  sizeText: string;
  /** 48 MB · 已传 12 MB / 48 MB, or the size and why it cannot go on. */
  noteText: string;
  percent: number;
  /** The file is no longer where it was picked: only 放弃. */
  fileGone: boolean;
  /** A button of this row was tapped and its answer is awaited: both are disabled. */
  busy: boolean;
  canContinue: boolean;
}

export function resumeRowView(saved: SavedUploadSummary, t: UiMessages, now: number, fileGone: boolean, busy = false): ResumeRowView {
  const name = displayName(saved.file, t.lang, now);
  const percent = saved.totalBytes > 0 ? Math.min(99, Math.floor((saved.bytesDone * 100) / saved.totalBytes)) : 0;
  return {
    id: saved.id,
    name,
    shortName: middleEllipsis(name, RESUME_NAME_BUDGET),
    sizeText: formatBytes(saved.totalBytes),
    noteText: fileGone ? t.resumeFileGone(saved.totalBytes) : t.resumeProgress(saved.bytesDone, saved.totalBytes),
    percent,
    fileGone,
    busy,
    canContinue: !fileGone && !busy,
  };
}
