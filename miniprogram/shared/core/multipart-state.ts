// What survives the app being killed mid-upload: per file, the upload token the signer
// signed (and what it says about the upload). Which parts are done is NOT kept: on
// resume the store is asked (ListParts), since a part the phone thinks it sent may
// never have arrived. Small: well within WeChat's 1 MB per storage key.
import type { KeyValueStore } from './ports';

const KEY_PREFIX = 'multipart-upload:';

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
}

/** The same file picked again: path, size and name agree. */
export function fileFingerprint(file: { path: string; size: number; name: string }): string {
  return `${KEY_PREFIX}${file.size}:${file.name}:${file.path}`;
}

export class MultipartState {
  constructor(private readonly storage: KeyValueStore | undefined) {}

  load(file: { path: string; size: number; name: string }, nowMs: number): SavedUpload | undefined {
    const saved = this.storage?.get<SavedUpload>(fileFingerprint(file));
    if (!saved || typeof saved.uploadToken !== 'string' || saved.size !== file.size) return undefined;
    if (saved.expiresAtMs <= nowMs) {
      this.clear(file);
      return undefined;
    }
    return saved;
  }

  save(file: { path: string; size: number; name: string }, upload: SavedUpload): void {
    this.storage?.set(fileFingerprint(file), upload);
  }

  clear(file: { path: string; size: number; name: string }): void {
    this.storage?.remove(fileFingerprint(file));
  }
}
