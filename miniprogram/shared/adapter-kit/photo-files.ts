// The file half of PhotoTools (read, write a copy, size, delete), written once over
// the file-system manager WeChat and Alipay both have (same method names and
// options, different error shapes). Prepared copies go to one folder under
// USER_DATA_PATH (the apps cannot write their temp folder); that folder counts
// against the user-data quota (WeChat: 200 MB), so a copy is deleted once its
// upload is done or removed, and the folder is emptied on first use in a run: a copy
// left by a run that was killed mid-upload is not needed any more.
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
  rmdir(o: { dirPath: string; recursive?: boolean } & Callbacks<unknown>): void;
}

export const OUTGOING_DIR = 'outgoing';

export function createPhotoFiles(
  fs: () => FileSystemLike,
  userDataPath: () => string,
  errorText: (err: unknown) => string,
): Omit<PhotoTools, 'compressImage'> {
  let folderReady: Promise<string> | undefined;
  let written = 0;
  const failWith = (reject: (e: unknown) => void) => (err: unknown) => reject(new PlatformError('unknown', errorText(err), err));
  const dir = () => `${userDataPath()}/${OUTGOING_DIR}`;

  const folder = () => {
    folderReady ??= new Promise((resolve) => {
      const make = () => fs().mkdir({ dirPath: dir(), recursive: true, success: () => resolve(dir()), fail: () => resolve(dir()) });
      fs().rmdir({ dirPath: dir(), recursive: true, success: make, fail: make });
    });
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
      return new Promise((resolve, reject) => fs().writeFile({ filePath, data, success: () => resolve(filePath), fail: failWith(reject) }));
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
