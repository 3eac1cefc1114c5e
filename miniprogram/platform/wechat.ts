// The WeChat platform: pickers, clipboard, preview, toast, storage and language,
// plus the transport from wechat-transport.ts. Nothing here runs at import time:
// the app calls createWechatPlatform() once it is running.
import type { Lang, PickedFile } from '../shared/core/index';
import { PlatformError, type KeyValueStore, type PlatformErrorKind } from '../shared/core/index';
import type { AppPlatform } from '../shared/core/index';
import { appVisibility, toPickedFile } from '../shared/adapter-kit/index';
import { createWechatTransport, errMsgOf } from './wechat-transport';
import { createWechatPhotoTools } from './wechat-photo-tools';

/** An icon-less toast shows two lines, about 14 Chinese characters each; longer errors would be cut. */
const TOAST_MAX_CHARS = 28;

/** chooseMedia allows 20 files per pick from base library 2.25.0, 9 before. */
export const MEDIA_COUNT_MAX = 20;
export const MEDIA_COUNT_MAX_LEGACY = 9;
const MEDIA_COUNT_MAX_SINCE = '2.25.0';
/** chooseMessageFile's documented maximum. */
export const CHAT_FILE_COUNT_MAX = 100;
/**
 * chooseMedia stops a recording at maxDuration: 10 s unless told, 60 s at most (WeChat docs,
 * chooseMedia). A video taken with 拍照 gets the most the camera allows.
 */
export const CAMERA_VIDEO_MAX_SECONDS = 60;
/** showActionSheet takes at most 6 items (WeChat docs). */
const ACTION_SHEET_MAX_ITEMS = 6;

/** The WeChat adapter: the Platform plus what the shared page controllers need. */
export interface WechatPlatform extends AppPlatform {
  readonly name: 'wechat';
}

/** "2.25.0" vs "2.9.1", numerically part by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** getAppBaseInfo is the current API; getSystemInfoSync the one every base library has. */
function baseInfo(): { SDKVersion: string; language: string } {
  try {
    if (typeof wx.getAppBaseInfo === 'function') {
      const info = wx.getAppBaseInfo();
      if (info && info.SDKVersion) return { SDKVersion: info.SDKVersion, language: info.language ?? '' };
    }
  } catch {
    // older base library: fall through
  }
  try {
    const info = wx.getSystemInfoSync();
    return { SDKVersion: info.SDKVersion ?? '', language: info.language ?? '' };
  } catch {
    return { SDKVersion: '', language: '' };
  }
}

export function mediaCountMax(sdkVersion: string): number {
  return sdkVersion && compareVersions(sdkVersion, MEDIA_COUNT_MAX_SINCE) >= 0 ? MEDIA_COUNT_MAX : MEDIA_COUNT_MAX_LEGACY;
}

