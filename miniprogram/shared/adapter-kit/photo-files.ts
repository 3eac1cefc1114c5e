// The file half of PhotoTools (read, write a copy, size, delete), written once over
// the file-system manager WeChat and Alipay both have (same method names and
// options, different error shapes). Prepared copies go to one folder under
// USER_DATA_PATH (the apps cannot write their temp folder); that folder counts
// against the user-data quota (WeChat: 200 MB), so a copy is deleted once its
// upload is done or removed, and what a run killed mid-upload left is deleted once
// per run, except the copies an upload in parts saved for 继续上传 will still send
// (emptying the whole folder used to take those too, and the resume then failed).
import type { PhotoTools } from '../core/index';
import { PlatformError } from '../core/index';

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: unknown) => void };

/** What both platforms' getFileSystemManager() offer, as far as this file uses it. */
export interface FileSystemLike {
  readFile(o: { filePath: string } & Callbacks<{ data: string | ArrayBuffer }>): void;
  writeFile(o: { filePath: string; data: ArrayBuffer } & Callbacks<unknown>): void;
  getFileInfo(o: { filePath: string } & Callbacks<{ size: number }>): void;
  unlink(o: { filePath: string } & Callbacks<unknown>): void;
  mkdir(o: { dirPath: string; recursive?: boolean } & Callbacks<unknown>): void;
  readdir(o: { dirPath: string } & Callbacks<{ files: string[] }>): void;
}

export const OUTGOING_DIR = 'outgoing';

export function createPhotoFiles(
  fs: () => FileSystemLike,
  userDataPath: () => string,
  errorText: (err: unknown) => string,
): Omit<PhotoTools, 'compressImage'> {
  let folderReady: Promise<string> | undefined;
  let written = 0;
  /** Copies this run wrote: never leftovers, whenever the leftovers are cleared. */
  const writtenThisRun = new Set<string>();
  let leftoversCleared = false;
  const failWith = (reject: (e: unknown) => void) => (err: unknown) => reject(new PlatformError('unknown', errorText(err), err));
  const dir = () => `${userDataPath()}/${OUTGOING_DIR}`;

  const folder = () => {
    // Already there is fine (fail): the write that follows says whether the folder is usable.
    folderReady ??= new Promise((resolve) => fs().mkdir({ dirPath: dir(), recursive: true, success: () => resolve(dir()), fail: () => resolve(dir()) }));
    return folderReady;
  };

  return {
    readFile(path) {
      return new Promise((resolve, reject) =>
        fs().readFile({
          filePath: path,
          success: (res) => (typeof res.data === 'string' ? reject(new PlatformError('unknown', 'readFile gave text, not bytes')) : resolve(res.data)),
          fail: failWith(reject),
        }),
      );
    },
    async writeTempFile(data, extension) {
      const folderPath = await folder();
      written += 1;
      const filePath = `${folderPath}/${Date.now().toString(36)}-${written}.${extension}`;
      writtenThisRun.add(filePath);
      return new Promise((resolve, reject) => fs().writeFile({ filePath, data, success: () => resolve(filePath), fail: failWith(reject) }));
    },
    removeLeftoverTempFiles(keep) {
      if (leftoversCleared) return Promise.resolve();
      leftoversCleared = true;
      // Best effort: leftovers only cost quota, so a failure here never reaches the person.
      return new Promise((resolve) => {
        try {
          fs().readdir({
            dirPath: dir(),
            success: ({ files }) => {
              for (const name of files) {
                const filePath = `${dir()}/${name}`;
                if (!keep.has(filePath) && !writtenThisRun.has(filePath)) fs().unlink({ filePath, fail: () => undefined });
              }
              resolve();
            },
            fail: () => resolve(), // no folder yet: nothing was left
          });
        } catch {
          resolve();
        }
      });
    },
    fileSize(path) {
      return new Promise((resolve, reject) =>
        fs().getFileInfo({ filePath: path, success: (res) => resolve(Number(res.size) || 0), fail: failWith(reject) }),
      );
    },
    removeTempFile(path) {
      // Only our own copies: never a file the picker handed out.
      if (!path.startsWith(`${dir()}/`)) return;
      fs().unlink({ filePath: path, fail: () => undefined });
    },
  };
}
