// What preparing a photo needs from WeChat (shared/ui/photo-prep.ts): compress,
// read, write a temp copy, size, and forget the copy. Prepared copies go to one
// folder under USER_DATA_PATH (WeChat's temp files cannot be written by the app);
// that folder counts against the 200 MB of user data, so copies are deleted once
// their upload is done or removed, and the folder is emptied on first use in a run
// (a copy left by a run that was killed mid-upload is not needed any more).
import type { PhotoTools } from '../shared/core/index';
import { PlatformError } from '../shared/core/index';
import { errMsgOf } from './wechat-transport';

const OUTGOING_DIR = 'outgoing';

const failWith = (reject: (e: unknown) => void) => (err: unknown) => reject(new PlatformError('unknown', errMsgOf(err), err));

export function createWechatPhotoTools(): PhotoTools {
  let folderReady: Promise<string> | undefined;
  let written = 0;

  const folder = () => {
    folderReady ??= new Promise((resolve) => {
      const fs = wx.getFileSystemManager();
      const dir = `${wx.env.USER_DATA_PATH}/${OUTGOING_DIR}`;
      const make = () => fs.mkdir({ dirPath: dir, recursive: true, success: () => resolve(dir), fail: () => resolve(dir) });
      fs.rmdir({ dirPath: dir, recursive: true, success: make, fail: make });
    });
    return folderReady;
  };

  return {
    compressImage(path, quality) {
      return new Promise((resolve, reject) =>
        wx.compressImage({ src: path, quality, success: (res) => resolve(res.tempFilePath), fail: failWith(reject) }),
      );
    },
    readFile(path) {
      return new Promise((resolve, reject) =>
        wx.getFileSystemManager().readFile({ filePath: path, success: (res) => resolve(res.data as ArrayBuffer), fail: failWith(reject) }),
      );
    },
    async writeTempFile(data, extension) {
      const dir = await folder();
      written += 1;
      const filePath = `${dir}/${Date.now().toString(36)}-${written}.${extension}`;
      return new Promise((resolve, reject) =>
        wx.getFileSystemManager().writeFile({ filePath, data, success: () => resolve(filePath), fail: failWith(reject) }),
      );
    },
    fileSize(path) {
      return new Promise((resolve, reject) =>
        wx.getFileSystemManager().getFileInfo({ filePath: path, success: (res) => resolve(res.size), fail: failWith(reject) }),
      );
    },
    removeTempFile(path) {
      // Only our own copies: never a file the picker handed out.
      if (!path.startsWith(`${wx.env.USER_DATA_PATH}/${OUTGOING_DIR}/`)) return;
      wx.getFileSystemManager().unlink({ filePath: path, fail: () => undefined });
    },
  };
}
