// What preparing a photo needs from Alipay (shared/ui/photo-prep.ts): my.compressImage,
// and the file half shared with WeChat (adapter-kit/photo-files.ts) over Alipay's
// file-system manager.
import type { PhotoTools } from '../shared/miniprogram/shared/core/index';
import { PlatformError } from '../shared/miniprogram/shared/core/index';
import { createPhotoFiles, type FileSystemLike } from '../shared/miniprogram/shared/adapter-kit/index';
import { alipayErrorOf } from './alipay-transport';

/**
 * my.compressImage takes a level, not a quality: 0 low, 1 medium, 2 high, 3 none,
 * 4 by network (Alipay docs). Level 2 is the closest to WeChat's quality 80.
 */
const HIGH_QUALITY_LEVEL = 2;

const errorText = (err: unknown) => {
  const e = alipayErrorOf(err);
  return `${e.error ?? ''} ${e.errorMessage ?? ''}`.trim() || 'unknown error';
};

export function createAlipayPhotoTools(): PhotoTools {
  return {
    compressImage(path) {
      return new Promise((resolve, reject) =>
        my.compressImage({
          apFilePaths: [path],
          compressLevel: HIGH_QUALITY_LEVEL,
          success: (res) => (res.apFilePaths?.[0] ? resolve(res.apFilePaths[0]) : reject(new PlatformError('unknown', 'compressImage gave no file'))),
          fail: (err) => reject(new PlatformError('unknown', errorText(err), err)),
        }),
      );
    },
    ...createPhotoFiles(
      () => my.getFileSystemManager() as unknown as FileSystemLike,
      () => my.env.USER_DATA_PATH,
      errorText,
    ),
  };
}
