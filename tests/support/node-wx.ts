// A `wx` for tests, backed by real I/O: `uploadFile` is a real multipart POST and
// `request` real HTTP (node-wx-network.ts), pickers hand out real files copied to a
// temp dir (as WeChat hands out temp copies), the file system reads the disk, and
// the UI calls (toast, modal, clipboard, preview) are recorded so tests can assert
// them. Shapes follow the WeChat docs: callbacks get `errMsg` "<api>:ok" or
// "<api>:fail <why>", and a call without callbacks returns a Promise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
// From node:timers, not the global: jest's jsdom environment has no setImmediate.
import { setImmediate } from 'node:timers';
import {
  NetworkStats,
  WECHAT_DEFAULT_TIMEOUT_MS,
  WECHAT_MAX_NETWORK_TASKS,
  mimeOf,
  request,
  uploadFile,
  type NetworkOptions,
} from './node-wx-network';
import { compressJpeg, type Compression } from './node-wx-photo';

export { NetworkStats, WECHAT_DEFAULT_TIMEOUT_MS, WECHAT_MAX_NETWORK_TASKS, type NetworkRecord } from './node-wx-network';

/** A file a picker will hand out. */
export interface PickableFile {
  /** A real file on disk; the picker gives the app a temp copy of it. */
  path: string;
  /** Name shown by chooseMessageFile (default: the file's base name). */
  name?: string;
  /**
   * The size the picker reports (default: the real size). Setting it lower than the
   * real size models a file that changed after it was picked.
   */
  declaredSize?: number;
}

/**
 * How temp paths look: `device` as a phone hands them out (`wxfile://tmp_<hex>.jpg`),
 * `devtools` as WeChat DevTools does (`http://tmp/<hex>.jpg`). Neither is a path on
 * disk: the app must only pass them back to wx APIs, as on a phone.
 */
export type TempPathStyle = 'device' | 'devtools';

/** What the next picker call does: hand out these files, or behave as if the person cancelled. */
export type PickPlan = PickableFile[] | 'cancel';

export interface NodeWxOptions {
  /** Answers to wx.chooseMedia, one per call (the last one repeats). */
  media?: PickPlan[];
  /** Answers to wx.chooseMessageFile, one per call (the last one repeats). */
  messageFiles?: PickPlan[];
  language?: string;
  SDKVersion?: string;
  /** Default 10, as WeChat. */
  maxNetworkTasks?: number;
  /** Default 60 s, as WeChat. */
  defaultTimeoutMs?: number;
  beforeUpload?: NetworkOptions['beforeUpload'];
  /** What wx.showModal answers (default: the person taps confirm). */
  modalAnswer?: { confirm: boolean };
  /** Default 'device'. */
  tempPaths?: TempPathStyle;
  /**
   * The code each wx.login hands out. Default: a fresh random code each time, which the
   * dev bucket's dev login takes as its one local user; `dev:<name>` names a user.
   */
  loginCode?: () => string;
  /** Taps for wx.showActionSheet, one per call; when they run out the sheet is dismissed. */
  sheetTaps?: number[];
  /**
   * 'descriptor' (default): FileSystemManager.open/read/close exist, as from base library
   * 2.16.1; 'readFile-only': an older base library, where a range is read with
   * readFile({position, length}) (2.10.0+) and nothing else.
   */
  fileReads?: 'descriptor' | 'readFile-only';
}

/**
 * WeChat's documented cap on FileSystemManager.readFile: "单个文件大小上限为100M" (the
 * readFile reference). The docs give no error text for it; this stand-in fails the call
 * naming the cap. Reads by descriptor (open/read) have no such cap.
 */
export const READ_FILE_MAX_BYTES = 100 * 1024 * 1024;

