// What preparing a photo needs from WeChat (shared/ui/photo-prep.ts): wx.compressImage,
// and the file half shared with Alipay (adapter-kit/photo-files.ts) over WeChat's
// file-system manager.
import type { PhotoTools } from '../shared/core/index';
import { PlatformError } from '../shared/core/index';
import { createPhotoFiles, type FileSystemLike } from '../shared/adapter-kit/index';
import { errMsgOf } from './wechat-transport';

export function createWechatPhotoTools(): PhotoTools {
  return {
    compressImage(path, quality) {
      return new Promise((resolve, reject) =>
        wx.compressImage({
          src: path,
          quality,
          success: (res) => resolve(res.tempFilePath),
          fail: (err) => reject(new PlatformError('unknown', errMsgOf(err), err)),
        }),
      );
    },
    ...createPhotoFiles(
      () => wx.getFileSystemManager() as unknown as FileSystemLike,
      () => wx.env.USER_DATA_PATH,
      errMsgOf,
    ),
  };
}
