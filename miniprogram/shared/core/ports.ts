// Every interface a platform implements, in one place: the engine's transport (the
// tus-js-client `HttpStack` idea), the phone's pickers/clipboard/storage, and what the
// pages need on top. miniprogram/platform/wechat*.ts and alipay/platform/alipay*.ts
// implement them, only there is `wx` or `my` touched, and never at import time: a
// platform object is made by a function the app calls once it runs. Tests implement
// them with scripted fakes or with real HTTP in Node.
import type { PickedFile, Lang } from './types';

// ---- The transport: HTTP requests and file uploads ----

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  headers?: Record<string, string>;
  /** A JSON text (the engine serialises it itself). */
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  /** The body as text (JSON or the store's XML error). */
  body: string;
  headers: Record<string, string>;
}

export interface TransferProgress {
  bytesSent: number;
  totalBytes: number;
}

export interface FileUploadRequest {
  /** POST: multipart form to `url`; PUT: the raw file body to `url`. */
  method: 'POST' | 'PUT';
  url: string;
  filePath: string;
  /** The file name sent in the multipart part. */
  fileName: string;
  fileField: string;
  fields: Record<string, string>;
  headers: Record<string, string>;
  timeoutMs?: number;
  onProgress?: (progress: TransferProgress) => void;
}

export interface UploadTask {
  /** Resolves with any HTTP answer (the engine judges the status); rejects with TransportError. */
  result: Promise<HttpResponse>;
  abort(): void;
  /**
   * false: this task will not call onProgress before it ends (the platform handed back no
   * task, or one without onProgressUpdate), so its silence says nothing about a stall.
   */
  reportsProgress?: boolean;
}

export type TransportErrorKind =
  | 'network' // no connection, DNS, reset
  | 'timeout'
  | 'aborted' // our own abort()
  | 'domain' // the platform refused the domain (not on the allow-list)
  | 'file' // the local file could not be read
  | 'unknown';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** The platform's raw error (errMsg / {error, errorMessage}) for logs. */
    readonly raw?: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** One part of a multipart upload: bytes [offset, offset + length) of a file, PUT as the raw body. */
export interface FilePartRequest {
  url: string;
  headers: Record<string, string>;
  filePath: string;
  offset: number;
  length: number;
  timeoutMs?: number;
}

export interface Transport {
  request(request: HttpRequest): Promise<HttpResponse>;
  upload(request: FileUploadRequest): UploadTask;
  /**
   * Reads one range of a file and PUTs it (WeChat: the file system manager's readFile
   * with position/length, then a request with the ArrayBuffer). Absent where the
   * platform cannot: large files then stay within the single-request limit.
   */
  putPart?(request: FilePartRequest): UploadTask;
}

// ---- The phone: pickers, clipboard, storage, language ----

export type PlatformName = 'wechat' | 'alipay';

export type PickSource = 'album' | 'camera';
export type MediaKind = 'image' | 'video';
export type ChatFileType = 'all' | 'image' | 'video' | 'file';

export type PlatformErrorKind =
  | 'permission' // the person (or the system) refused album/camera access
  | 'unsupported' // the API does not exist on this platform or base library
  | 'unknown';

/** A picker/clipboard/storage failure. A cancelled picker is NOT an error: it resolves []. */
export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly raw?: unknown,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
  /**
   * Every key stored (both platforms: getStorageInfoSync().keys),
   * so the app can find what it left unfinished at its last launch. [] when the platform cannot say.
   */
  keys(): string[];
}

export interface Platform extends Transport {
  readonly name: PlatformName;
  /**
   * Photos (and where the platform can, videos) from the album or camera, only of the
   * kinds asked for (default: photos only). Cancel resolves [].
   */
  chooseMedia(options: { count: number; source: PickSource; mediaTypes?: MediaKind[] }): Promise<PickedFile[]>;
  /**
   * Files from chats (WeChat only; undefined elsewhere), filtered as chooseMessageFile
   * filters: `type` all|image|video|file, `extensions` (no dot) with 'file'. Cancel resolves [].
   */
  chooseChatFiles?(options: { count: number; type?: ChatFileType; extensions?: string[] }): Promise<PickedFile[]>;
  /**
   * Puts `text` on the clipboard and tells the person so, the platform's way: WeChat shows
   * its own 内容已复制; a platform that shows nothing shows `copiedMessage` (from i18n).
   */
  copyText(text: string, copiedMessage: string): Promise<void>;
  previewImages(urls: string[], current: string): void;
  toast(message: string, kind?: 'success' | 'error' | 'info'): void;
  storage: KeyValueStore;
  language(): Lang;
  /**
   * `length` cryptographically secure random bytes (WeChat: getRandomValues). Client-side
   * signing names object keys with them; never Math.random. Undefined where the
   * platform has no such source (client-side signing is then refused plainly).
   */
  secureRandom?(length: number): Promise<Uint8Array>;
  /**
   * A fresh, single-use login code for POST /api/sessions: the `code` of WeChat's login
   * API, the `authCode` of Alipay's getAuthCode with scopes 'auth_base' (silent, no prompt).
   * Rejects with PlatformError when the platform gives none.
   */
  loginCode?(): Promise<string>;
  /**
   * Calls `listener(false)` when the app goes to the background and `listener(true)` when it
   * comes back (WeChat: onAppHide / onAppShow). The platforms cut network requests about
   * 5 s after the app is hidden; uploads in parts cut that way are resumed when it shows
   * again instead of failing. Returns the unsubscribe. Absent: no such events.
   */
  onAppVisibility?(listener: (visible: boolean) => void): () => void;
}

// ---- The pages: a confirm dialog and titles that follow the phone's language ----

export interface ConfirmOptions {
  title: string;
  content: string;
  confirmText?: string;
  cancelText?: string;
}

/**
 * What getting a photo ready to leave the phone needs (ui/photo-prep.ts): compress,
 * read, write and size files, and delete the copies it wrote.
 */
export interface PhotoTools {
  /** A re-encoded copy at `quality` (0–100, JPEG); resolves its temp path. */
  compressImage(path: string, quality: number): Promise<string>;
  readFile(path: string): Promise<ArrayBuffer>;
  /** Writes a new temp file the app owns and resolves its path. */
  writeTempFile(data: ArrayBuffer, extension: string): Promise<string>;
  fileSize(path: string): Promise<number>;
  /** Deletes a copy writeTempFile made (anything else is left alone); failures are ignored. */
  removeTempFile(path: string): void;
  /**
   * Deletes the copies earlier runs left (killed mid-upload), except `keep`: the files
   * saved uploads in parts will still send. Once per run; copies this run wrote stay.
   */
  removeLeftoverTempFiles(keep: ReadonlySet<string>): Promise<void>;
}

export interface AppPlatform extends Platform, PhotoTools {
  /** Resolves true only when the person confirmed. */
  confirm(options: ConfirmOptions): Promise<boolean>;
  /** The platform's own action sheet; resolves the chosen index, undefined when dismissed. */
  actionSheet(items: string[]): Promise<number | undefined>;
  setPageTitle(title: string): void;
  setTabTitles(titles: string[]): void;
}