/** What tests inspect and steer; lives beside the wx APIs as `wx.node`. */
export interface NodeWxControl {
  readonly network: NetworkStats;
  readonly toasts: { title: string; icon?: string }[];
  readonly modals: { title?: string; content?: string }[];
  readonly previews: { urls: string[]; current?: string }[];
  readonly navigations: string[];
  clipboard: string;
  /** The last navigation bar title set. */
  title: string;
  /** Key → the value as JSON text (WeChat stores only what serialises). */
  readonly storage: Map<string, string>;
  /** Temp copies handed out by the pickers, in order: `tempPath` is what the app got, `diskPath` where the bytes are. */
  readonly picked: { source: string; tempPath: string; diskPath: string }[];
  /** The file on disk behind a temp path the pickers handed out (other paths are returned as they are). */
  diskPath(tempPath: string): string;
  /** Codes wx.login handed out, in order. */
  readonly logins: string[];
  /** Each picker call's options, without callbacks (count, mediaType, sizeType, type, extension…). */
  readonly pickerCalls: { api: string; options: Record<string, unknown> }[];
  /** Each wx.showActionSheet's items. */
  readonly sheets: string[][];
  /** Each wx.compressImage: the source, the re-encoded file, the quality. */
  readonly compressions: Compression[];
  /** The folder on disk behind wx.env.USER_DATA_PATH (`wxfile://usr`, as on a phone). */
  readonly userDataPath: string;
  /** Queue answers for the next picker calls. */
  planMedia(...plans: PickPlan[]): void;
  planMessageFiles(...plans: PickPlan[]): void;
  /** Queue taps for the next action sheets. */
  planSheet(...taps: number[]): void;
  /** Removes the temp copies. */
  dispose(): void;
  /**
   * The app goes to the background: every wx.onAppHide listener runs (as WeChat calls
   * them, before it cuts the app's requests some seconds later; the test does the cut).
   */
  hideApp(): void;
  /** The app comes back: every wx.onAppShow listener runs. */
  showApp(): void;
  /** Descriptors FileSystemManager.open handed out and close has not taken back yet. */
  readonly openFiles: ReadonlySet<string>;
}

type AnyOptions = { success?: (r: any) => void; fail?: (r: any) => void; complete?: (r: any) => void; [k: string]: any };

/** Calls back like WeChat (async, success/fail then complete), or returns a Promise when no callback was given. */
function answer(api: string, o: AnyOptions | undefined, work: () => Record<string, unknown>) {
  return answerLater(api, o, async () => work());
}

/**
 * Calls back the way WeChat's asynchronous APIs do (success/fail/complete with an errMsg of
 * `<api>:ok` or `<api>:fail <reason>`, or a promise when no callback is given), on a later
 * turn. `work` may do real I/O: WeChat's file APIs run off the page's thread, so reads use
 * node's asynchronous fs and never block the event loop the engine's other requests share.
 */
function answerLater(api: string, o: AnyOptions | undefined, work: () => Promise<Record<string, unknown>>) {
  const options = o ?? {};
  const wantsPromise = !options.success && !options.fail && !options.complete;
  const outcome = new Promise<{ ok: boolean; result: any }>((resolve) => {
    setImmediate(() => {
      let running: Promise<Record<string, unknown>>;
      try {
        running = work();
      } catch (e: any) {
        running = Promise.reject(e);
      }
      running.then(
        (value) => resolve({ ok: true, result: { ...value, errMsg: `${api}:ok` } }),
        (e: any) => resolve({ ok: false, result: { errMsg: `${api}:fail ${e?.message ?? e}` } }),
      );
    });
  });
  if (wantsPromise) return outcome.then(({ ok, result }) => (ok ? result : Promise.reject(result)));
  void outcome.then(({ ok, result }) => {
    (ok ? options.success : options.fail)?.(result);
    options.complete?.(result);
  });
  return undefined;
}

export type NodeWx = ReturnType<typeof createNodeWx>;

/** wx.env.USER_DATA_PATH on a phone. */
export const USER_DATA_PATH = 'wxfile://usr';

