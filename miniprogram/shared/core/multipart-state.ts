// What survives the app being killed mid-upload: per file, one storage key holding the
// upload token the signer signed, what it says about the upload, the file as it was
// picked (for the 继续上传 list on the next launch) and the parts this phone saw the
// store accept, as compact ranges ("1-40,42"). Those parts only say how far it got: on
// resume the store itself is asked (ListParts), since a part the phone thinks it sent
// may never have arrived. Even 10,000 parts stored every other one stay under 50 KB,
// well within Alipay's 200 KB and WeChat's 1 MB per key.
import type { KeyValueStore } from './ports';
import type { PickedFile, PickLabel } from './types';
import { mimeFromName } from './mime';

export const MULTIPART_KEY_PREFIX = 'multipart-upload:';

export interface SavedUpload {
  uploadToken: string;
  key: string;
  objectUrl: string;
  partSize: number;
  partCount: number;
  size: number;
  /** Local ms clock: past this the token is refused, so the upload starts again. */
  expiresAtMs: number;
  /** For a "继续上传" list on the next launch. */
  name: string;
  path: string;
  type?: string;
  kind?: PickedFile['kind'];
  /** A temp-named pick is listed as "视频 1 · 今天 10:03", as its tile was. */
  tempName?: true;
  label?: PickLabel;
  /** The file is a copy the app made (PickedFile.preparedCopy): deleted once its upload ends. */
  preparedCopy?: true;
  /** Parts the store accepted, as ranges: "1-40,42". */
  partsDone?: string;
}

type FileId = Pick<PickedFile, 'path' | 'size' | 'name'>;

/** The same file picked again: path, size and name agree. */
export function fileFingerprint(file: FileId): string {
  return `${MULTIPART_KEY_PREFIX}${file.size}:${file.name}:${file.path}`;
}

/** [1,2,3,5,7,8] → "1-3,5,7-8". */
export function encodeParts(parts: Iterable<number>): string {
  const sorted = Array.from(new Set(parts)).filter((n) => Number.isSafeInteger(n) && n > 0).sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j += 1;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** "1-3,5" → [1,2,3,5]; anything malformed (or beyond `max`) is dropped, not trusted. */
export function decodeParts(text: string | undefined, max: number): number[] {
  if (typeof text !== 'string' || text === '') return [];
  const parts = new Set<number>();
  for (const piece of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(piece.trim());
    if (!match) continue;
    const from = Number(match[1]);
    const to = Math.min(max, match[2] === undefined ? from : Number(match[2]));
    for (let n = Math.max(1, from); n <= to; n++) parts.add(n);
  }
  return Array.from(parts).sort((a, b) => a - b);
}

const isSaved = (v: unknown): v is SavedUpload => {
  const s = v as Partial<SavedUpload> | undefined;
  return (
    typeof s === 'object' && s !== null &&
    typeof s.uploadToken === 'string' && typeof s.path === 'string' && typeof s.name === 'string' &&
    Number.isSafeInteger(s.size) && Number.isSafeInteger(s.partSize) && Number.isSafeInteger(s.partCount) &&
    typeof s.expiresAtMs === 'number'
  );
};

/** The file a saved upload was made for, as the engine lists it again. */
export function savedFile(saved: SavedUpload): PickedFile {
  const type = saved.type ?? mimeFromName(saved.name);
  const kind = saved.kind ?? (type.startsWith('image/') ? 'image' : type.startsWith('video/') ? 'video' : 'file');
  const file: PickedFile = { path: saved.path, name: saved.name, size: saved.size, type, kind };
  if (saved.tempName) file.tempName = true;
  if (saved.label) file.label = saved.label;
  if (saved.preparedCopy) file.preparedCopy = true;
  return file;
}

/** Where uploads are remembered when the app gives no storage: this run only, so pause and retry still resume. */
function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key) as string) as T) : undefined),
    set: (key, value) => void values.set(key, JSON.stringify(value)),
    remove: (key) => void values.delete(key),
    keys: () => Array.from(values.keys()),
  };
}

export class MultipartState {
  private readonly storage: KeyValueStore;
  /**
   * Uploads storage had no room for (full): kept for this run, so a pause, a retry or a
   * removal still finds the upload it started (and its token, to abort it) instead of
   * starting a second one and leaving the first open on the store.
   */
  private readonly unsaved = new Map<string, SavedUpload>();

  /**
   * `onExpired`: a saved upload found past its token's life is forgotten, and handed here
   * first, so the engine can abort it on the store (whose parts would otherwise stay there).
   */
  constructor(
    storage: KeyValueStore | undefined,
    private readonly onExpired: (saved: SavedUpload) => void = () => undefined,
  ) {
    this.storage = storage ?? memoryStore();
  }

  load(file: FileId, nowMs: number): SavedUpload | undefined {
    return this.loadKey(fileFingerprint(file), nowMs, file.size);
  }

  /** Every saved upload still within its token's life (expired ones are forgotten on the way). */
  list(nowMs: number): Array<{ id: string; saved: SavedUpload }> {
    let keys: string[];
    try {
      keys = this.storage.keys() ?? [];
    } catch {
      return [];
    }
    const out: Array<{ id: string; saved: SavedUpload }> = [];
    for (const id of keys) {
      if (!id.startsWith(MULTIPART_KEY_PREFIX)) continue;
      const saved = this.loadKey(id, nowMs);
      if (saved) out.push({ id, saved });
    }
    return out;
  }

  byId(id: string, nowMs: number): SavedUpload | undefined {
    return id.startsWith(MULTIPART_KEY_PREFIX) ? this.loadKey(id, nowMs) : undefined;
  }

  save(file: FileId, upload: SavedUpload): void {
    const id = fileFingerprint(file);
    this.storage.set(id, upload);
    this.unsaved.delete(id);
  }

  /**
   * Saves it for a later launch, best effort: with the app's storage full the upload still goes,
   * it just cannot be continued after the app is closed (or, for its parts, from where it was).
   */
  saveIfRoom(file: FileId, upload: SavedUpload): void {
    try {
      this.save(file, upload);
    } catch {
      // The upload itself goes on, remembered for this run; on resume the store is asked anyway.
      this.unsaved.set(fileFingerprint(file), upload);
    }
  }

  /** Records that the store accepted these parts (best effort: a full storage only loses the "how far"). */
  saveParts(file: FileId, upload: SavedUpload, parts: Iterable<number>): void {
    upload.partsDone = encodeParts(parts);
    this.saveIfRoom(file, upload);
  }

  clear(file: FileId): void {
    this.clearId(fileFingerprint(file));
  }

  clearId(id: string): void {
    if (!id.startsWith(MULTIPART_KEY_PREFIX)) return;
    this.unsaved.delete(id);
    this.storage.remove(id);
  }

  private loadKey(id: string, nowMs: number, size?: number): SavedUpload | undefined {
    // What could not be written is newer than anything storage still holds under this id.
    const saved = this.unsaved.get(id) ?? this.storage.get<unknown>(id);
    if (!isSaved(saved) || (size !== undefined && saved.size !== size)) return undefined;
    if (saved.expiresAtMs <= nowMs) {
      this.clearId(id);
      this.onExpired(saved);
      return undefined;
    }
    return saved;
  }
}
