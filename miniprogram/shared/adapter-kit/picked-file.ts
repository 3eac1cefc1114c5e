// Turns what a picker returned into one PickedFile, whatever the platform
// called its fields. Pure: shared by every platform adapter.
import type { PickedFile } from '../core/index';
import { mimeFromName, UNKNOWN_TYPE } from '../core/index';

/** `wxfile://tmp_abc.jpg` or `http://tmp/abc.jpg` → `tmp_abc.jpg`. */
export function nameFromPath(path: string): string {
  const withoutQuery = path.split(/[?#]/)[0];
  const parts = withoutQuery.split(/[\\/]/).filter((part) => part.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : path;
}

export function kindFromMime(mime: string): PickedFile['kind'] {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

export interface RawPick {
  path: string;
  size: number;
  /** Chat files carry their real name; photos do not. */
  name?: string;
  /** What the platform said the file is, if anything. */
  kind?: PickedFile['kind'];
  thumbPath?: string;
}

export function toPickedFile(raw: RawPick): PickedFile {
  const named = raw.name !== undefined && raw.name.length > 0;
  const name = named ? (raw.name as string) : nameFromPath(raw.path);
  // A photo's temp path has the right extension; a chat file's name is what its sender called it.
  const type = mimeFromName(name) !== UNKNOWN_TYPE ? mimeFromName(name) : mimeFromName(raw.path);
  const file: PickedFile = { path: raw.path, name, size: raw.size, type, kind: raw.kind ?? kindFromMime(type) };
  if (raw.thumbPath) file.thumbPath = raw.thumbPath;
  // A name made from a temp path means nothing to a person: the page shows "照片 1 · 今天 10:03" instead.
  if (!named) file.tempName = true;
  return file;
}
