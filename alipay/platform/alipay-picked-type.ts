// The real type of photos my.chooseImage and videos my.chooseVideo hand out without
// one. On a phone their paths are `https://resource/apml<hex>.image` ("真机预览上以 .image
// 为后缀", the chooseImage docs) and `https://resource/apml<hex>.video` (the form Alipay's
// video docs give a picked video's apFilePath), so the extension names nothing and every
// file would be refused as application/octet-stream. Asked in order of cost: what the
// picker said, then my.getImageInfo's / my.getVideoInfo's `type`, then the file's first
// bytes read through the file system manager (its readFile has no position/length on
// Alipay, so the whole file is read once and only its start is looked at). Touches `my`
// only when called.
import type { PickedFile } from '../shared/miniprogram/shared/core/index';
import { UNKNOWN_TYPE } from '../shared/miniprogram/shared/core/index';
import { SNIFF_BYTES, imageTypeFromBytes, imageTypeFromFormat, renameForType, videoTypeFromBytes, videoTypeFromFormat } from '../shared/miniprogram/shared/adapter-kit/index';

/** A picker entry as clients give it; newer ones may name the format. */
export interface PickerEntry {
  path: string;
  fileType?: unknown;
  type?: unknown;
}

function imageInfoType(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      my.getImageInfo({
        src: path,
        // The typings declare `type` a number; the docs and phones give the format's name.
        success: (res) => resolve(imageTypeFromFormat((res as { type?: unknown }).type)),
        // e.g. 22 "不支持的地址后缀名": the bytes will tell.
        fail: () => resolve(undefined),
      });
    } catch {
      resolve(undefined);
    }
  });
}

function sniffedType(path: string, judge: (bytes: Uint8Array) => string | undefined = imageTypeFromBytes): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      my.getFileSystemManager().readFile({
        filePath: path,
        success: ({ data }) => {
          const bytes = typeof data === 'string' ? undefined : new Uint8Array(data as ArrayBuffer, 0, Math.min(SNIFF_BYTES, (data as ArrayBuffer).byteLength));
          resolve(bytes ? judge(bytes) : undefined);
        },
        fail: () => resolve(undefined),
      });
    } catch {
      resolve(undefined);
    }
  });
}

/** What the picker or my.getImageInfo says the photo is: cheap, nothing of the file is read into memory. */
async function namedImageType(entry: PickerEntry): Promise<string | undefined> {
  return imageTypeFromFormat(entry.fileType) ?? imageTypeFromFormat(entry.type) ?? (await imageInfoType(entry.path));
}

/**
 * Photos whose type the path could not give get their real one, and a name with
 * its extension (so the badge, the IDE's fileType and anything reading the name
 * agree); the rest pass as they are.
 */
export async function withRealImageTypes(files: PickedFile[], entries: readonly PickerEntry[]): Promise<PickedFile[]> {
  const entryOf = (i: number) => entries[i] ?? { path: files[i].path };
  const named = await Promise.all(files.map((file, i) => (file.type !== UNKNOWN_TYPE ? file.type : namedImageType(entryOf(i)))));
  // Reading bytes means reading the whole photo (no position/length here): one file at a
  // time, so nine photos of several MB never sit in the mini program's memory together.
  const types: Array<string | undefined> = [];
  for (let i = 0; i < files.length; i += 1) types.push(named[i] ?? (await sniffedType(entryOf(i).path)));
  return files.map((file, i) => {
    const type = types[i];
    if (file.type !== UNKNOWN_TYPE || !type) return file;
    return { ...file, type, kind: 'image' as const, name: renameForType(file.name, type) };
  });
}

/** my.getVideoInfo's container name; undefined where the client has no such API or refuses the path. */
function videoInfoType(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      // Declared by the typings, but absent from older clients (and the IDE of some versions).
      const getVideoInfo = (my as unknown as { getVideoInfo?: typeof my.getVideoInfo }).getVideoInfo;
      if (typeof getVideoInfo !== 'function') return resolve(undefined);
      getVideoInfo({
        src: path,
        success: (res) => resolve(videoTypeFromFormat((res as { type?: unknown }).type)),
        fail: () => resolve(undefined),
      });
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * Largest video whose bytes are read to tell its type. readFile has no position/length
 * here, so telling means holding the whole video in the mini program's memory once; past
 * this a phone may kill the mini program, which loses every upload on the page.
 */
export const MAX_SNIFFED_VIDEO_BYTES = 32 * 1024 * 1024;

/**
 * A picked video whose type its path could not give gets its real one (my.getVideoInfo,
 * then, up to MAX_SNIFFED_VIDEO_BYTES, its first bytes), and a name with that extension;
 * it stays a video either way. A video nothing names keeps the unknown type: the page then
 * says it cannot be sent, so nothing is lost silently.
 */
export async function withRealVideoType(file: PickedFile): Promise<PickedFile> {
  if (file.type !== UNKNOWN_TYPE) return file;
  const sniff = () => (file.size <= MAX_SNIFFED_VIDEO_BYTES ? sniffedType(file.path, videoTypeFromBytes) : Promise.resolve(undefined));
  const type = (await videoInfoType(file.path)) ?? (await sniff());
  if (!type) return file;
  return { ...file, type, kind: 'video', name: renameForType(file.name, type) };
}
