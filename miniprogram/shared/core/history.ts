// The device's list of finished uploads (newest first, bounded), kept in the
// platform's key-value storage. Stored data is never trusted: anything that
// does not look like an entry (older app version, manual edits) is dropped.
import type { KeyValueStore } from './ports';
import type { PickedFile, PickLabel, UploadItem } from './types';

export const HISTORY_STORAGE_KEY = 'upload-history.v1';
/** Enough to find last week's uploads, small next to WeChat's 1 MB-per-key storage limit. */
export const HISTORY_LIMIT = 200;

export interface HistoryEntry {
  key: string;
  /** The object's public link; '' when `signed` (a signed link expires, so it is not kept). */
  url: string;
  /** A private bucket's object: its link is signed again from `key` whenever it is shown or used. */
  signed?: true;
  name: string;
  size: number;
  type: string;
  kind: PickedFile['kind'];
  finishedAt: number;
  /** A temp-named photo's number and pick time: history shows it as "照片 1 · 今天 10:03" too. */
  label?: PickLabel;
}

export interface UploadHistory {
  list(): HistoryEntry[];
  /** Adds (or moves to the top) an entry; false when the device refused to store it. */
  add(entry: HistoryEntry): boolean;
  /** Deletes one entry by object key (the object itself stays in the bucket). */
  remove(key: string): void;
  clear(): void;
}

const KINDS: ReadonlyArray<PickedFile['kind']> = ['image', 'video', 'file'];

function isLabel(value: unknown): value is PickLabel {
  if (!value || typeof value !== 'object') return false;
  const l = value as Record<string, unknown>;
  return typeof l.number === 'number' && Number.isInteger(l.number) && l.number > 0 && typeof l.pickedAt === 'number' && Number.isFinite(l.pickedAt);
}

function isEntry(value: unknown): value is HistoryEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.key === 'string' &&
    e.key.length > 0 &&
    typeof e.url === 'string' &&
    (e.url.length > 0 || e.signed === true) &&
    (e.signed === undefined || e.signed === true) &&
    typeof e.name === 'string' &&
    typeof e.size === 'number' &&
    Number.isFinite(e.size) &&
    typeof e.type === 'string' &&
    KINDS.includes(e.kind as PickedFile['kind']) &&
    typeof e.finishedAt === 'number' &&
    Number.isFinite(e.finishedAt)
  );
}

/** A label that does not look like one is dropped; the entry stays (it then shows its file name). */
function withValidLabel(entry: HistoryEntry): HistoryEntry {
  if (entry.label === undefined || isLabel(entry.label)) return entry;
  const { label: _dropped, ...rest } = entry;
  return rest;
}

/** The entry for a finished upload, or undefined when it is not done. */
export function historyEntryFrom(item: UploadItem, now: () => number): HistoryEntry | undefined {
  if (item.status !== 'done' || !item.key) return undefined;
  const signed = item.link !== undefined;
  if (!signed && !item.objectUrl) return undefined;
  return {
    key: item.key,
    url: signed ? '' : (item.objectUrl as string),
    ...(signed ? { signed: true as const } : {}),
    name: item.file.name,
    size: item.file.size,
    type: item.file.type,
    kind: item.file.kind,
    finishedAt: item.finishedAt ?? now(),
    ...(item.file.label ? { label: { number: item.file.label.number, pickedAt: item.file.label.pickedAt } } : {}),
  };
}

export function createUploadHistory(store: KeyValueStore, limit = HISTORY_LIMIT): UploadHistory {
  const read = (): HistoryEntry[] => {
    let stored: unknown;
    try {
      stored = store.get<unknown>(HISTORY_STORAGE_KEY);
    } catch {
      return [];
    }
    return Array.isArray(stored) ? stored.filter(isEntry).slice(0, limit).map(withValidLabel) : [];
  };

  return {
    list: read,
    add(entry) {
      const entries = [entry, ...read().filter((e) => e.key !== entry.key)].slice(0, limit);
      try {
        store.set(HISTORY_STORAGE_KEY, entries);
        return true;
      } catch {
        // Storage full or refused: the upload itself succeeded, history is a convenience.
        return false;
      }
    },
    remove(key) {
      const entries = read();
      const kept = entries.filter((e) => e.key !== key);
      if (kept.length === entries.length) return;
      try {
        store.set(HISTORY_STORAGE_KEY, kept);
      } catch {
        // Storage refused the smaller list: the entry stays, as it was.
      }
    },
    clear() {
      store.remove(HISTORY_STORAGE_KEY);
    },
  };
}
