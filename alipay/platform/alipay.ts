// The Alipay platform: picker, clipboard, preview, toast, storage and language, plus
// the transport from alipay-transport.ts. Nothing here runs at import time: the app
// calls createAlipayPlatform() once it is running. Alipay has no chooseMedia and no
// chat-file picker: photos come from my.chooseImage, videos from my.chooseVideo (album
// or camera each).
import type { Lang, PickedFile } from '../shared/miniprogram/shared/core/index';
import { PlatformError, type KeyValueStore, type PlatformErrorKind } from '../shared/miniprogram/shared/core/index';
import type { AppPlatform } from '../shared/miniprogram/shared/core/index';
import { appVisibility, toPickedFile } from '../shared/miniprogram/shared/adapter-kit/index';
import { alipayErrorOf, createAlipayTransport, type AlipayError } from './alipay-transport';
import { withRealImageTypes, withRealVideoType, type PickerEntry } from './alipay-picked-type';
import { createAlipayPhotoTools } from './alipay-photo-tools';

/** my.chooseImage hands out at most 9 photos per pick. */
export const IMAGE_COUNT_MAX = 9;

/**
 * my.chooseVideo stops a recording at maxDuration (its default, 60 s, said here so the
 * app does not depend on it); the same as WeChat's camera, where videos are allowed.
 */
export const CAMERA_VIDEO_MAX_SECONDS = 60;

/** Alipay's documented picker failures. */
export const ALIPAY_PICK_ERROR = {
  /** "用户取消操作": the person closed the picker — not an error. */
  cancelled: 11,
  /** "在申请授权时用户拒绝授权". */
  authDenied: 2001,
} as const;

export interface AlipayPlatform extends AppPlatform {
  readonly name: 'alipay';
}

