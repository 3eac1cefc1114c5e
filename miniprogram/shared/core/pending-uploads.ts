// Photos sent in one request (not in parts) that have not been uploaded yet, remembered
// in storage so that a launch after the app was ended (WeChat and Alipay end a mini
// program left in the background) can list them under 上次没有传完 instead of letting
// them vanish without a word. Nothing of a half-sent POST can be kept: 继续上传 sends
// the file again from its start. One storage key per file, as for uploads in parts.
import type { KeyValueStore } from './ports';
import type { PickedFile, PickLabel } from './types';

export const PENDING_KEY_PREFIX = 'pending-upload:';

interface PendingFile {
  name: string;
  path: string;
  size: number;
  type: string;
  kind: PickedFile['kind'];
  tempName?: true;
  label?: PickLabel;
  preparedCopy?: true;
  thumbPath?: string;
  originalSize?: number;
  locationRemoved?: true;
  /** When it was remembered, and its place in that moment: the list keeps the order they were added. */
  savedAt?: number;
  seq?: number;
}

const KINDS: ReadonlyArray<PickedFile['kind']> = ['image', 'video', 'file'];

const isPending = (v: unknown): v is PendingFile => {
  const p = v as Partial<PendingFile> | undefined;
  return (
    typeof p === 'object' && p !== null &&
    typeof p.name === 'string' && typeof p.path === 'string' && p.path !== '' && typeof p.type === 'string' &&
    Number.isSafeInteger(p.size) && (p.size as number) > 0 && KINDS.includes(p.kind as PickedFile['kind'])
  );
};

export const pendingKey = (file: Pick<PickedFile, 'path' | 'size' | 'name'>) => `${PENDING_KEY_PREFIX}${file.size}:${file.name}:${file.path}`;

export class PendingUploads {
  private seq = 0;

  constructor(
    private readonly storage: KeyValueStore | undefined,
    private readonly now: () => number,
  ) {}

  /** Best effort: with the app's storage full the photo still goes, it just cannot be listed after a relaunch. */
  save(file: PickedFile): void {
    if (!this.storage) return;
    const pending: PendingFile = { name: file.name, path: file.path, size: file.size, type: file.type, kind: file.kind };
    if (file.tempName) pending.tempName = true;
    if (file.label) pending.label = { number: file.label.number, pickedAt: file.label.pickedAt };
    if (file.preparedCopy) pending.preparedCopy = true;
    if (file.thumbPath) pending.thumbPath = file.thumbPath;
    if (typeof file.originalSize === 'number') pending.originalSize = file.originalSize;
    if (file.locationRemoved === true) pending.locationRemoved = true;
    pending.savedAt = this.now();
    pending.seq = (this.seq += 1);
    try {
      this.storage.set(pendingKey(file), pending);
    } catch {
      // Storage full: this photo is simply not remembered across launches.
    }
  }

  clear(file: Pick<PickedFile, 'path' | 'size' | 'name'>): void {
    this.clearId(pendingKey(file));
  }

  clearId(id: string): void {
    if (!this.storage || !id.startsWith(PENDING_KEY_PREFIX)) return;
    try {
      this.storage.remove(id);
    } catch {
      // nothing stored: nothing to remove
    }
  }

  byId(id: string): PickedFile | undefined {
    if (!this.storage || !id.startsWith(PENDING_KEY_PREFIX)) return undefined;
    let value: unknown;
    try {
      value = this.storage.get<unknown>(id);
    } catch {
      return undefined;
    }
    if (!isPending(value)) return undefined;
    const file: PickedFile = { path: value.path, name: value.name, size: value.size, type: value.type, kind: value.kind };
    if (value.tempName === true) file.tempName = true;
    if (value.label && Number.isInteger(value.label.number) && Number.isFinite(value.label.pickedAt)) file.label = { number: value.label.number, pickedAt: value.label.pickedAt };
    if (value.preparedCopy === true) file.preparedCopy = true;
    if (typeof value.thumbPath === 'string' && value.thumbPath !== '') file.thumbPath = value.thumbPath;
    if (Number.isSafeInteger(value.originalSize)) file.originalSize = value.originalSize;
    if (value.locationRemoved === true) file.locationRemoved = true;
    return file;
  }

  private order(id: string): [number, number] {
    const value = this.storage?.get<PendingFile>(id);
    return [Number(value?.savedAt) || 0, Number(value?.seq) || 0];
  }

  list(): Array<{ id: string; file: PickedFile }> {
    if (!this.storage) return [];
    let keys: string[];
    try {
      keys = this.storage.keys() ?? [];
    } catch {
      return [];
    }
    const out: Array<{ id: string; file: PickedFile }> = [];
    for (const id of keys) {
      const file = this.byId(id);
      if (file) out.push({ id, file });
    }
    const order = new Map(out.map(({ id }) => [id, this.order(id)]));
    return out.sort((a, b) => {
      const [at, as] = order.get(a.id) as [number, number];
      const [bt, bs] = order.get(b.id) as [number, number];
      return at - bt || as - bs;
    });
  }
}