export function languageFrom(systemLanguage: string): Lang {
  return systemLanguage.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** A picker closed by the person says "...:fail cancel" — that is not an error. */
export function isCancel(errMsg: string): boolean {
  return /fail[: ]*cancel/i.test(errMsg);
}

export function platformErrorKind(errMsg: string): PlatformErrorKind {
  if (/auth|permission|privacy|authorize/i.test(errMsg)) return 'permission';
  if (/not support|unsupported|is not a function|not a function/i.test(errMsg)) return 'unsupported';
  return 'unknown';
}

function toPlatformError(raw: unknown): PlatformError {
  const errMsg = errMsgOf(raw);
  return new PlatformError(platformErrorKind(errMsg), errMsg, raw);
}

/** Runs a picker; cancel resolves [], anything else rejects with a PlatformError. */
function pick<T>(start: (success: (res: T) => void, fail: (err: unknown) => void) => void, map: (res: T) => PickedFile[]) {
  return new Promise<PickedFile[]>((resolve, reject) => {
    try {
      start(
        (res) => resolve(map(res)),
        (err) => (isCancel(errMsgOf(err)) ? resolve([]) : reject(toPlatformError(err))),
      );
    } catch (err) {
      reject(toPlatformError(err));
    }
  });
}

const clampCount = (count: number, max: number) => Math.max(1, Math.min(Math.floor(count) || 1, max));

function createStorage(): KeyValueStore {
  return {
    get<T>(key: string): T | undefined {
      try {
        const value: unknown = wx.getStorageSync(key);
        // WeChat answers '' for a key that was never set.
        return value === '' || value === undefined || value === null ? undefined : (value as T);
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      try {
        wx.setStorageSync(key, value);
      } catch (err) {
        // e.g. the 10 MB storage quota is full
        throw toPlatformError(err);
      }
    },
    remove(key) {
      try {
        wx.removeStorageSync(key);
      } catch {
        // nothing stored: nothing to remove
      }
    },
    keys() {
      try {
        const keys = wx.getStorageInfoSync().keys;
        return Array.isArray(keys) ? [...keys] : [];
      } catch {
        return [];
      }
    },
  };
}

type ToastIcon = 'success' | 'none';

export function createWechatPlatform(): WechatPlatform {
  const transport = createWechatTransport();
  return {
    name: 'wechat',
    request: transport.request,
    upload: transport.upload,
    putPart: transport.putPart,
    storage: createStorage(),
    onAppVisibility: appVisibility(() => wx),
    ...createWechatPhotoTools(),

    chooseMedia({ count, source, mediaTypes = ['image'] }) {
      return pick<WechatMiniprogram.ChooseMediaSuccessCallbackResult>(
        (success, fail) =>
          wx.chooseMedia({
            count: clampCount(count, mediaCountMax(baseInfo().SDKVersion)),
            mediaType: mediaTypes,
            sourceType: [source],
            ...(source === 'camera' && mediaTypes.includes('video') ? { maxDuration: CAMERA_VIDEO_MAX_SECONDS } : {}),
            // The app compresses itself (原图 off), so it knows both sizes and the picker must not shrink first.
            sizeType: ['original'],
            success,
            fail,
          }),
        (res) =>
          (res.tempFiles ?? []).map((f) =>
            toPickedFile({
              path: f.tempFilePath,
              size: f.size,
              kind: f.fileType === 'video' ? 'video' : 'image',
              thumbPath: f.thumbTempFilePath || undefined,
            }),
          ),
      );
    },

    chooseChatFiles({ count, type = 'all', extensions }) {
      return pick<WechatMiniprogram.ChooseMessageFileSuccessCallbackResult>(
        (success, fail) =>
          wx.chooseMessageFile({
            count: clampCount(count, CHAT_FILE_COUNT_MAX),
            type,
            // `extension` filters only with type 'file' (WeChat docs), and must not hold empty strings.
            ...(type === 'file' && extensions && extensions.length > 0 ? { extension: extensions.filter((e) => e.length > 0) } : {}),
            success,
            fail,
          }),
        (res) => (res.tempFiles ?? []).map((f) => toPickedFile({ path: f.path, size: f.size, name: f.name })),
      );
    },

    // WeChat announces a copy itself (内容已复制): nothing of ours on top of it.
    copyText(text) {
      return new Promise((resolve, reject) => {
        wx.setClipboardData({ data: text, success: () => resolve(), fail: (err) => reject(toPlatformError(err)) });
      });
    },

    previewImages(urls, current) {
      wx.previewImage({ urls, current });
    },

    toast(message, kind = 'info') {
      // An error the toast would cut (two lines at most) goes into a modal, so the reason is read whole.
      if (kind === 'error' && message.length > TOAST_MAX_CHARS) {
        wx.showModal({ content: message, showCancel: false });
        return;
      }
      // Toasts with an icon cut the title at 7 Chinese characters; errors need their full text.
      const icon: ToastIcon = kind === 'success' ? 'success' : 'none';
      wx.showToast({ title: message, icon, duration: kind === 'error' ? 3000 : 1500 });
    },

    language: () => languageFrom(baseInfo().language),

    loginCode() {
      // Silent: wx.login asks the person nothing; the code lives 5 minutes and is single-use.
      return new Promise((resolve, reject) => {
        wx.login({
          success: (res) => (res.code ? resolve(res.code) : reject(new PlatformError('unknown', 'wx.login gave no code', res))),
          fail: (err) => reject(toPlatformError(err)),
        });
      });
    },

    secureRandom(length) {
      return new Promise((resolve, reject) => {
        if (typeof wx.getRandomValues !== 'function') {
          reject(new PlatformError('unsupported', 'wx.getRandomValues needs base library 2.15.0 or later'));
          return;
        }
        wx.getRandomValues({
          length,
          success: (res) => resolve(new Uint8Array(res.randomValues)),
          fail: (err) => reject(toPlatformError(err)),
        });
      });
    },

    confirm({ title, content, confirmText, cancelText }) {
      return new Promise((resolve) => {
        wx.showModal({
          title,
          content,
          ...(confirmText ? { confirmText } : {}),
          ...(cancelText ? { cancelText } : {}),
          success: (res) => resolve(res.confirm === true),
          fail: () => resolve(false),
        });
      });
    },

    actionSheet(items) {
      return new Promise((resolve) => {
        wx.showActionSheet({
          itemList: items.slice(0, ACTION_SHEET_MAX_ITEMS),
          success: (res) => resolve(res.tapIndex),
          // Dismissed ("showActionSheet:fail cancel") or refused: nothing chosen.
          fail: () => resolve(undefined),
        });
      });
    },

    setPageTitle(title) {
      wx.setNavigationBarTitle({ title });
    },

    setTabTitles(titles) {
      // Only works while a tab page is showing; harmless to fail elsewhere.
      titles.forEach((text, index) => wx.setTabBarItem({ index, text, fail: () => undefined }));
    },
  };
}