export function languageFrom(systemLanguage: string): Lang {
  return systemLanguage.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

export function platformErrorKind(raw: AlipayError): PlatformErrorKind {
  if (raw.error === ALIPAY_PICK_ERROR.authDenied || /auth|permission|授权|权限/i.test(raw.errorMessage ?? '')) return 'permission';
  if (/not support|unsupported|不支持/i.test(raw.errorMessage ?? '')) return 'unsupported';
  return 'unknown';
}

function toPlatformError(raw: unknown): PlatformError {
  const error = alipayErrorOf(raw);
  return new PlatformError(platformErrorKind(error), error.errorMessage || `error ${error.error ?? 'unknown'}`, raw);
}

const clampCount = (count: number, max: number) => Math.max(1, Math.min(Math.floor(count) || 1, max));

interface ChooseImageResult {
  tempFilePaths?: string[];
  /** The older name of tempFilePaths. */
  apFilePaths?: string[];
  tempFiles?: Array<PickerEntry & { size: number }>;
}

/** Size of a picked file when the client did not say (older clients return only paths). */
function fileSize(path: string): Promise<number> {
  return new Promise((resolve) => {
    my.getFileSystemManager().getFileInfo({
      filePath: path,
      success: (res) => resolve(Number((res as { size?: unknown }).size) || 0),
      // The signer and the store still enforce the size; 0 only skips the local check.
      fail: () => resolve(0),
    });
  });
}

async function pickedFiles(res: ChooseImageResult): Promise<PickedFile[]> {
  if (res.tempFiles && res.tempFiles.length > 0) {
    const entries = res.tempFiles;
    return withRealImageTypes(entries.map((f) => toPickedFile({ path: f.path, size: f.size, kind: 'image' })), entries);
  }
  const paths = res.tempFilePaths ?? res.apFilePaths ?? [];
  const sizes = await Promise.all(paths.map(fileSize));
  return withRealImageTypes(
    paths.map((path, i) => toPickedFile({ path, size: sizes[i], kind: 'image' })),
    paths.map((path) => ({ path })),
  );
}

/**
 * What my.chooseVideo's success gives (typings of @mini-types/my; the docs list the same):
 * one video as `tempFilePath` (and `filePath`), its `size` in bytes, `duration` in
 * seconds, `width` and `height`. No thumbnail: the tile shows the format's badge.
 */
interface ChooseVideoResult {
  tempFilePath?: string;
  filePath?: string;
  size?: number;
  duration?: number;
  width?: number;
  height?: number;
}

async function pickedVideo(res: ChooseVideoResult): Promise<PickedFile[]> {
  const path = res.tempFilePath || res.filePath;
  if (!path) return [];
  const said = Number(res.size);
  const size = Number.isFinite(said) && said > 0 ? said : await fileSize(path);
  return [await withRealVideoType(toPickedFile({ path, size, kind: 'video' }))];
}

/**
 * Runs one of Alipay's pickers: the person closing it (error 11, "用户取消操作") resolves
 * [], quietly, as every platform's picker does here; any other failure is a PlatformError.
 */
function pick<R>(call: (success: (res: R) => void, fail: (err: unknown) => void) => void, files: (res: R) => Promise<PickedFile[]>): Promise<PickedFile[]> {
  return new Promise<PickedFile[]>((resolve, reject) => {
    try {
      call(
        (res) => files(res).then(resolve, reject),
        (err) => {
          const error = alipayErrorOf(err);
          if (error.error === ALIPAY_PICK_ERROR.cancelled) resolve([]);
          else reject(toPlatformError(err));
        },
      );
    } catch (err) {
      reject(toPlatformError(err));
    }
  });
}

function createStorage(): KeyValueStore {
  return {
    get<T>(key: string): T | undefined {
      try {
        const { data } = my.getStorageSync({ key });
        // Alipay answers null (older clients: undefined) for a key never set.
        return data === null || data === undefined || data === '' ? undefined : (data as T);
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      // Alipay reports a refused write (e.g. over the 10 MB quota) in the result, not by throwing.
      const result = my.setStorageSync({ key, data: value }) as { success?: boolean; error?: number; errorMessage?: string } | undefined;
      if (result && result.success === false) throw toPlatformError(result);
    },
    remove(key) {
      try {
        my.removeStorageSync({ key });
      } catch {
        // nothing stored: nothing to remove
      }
    },
    keys() {
      try {
        const keys = (my.getStorageInfoSync() as { keys?: unknown }).keys;
        return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
      } catch {
        return [];
      }
    },
  };
}

export function createAlipayPlatform(): AlipayPlatform {
  const transport = createAlipayTransport();
  return {
    name: 'alipay',
    request: transport.request,
    upload: transport.upload,
    storage: createStorage(),
    onAppVisibility: appVisibility(() => my),
    ...createAlipayPhotoTools(),

    chooseMedia({ count, source, mediaTypes = ['image'] }) {
      if (!mediaTypes.includes('image')) {
        // Videos alone: my.chooseImage cannot offer them, my.chooseVideo can (one per pick).
        if (!mediaTypes.includes('video')) return Promise.resolve([]);
        return pick<ChooseVideoResult>(
          (success, fail) =>
            my.chooseVideo({
              sourceType: [source],
              ...(source === 'camera' ? { maxDuration: CAMERA_VIDEO_MAX_SECONDS } : {}),
              // `compressed` stays Alipay's default (true; iOS always compresses): a video goes in one
              // request within the signer's single-upload limit here, which a phone's raw recording passes in seconds.
              success: (res) => success(res as ChooseVideoResult),
              fail,
            }),
          pickedVideo,
        );
      }
      // Photos (with videos allowed too, still photos: Alipay has no picker for both at once).
      return pick<ChooseImageResult>(
        (success, fail) =>
          my.chooseImage({
            count: clampCount(count, IMAGE_COUNT_MAX),
            sourceType: [source],
            // The app compresses itself (原图 off), so it knows both sizes.
            sizeType: ['original'],
            // The typings declare tempFiles as one object; the docs (and the phone) give an array.
            success: (res) => success(res as unknown as ChooseImageResult),
            fail,
          }),
        pickedFiles,
      );
    },

    loginCode() {
      // scopes 'auth_base': silent, no consent page; the code is exchanged once by the signer.
      return new Promise((resolve, reject) => {
        my.getAuthCode({
          scopes: 'auth_base',
          success: (res) => (res.authCode ? resolve(res.authCode) : reject(new PlatformError('unknown', 'my.getAuthCode gave no authCode', res))),
          fail: (err) => reject(toPlatformError(err)),
        });
      });
    },

    copyText(text, copiedMessage) {
      return new Promise((resolve, reject) => {
        my.setClipboard({
          text,
          success: () => {
            // Unlike WeChat, Alipay shows nothing when it copied.
            my.showToast({ content: copiedMessage, type: 'success', duration: 1500 });
            resolve();
          },
          fail: (err) => reject(toPlatformError(err)),
        });
      });
    },

    previewImages(urls, current) {
      // Alipay takes the index of the current image, not its URL.
      const index = urls.indexOf(current);
      my.previewImage({ urls: index >= 0 ? urls : [current, ...urls], current: Math.max(index, 0) });
    },

    toast(message, kind = 'info') {
      const type = kind === 'success' ? 'success' : kind === 'error' ? 'fail' : 'none';
      // Errors stay longer: they carry a sentence to read, not a tick.
      my.showToast({ content: message, type, duration: kind === 'error' ? 3000 : 1500 });
    },

    language: languageOf,

    confirm({ title, content, confirmText, cancelText }) {
      return new Promise((resolve) => {
        my.confirm({
          title,
          content,
          ...(confirmText ? { confirmButtonText: confirmText } : {}),
          ...(cancelText ? { cancelButtonText: cancelText } : {}),
          success: (res) => resolve(res.confirm === true),
          fail: () => resolve(false),
        });
      });
    },

    actionSheet(items) {
      return new Promise((resolve) => {
        my.showActionSheet({
          items,
          // -1 when the person dismissed the sheet.
          success: (res) => resolve(res.index >= 0 ? res.index : undefined),
          fail: () => resolve(undefined),
        });
      });
    },

    setPageTitle(title) {
      my.setNavigationBar({ title });
    },

    setTabTitles(titles) {
      // Only works while a tab page is showing; harmless to fail elsewhere.
      titles.forEach((text, index) => my.setTabBarItem({ index, text, fail: () => undefined }));
    },
  };
}

function languageOf(): Lang {
  try {
    return languageFrom(my.getSystemInfoSync().language ?? '');
  } catch {
    return 'zh';
  }
}
