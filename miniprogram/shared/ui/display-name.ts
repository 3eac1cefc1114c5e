// The name a person sees for a file. Photos and videos from the album or camera
// come with the platform's temp name (`tmp_3f9a…e1.jpg`, `apml0c4d….image`), which
// tells a person nothing: they are shown as "照片 1 · 今天 10:03" / "Photo 1 · Today
// 10:03", numbered in the order they were added, dated when they were picked. A
// file that has its own name (a chat file, a document) keeps it. The day is worded
// when the name is shown, so yesterday's photo in the history reads "昨天", not "今天".
import type { Lang, PickedFile, PickLabel } from '../core/index';
import { clockTime, dayLabel, uiMessages } from './i18n';

/** What a display name is made from: a picked file, or a history entry of one. */
export interface NamedFile {
  name: string;
  kind: PickedFile['kind'];
  label?: PickLabel;
}

const NOUNS: Record<Lang, { photo: string; video: string; file: string }> = {
  zh: { photo: '照片', video: '视频', file: '文件' },
  en: { photo: 'Photo', video: 'Video', file: 'File' },
};

/** "今天 10:03", "昨天 22:15", "11月30日 09:00", "2025年11月30日 09:00" (en: "Today 10:03", "Nov 30 09:00", "Nov 30, 2025 09:00"), in the phone's time zone: the history's day words, with the clock. */
export function pickedWhen(at: number, now: number, lang: Lang): string {
  return `${dayLabel(at, now, uiMessages(lang))} ${clockTime(at)}`;
}

/** The name to show: a numbered, dated "照片 N · 今天 10:03" for a temp-named pick, the file's own name otherwise. */
export function displayName(file: NamedFile, lang: Lang, now: number): string {
  if (!file.label) return file.name;
  const words = NOUNS[lang];
  const noun = file.kind === 'video' ? words.video : file.kind === 'image' ? words.photo : words.file;
  return `${noun} ${file.label.number} · ${pickedWhen(file.label.pickedAt, now, lang)}`;
}

/**
 * The name on a photo's tile, where about 15 narrow characters fit at 375 px. English
 * words are longer: "Photo 1 · Today 10:03" would be cut to "Photo 1 · Today 1…", losing
 * the time, so a photo picked today reads "Photo 1 · 10:03" there (as chat apps time
 * today's messages). Chinese fits whole and keeps its 今天. The whole name stays the
 * tile's label for screen readers.
 */
export function tileName(file: NamedFile, lang: Lang, now: number): string {
  if (!file.label || lang !== 'en') return displayName(file, lang, now);
  const t = uiMessages(lang);
  if (dayLabel(file.label.pickedAt, now, t) !== t.today) return displayName(file, lang, now);
  const words = NOUNS.en;
  const noun = file.kind === 'video' ? words.video : file.kind === 'image' ? words.photo : words.file;
  return `${noun} ${file.label.number} · ${clockTime(file.label.pickedAt)}`;
}

/**
 * Numbers temp-named files as they are added (1, 2, 3… across every pick of this
 * page), leaving named files as they are. `now` is when they were picked.
 */
export function createPickLabeller() {
  let count = 0;
  return (files: readonly PickedFile[], now: number): PickedFile[] =>
    files.map((file) => (file.tempName && !file.label ? { ...file, label: { number: (count += 1), pickedAt: now } } : file));
}