export function createNodeWx(options: NodeWxOptions = {}) {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-wx-tmp-'));
  const onDisk = new Map<string, string>();
  // USER_DATA_PATH is `wxfile://usr` as on a phone, backed by a folder of this test's own.
  const userDataPath = path.join(tempDir, 'usr');
  fs.mkdirSync(userDataPath);
  const inUserData = (p: string) => p === USER_DATA_PATH || p.startsWith(`${USER_DATA_PATH}/`);
  const diskPath = (tempPath: string) =>
    onDisk.get(tempPath) ?? (inUserData(tempPath) ? path.join(userDataPath, tempPath.slice(USER_DATA_PATH.length)) : tempPath);
  const network: NetworkOptions = {
    maxTasks: options.maxNetworkTasks ?? WECHAT_MAX_NETWORK_TASKS,
    defaultTimeoutMs: options.defaultTimeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
    stats: new NetworkStats(),
    beforeUpload: options.beforeUpload,
    diskPath,
  };
  const mediaPlans = [...(options.media ?? [])];
  const messagePlans = [...(options.messageFiles ?? [])];
  const sheetTaps = [...(options.sheetTaps ?? [])];
  let copies = 0;
  const hideListeners = new Set<() => void>();
  const showListeners = new Set<() => void>();

  const control: NodeWxControl = {
    network: network.stats,
    toasts: [],
    modals: [],
    previews: [],
    navigations: [],
    clipboard: '',
    title: '',
    storage: new Map(),
    picked: [],
    diskPath,
    logins: [],
    pickerCalls: [],
    sheets: [],
    compressions: [],
    userDataPath,
    planMedia: (...plans) => void mediaPlans.push(...plans),
    planMessageFiles: (...plans) => void messagePlans.push(...plans),
    planSheet: (...taps) => void sheetTaps.push(...taps),
    dispose: () => fs.rmSync(tempDir, { recursive: true, force: true }),
    hideApp: () => [...hideListeners].forEach((listener) => listener()),
    showApp: () => [...showListeners].forEach((listener) => listener()),
    get openFiles() {
      return new Set(openFiles.keys());
    },
  };

  const nextPlan = (plans: PickPlan[]): PickPlan => (plans.length > 1 ? plans.shift()! : plans[0] ?? 'cancel');
  /** WeChat hands out temp copies named by itself (`tmp_` and 32 hex), not the original name. */
  const copyToTemp = (file: PickableFile) => {
    const id = `${(++copies).toString(16).padStart(4, '0')}${randomBytes(14).toString('hex')}`;
    const ext = path.extname(file.path).toLowerCase();
    const onDiskPath = path.join(tempDir, `tmp_${id}${ext}`);
    fs.copyFileSync(file.path, onDiskPath);
    const tempPath = (options.tempPaths ?? 'device') === 'devtools' ? `http://tmp/${id}${ext}` : `wxfile://tmp_${id}${ext}`;
    onDisk.set(tempPath, onDiskPath);
    control.picked.push({ source: file.path, tempPath, diskPath: onDiskPath });
    return { tempPath, size: file.declaredSize ?? fs.statSync(file.path).size };
  };
  const kindOf = (file: string) => {
    const mime = mimeOf(file);
    return mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : 'file';
  };
  const cancelled = (api: string, o: AnyOptions | undefined) => {
    const result = { errMsg: `${api}:fail cancel` };
    if (!o?.success && !o?.fail && !o?.complete) return new Promise((_, reject) => setImmediate(() => reject(result)));
    setImmediate(() => {
      o.fail?.(result);
      o.complete?.(result);
    });
    return undefined;
  };

  const openFiles = new Map<string, number>();
  let descriptors = 0;
  const withinReadFileCap = (filePath: string) => {
    const size = fs.existsSync(filePath) ? fs.statSync(filePath).size : 0;
    if (size > READ_FILE_MAX_BYTES) throw new Error(`file size ${size} is over readFile's 100M limit`);
  };
  // FileSystemManager.open / read / close (base library 2.16.1), as their references describe:
  // open gives a string fd, read fills the caller's ArrayBuffer from `position` and says bytesRead.
  const descriptorReads = {
    open(o: AnyOptions) {
      return answer('open', o, () => {
        if ((o.flag ?? 'r') !== 'r') throw new Error(`this stand-in opens files for reading only, not "${o.flag}"`);
        let handle: number;
        try {
          handle = fs.openSync(diskPath(o.filePath), 'r');
        } catch {
          throw new Error(`no such file or directory, open ${o.filePath}`);
        }
        const fd = `fd-${++descriptors}`;
        openFiles.set(fd, handle);
        return { fd };
      });
    },
    read(o: AnyOptions) {
      return answerLater('read', o, async () => {
        const handle = openFiles.get(String(o.fd));
        if (handle === undefined) throw new Error('bad file descriptor');
        const target = new Uint8Array(o.arrayBuffer as ArrayBuffer);
        const offset = o.offset ?? 0;
        const length = o.length ?? 0;
        if (offset < 0 || offset > target.length) throw new Error('the value of "offset" is out of range');
        if (length < 0 || offset + length > target.length) throw new Error('the value of "length" is out of range');
        let bytesRead = 0;
        // As read(2): it may return fewer bytes than asked before the end; WeChat's read fills what it can.
        while (bytesRead < length) {
          const n = await new Promise<number>((resolve, reject) =>
            fs.read(handle, target, offset + bytesRead, length - bytesRead, o.position === undefined || o.position === null ? null : o.position + bytesRead, (error, count) => (error ? reject(error) : resolve(count))),
          );
          if (n === 0) break;
          bytesRead += n;
        }
        return { bytesRead, arrayBuffer: o.arrayBuffer };
      });
    },
    close(o: AnyOptions) {
      return answer('close', o, () => {
        const handle = openFiles.get(String(o.fd));
        if (handle === undefined) throw new Error('bad file descriptor');
        fs.closeSync(handle);
        openFiles.delete(String(o.fd));
        return {};
      });
    },
  };

  const fileSystemManager = {
    ...((options.fileReads ?? 'descriptor') === 'descriptor' ? descriptorReads : {}),
    readFile(o: AnyOptions) {
      return answer('readFile', o, () => {
        withinReadFileCap(diskPath(o.filePath));
        const bytes = readBytes(diskPath(o.filePath), o.position, o.length);
        return { data: o.encoding ? bytes.toString(o.encoding) : toArrayBuffer(bytes) };
      });
    },
    readFileSync(filePath: string, encoding?: BufferEncoding, position?: number, length?: number) {
      withinReadFileCap(diskPath(filePath));
      const bytes = readBytes(diskPath(filePath), position, length);
      return encoding ? bytes.toString(encoding) : toArrayBuffer(bytes);
    },
    getFileInfo(o: AnyOptions) {
      return answer('getFileInfo', o, () => ({ size: fs.statSync(diskPath(o.filePath)).size }));
    },
    // Writes only under USER_DATA_PATH, as WeChat allows the app.
    writeFile(o: AnyOptions) {
      return answer('writeFile', o, () => {
        if (!inUserData(String(o.filePath))) throw new Error(`permission denied, open ${o.filePath}`);
        fs.writeFileSync(diskPath(o.filePath), Buffer.from(o.data as ArrayBuffer));
        return {};
      });
    },
    mkdir: (o: AnyOptions) => answer('mkdir', o, () => (fs.mkdirSync(diskPath(o.dirPath), { recursive: !!o.recursive }), {})),
    rmdir: (o: AnyOptions) =>
      answer('rmdir', o, () => {
        if (!fs.existsSync(diskPath(o.dirPath))) throw new Error(`no such file or directory ${o.dirPath}`);
        fs.rmSync(diskPath(o.dirPath), { recursive: !!o.recursive });
        return {};
      }),
    unlink: (o: AnyOptions) => answer('unlink', o, () => (fs.unlinkSync(diskPath(o.filePath)), {})),
    readdir: (o: AnyOptions) => answer('readdir', o, () => ({ files: fs.readdirSync(diskPath(o.dirPath)) })),
  };
  const recordPicker = (api: string, o: AnyOptions | undefined) => {
    const { success, fail, complete, ...rest } = o ?? {};
    control.pickerCalls.push({ api, options: rest });
  };

  const systemInfo = () => ({
    language: options.language ?? 'zh_CN',
    SDKVersion: options.SDKVersion ?? '3.5.0',
    version: '8.0.50',
    platform: 'devtools',
    system: `Node ${process.version}`,
    windowWidth: 375,
    windowHeight: 667,
    pixelRatio: 2,
  });

  return {
    node: control,
    uploadFile: (o: WechatMiniprogram.UploadFileOption) => uploadFile(network, o),
    request: (o: WechatMiniprogram.RequestOption) => request(network, o),
    getFileSystemManager: () => fileSystemManager,
    onAppHide: (listener: () => void) => void hideListeners.add(listener),
    onAppShow: (listener: () => void) => void showListeners.add(listener),
    offAppHide: (listener: () => void) => void hideListeners.delete(listener),
    offAppShow: (listener: () => void) => void showListeners.delete(listener),

    env: { USER_DATA_PATH },

    compressImage: (o: AnyOptions) =>
      answer('compressImage', o, () => {
        const quality = Number(o.quality ?? 80);
        const out = compressJpeg(diskPath(o.src), quality, tempDir, ++copies);
        // A temp path of WeChat's own kind, as the pickers hand out.
        const tempFilePath = `wxfile://tmp_compressed_${copies}.jpg`;
        onDisk.set(tempFilePath, out);
        control.compressions.push({ src: o.src, out, quality });
        return { tempFilePath };
      }),
    showActionSheet: (o: AnyOptions) => {
      control.sheets.push([...o.itemList]);
      const tap = sheetTaps.shift();
      if (tap === undefined) return cancelled('showActionSheet', o);
      return answer('showActionSheet', o, () => ({ tapIndex: tap }));
    },

    chooseMedia(o: WechatMiniprogram.ChooseMediaOption = {}) {
      recordPicker('chooseMedia', o as AnyOptions);
      const plan = nextPlan(mediaPlans);
      if (plan === 'cancel') return cancelled('chooseMedia', o as AnyOptions);
      return answer('chooseMedia', o as AnyOptions, () => {
        const tempFiles = plan.slice(0, o.count ?? 9).map((file) => {
          const { tempPath, size } = copyToTemp(file);
          const fileType = kindOf(file.path) === 'video' ? 'video' : 'image';
          // Photos need no separate thumbnail: the page shows the temp file itself.
          return { tempFilePath: tempPath, size, fileType, thumbTempFilePath: fileType === 'video' ? tempPath : '', width: 64, height: 48, duration: 0 };
        });
        const types = new Set(tempFiles.map((f) => f.fileType));
        return { tempFiles, type: types.size > 1 ? 'mix' : [...types][0] ?? 'image' };
      });
    },
    chooseMessageFile(o: WechatMiniprogram.ChooseMessageFileOption) {
      recordPicker('chooseMessageFile', o as AnyOptions);
      const plan = nextPlan(messagePlans);
      if (plan === 'cancel') return cancelled('chooseMessageFile', o as AnyOptions);
      return answer('chooseMessageFile', o as AnyOptions, () => ({
        tempFiles: plan.slice(0, o.count ?? 100).map((file) => {
          const { tempPath, size } = copyToTemp(file);
          return { path: tempPath, size, name: file.name ?? path.basename(file.path), type: kindOf(file.path), time: Math.floor(Date.now() / 1000) };
        }),
      }));
    },

    // A login code as wx.login gives one: single-use, checked by the signer (the dev login here).
    login: (o?: AnyOptions) =>
      answer('login', o, () => {
        const code = options.loginCode?.() ?? randomBytes(16).toString('hex');
        control.logins.push(code);
        return { code };
      }),
    // Node's CSPRNG stands in for WeChat's secure random source (client-side signing names keys with it).
    getRandomValues: (o: AnyOptions) => answer('getRandomValues', o, () => ({ randomValues: toArrayBuffer(randomBytes(Number(o.length))) })),
    setClipboardData: (o: AnyOptions) => answer('setClipboardData', o, () => ((control.clipboard = String(o.data)), {})),
    getClipboardData: (o?: AnyOptions) => answer('getClipboardData', o, () => ({ data: control.clipboard })),
    previewImage: (o: AnyOptions) => answer('previewImage', o, () => (control.previews.push({ urls: [...o.urls], current: o.current }), {})),
    showToast: (o: AnyOptions) => answer('showToast', o, () => (control.toasts.push({ title: o.title, icon: o.icon }), {})),
    hideToast: (o?: AnyOptions) => answer('hideToast', o, () => ({})),
    showLoading: (o: AnyOptions) => answer('showLoading', o, () => ({})),
    hideLoading: (o?: AnyOptions) => answer('hideLoading', o, () => ({})),
    showModal: (o: AnyOptions) =>
      answer('showModal', o, () => {
        control.modals.push({ title: o.title, content: o.content });
        const confirm = options.modalAnswer?.confirm ?? true;
        return { confirm, cancel: !confirm };
      }),
    navigateTo: (o: AnyOptions) => answer('navigateTo', o, () => (control.navigations.push(o.url), {})),
    switchTab: (o: AnyOptions) => answer('switchTab', o, () => (control.navigations.push(o.url), {})),
    setNavigationBarTitle: (o: AnyOptions) => answer('setNavigationBarTitle', o, () => ((control.title = o.title), {})),
    setTabBarItem: (o: AnyOptions) => answer('setTabBarItem', o, () => ({})),

    // Storage like WeChat: a missing key reads as '' (not undefined); values are stored as JSON.
    getStorageSync: (key: string) => (control.storage.has(key) ? JSON.parse(control.storage.get(key)!) : ''),
    setStorageSync: (key: string, value: unknown) => void control.storage.set(key, JSON.stringify(value)),
    removeStorageSync: (key: string) => void control.storage.delete(key),
    getStorageInfoSync: () => ({ keys: [...control.storage.keys()], currentSize: 0, limitSize: 10240 }),
    clearStorageSync: () => control.storage.clear(),

    getSystemInfoSync: systemInfo,
    getAppBaseInfo: () => {
      const { language, SDKVersion, version } = systemInfo();
      return { language, SDKVersion, version, enableDebug: false, host: { appId: '' }, theme: 'light' };
    },
    getWindowInfo: () => {
      const { windowWidth, windowHeight, pixelRatio } = systemInfo();
      return { windowWidth, windowHeight, pixelRatio, screenWidth: windowWidth, screenHeight: windowHeight };
    },
  };
}

/** Reads only [position, position + length) when a range is asked for, as WeChat does (a 1 GiB file is never read whole for one part). */
function readBytes(filePath: string, position = 0, length?: number) {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch {
    throw new Error(`no such file or directory, open ${filePath}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const count = Math.max(0, Math.min(length ?? size - position, size - position));
    const bytes = Buffer.allocUnsafe(count);
    let read = 0;
    while (read < count) {
      const n = fs.readSync(fd, bytes, read, count - read, position + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

/**
 * Puts the Node-backed APIs onto the simulator's global `wx` (its mock keeps the
 * ~400 APIs we do not back), and gives back a function that restores the mock.
 */
export function installNodeWx(nodeWx: NodeWx, target: Record<string, unknown> = ((globalThis as any).wx ??= {})) {
  const saved = new Map(Object.keys(nodeWx).map((k) => [k, target[k]]));
  Object.assign(target, nodeWx);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete target[k];
      else target[k] = v;
    }
  };
}
