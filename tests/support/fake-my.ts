// A scripted `my` that behaves as Alipay documents, failures included:
// - my.uploadFile: `name` (or the legacy `fileName`) required; `fileType` must be
//   image/video/audio (the IDE simulator's check); `formData` values must be strings;
//   answers `statusCode` as a string in IDE mode ("200"), a number on the phone;
//   progress as {progress, totalBytesWritten, totalBytesExpectedToWrite}; failures
//   `{error, errorMessage}`: 4 domain not allowed, 9 aborted, 11 file missing or
//   invalid parameter, 12 upload failed (also its timeout).
// - my.request: non-2xx answers FAIL with error 19 carrying status/data/headers;
//   13 timeout; 4 domain; 9 abort; `dataType: 'json'` on a non-JSON body fails 14.
// - my.chooseImage: tempFilePaths/apFilePaths/tempFiles; cancel is error 11, a refused
//   permission 2001. my.getStorageSync({key}) answers {data: null} for a missing key.
// - my.chooseVideo: one video, as {tempFilePath, filePath, size (bytes), duration (s),
//   width, height}; the same scripted picks, so cancel is error 11 and a refusal 2001.
//   No my.getVideoInfo: older clients have none (node-my.ts adds one).
// What happens next is scripted with device-script.ts; see node-my.ts for real I/O.
import fs from 'node:fs';
import {
  ANSWER_DELAY_MS,
  createDeviceState,
  playNetworkScript,
  type ScriptAnswer,
  type DeviceFake,
  type NetworkScript,
} from './device-script';

type Options = Record<string, any>;
interface TaskRules {
  api: 'uploadFile' | 'request';
  defaultTimeoutMs: number;
  timeoutError: Options;
  failures: Record<'domain' | 'network' | 'missingFile', Options>;
  respond: (answer: ScriptAnswer) => void;
  onProgress?: (sent: number, total: number) => void;
}

type Listener = (p: { progress: number; totalBytesWritten: number; totalBytesExpectedToWrite: number }) => void;

const ALIPAY_UPLOAD_FILE_TYPES = ['image', 'video', 'audio'];
const UPLOAD_DEFAULT_TIMEOUT_MS = 60_000;
const REQUEST_DEFAULT_TIMEOUT_MS = 30_000;

export interface FakeMyOptions {
  /** The IDE simulator answers uploadFile's statusCode as a string. Default true. */
  ideStatusStrings?: boolean;
  language?: string;
  /** setStorageSync refuses writes (quota full). */
  storageFull?: boolean;
}

export interface FakeMy {
  my: Record<string, any>;
  device: DeviceFake;
  /** The app to the background and back: runs the my.onAppHide / my.onAppShow listeners; how many are registered. */
  app: { hide(): void; show(): void; listeners(): number };
}

const later = (fn: () => void, ms = ANSWER_DELAY_MS) => setTimeout(fn, ms);

export function createFakeMy(options: FakeMyOptions = {}): FakeMy {
  const { device, uploadScripts, requestScripts, pickScripts, clipboard } = createDeviceState();
  const storage = new Map<string, string>();
  const hideListeners = new Set<() => void>();
  const showListeners = new Set<() => void>();

  /** Runs one network task from its script; `respond` turns an answer into success or fail. */
  /** One task as Alipay runs it: the script decides, these rules give Alipay's shapes. */
  function runTask(script: NetworkScript, o: Options, rules: TaskRules) {
    const task = playNetworkScript(script, {
      timeoutMs: o.timeout ?? rules.defaultTimeoutMs,
      fail: (cause) => o.fail?.(cause === 'abort' ? { error: 9, errorMessage: `${rules.api}:fail abort` } : cause === 'timeout' ? rules.timeoutError : rules.failures[cause]),
      respond: rules.respond,
      progress: rules.onProgress,
      complete: () => o.complete?.(),
    });
    return {
      abort() {
        device.aborts += 1;
        task.abort();
      },
    };
  }

  const my: Record<string, any> = {
    uploadFile(o: Options) {
      const listeners: Listener[] = [];
      const field = o.name ?? o.fileName;
      const invalid =
        !o.url || !o.filePath || !field
          ? 'url, filePath and name are required'
          : !ALIPAY_UPLOAD_FILE_TYPES.includes(o.fileType)
            ? `fileType must be one of ${ALIPAY_UPLOAD_FILE_TYPES.join('/')}`
            : Object.values(o.formData ?? {}).some((v) => typeof v !== 'string')
              ? 'formData values must be strings'
              : '';
      device.uploads.push({ url: o.url, filePath: o.filePath, fileField: field, formData: { ...o.formData }, headers: { ...(o.header ?? o.headers) } });
      const script: NetworkScript = invalid ? { fail: 'missingFile' } : uploadScripts.next();
      const task = runTask(script, o, {
        api: 'uploadFile',
        defaultTimeoutMs: UPLOAD_DEFAULT_TIMEOUT_MS,
        // The documented table has no timeout code for uploadFile: it is 12 "上传文件失败".
        timeoutError: { error: 12, errorMessage: '上传文件失败' },
        failures: {
          domain: { error: 4, errorMessage: '未配置域名白名单，无权访问域名' },
          network: { error: 12, errorMessage: '上传文件失败' },
          missingFile: { error: 11, errorMessage: invalid || '文件不存在' },
        },
        respond: ({ status, body, headers }) =>
          o.success?.({ statusCode: options.ideStatusStrings === false ? status : String(status), data: body, header: headers ?? {} }),
        onProgress: (sent, total) =>
          listeners.forEach((l) => l({ progress: Math.floor((sent / total) * 100), totalBytesWritten: sent, totalBytesExpectedToWrite: total })),
      });
      return { abort: task.abort, onProgressUpdate: (l: Listener) => void listeners.push(l) };
    },

    request(o: Options) {
      const data = o.data;
      const body = Object.prototype.toString.call(data) === '[object ArrayBuffer]' ? (data as ArrayBuffer).byteLength : data;
      device.requests.push({ url: o.url, method: o.method ?? 'GET', headers: { ...(o.headers ?? o.header) }, body, timeoutMs: o.timeout });
      return runTask(requestScripts.next(), o, {
        api: 'request',
        defaultTimeoutMs: REQUEST_DEFAULT_TIMEOUT_MS,
        timeoutError: { error: 13, errorMessage: '请求超时' },
        failures: {
          domain: { error: 4, errorMessage: '无权跨域调用' },
          network: { error: 12, errorMessage: '网络出错' },
          missingFile: { error: 2, errorMessage: '参数错误' },
        },
        respond: ({ status, body: text, headers = {} }) => {
          if (status < 200 || status >= 300) {
            return o.fail?.({ error: 19, errorMessage: 'http status error', status, data: text, headers });
          }
          let payload: unknown = text;
          if ((o.dataType ?? 'json') === 'json') {
            try {
              payload = JSON.parse(text);
            } catch {
              return o.fail?.({ error: 14, errorMessage: 'JSON parse data error', status, data: text, headers });
            }
          }
          o.success?.({ status, statusCode: status, data: payload, headers, header: headers });
        },
      });
    },

    getFileSystemManager: () => ({
      readFile(o: Options) {
        later(() => {
          try {
            const bytes = fs.readFileSync(o.filePath);
            o.success?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), dataType: 'ArrayBuffer' });
          } catch {
            o.fail?.({ error: 10022, errorMessage: `no such file or directory, open ${o.filePath}` });
          }
        });
      },
      getFileInfo(o: Options) {
        later(() => {
          try {
            o.success?.({ size: fs.statSync(o.filePath).size, digest: '' });
          } catch {
            o.fail?.({ error: 10022, errorMessage: 'file not found' });
          }
        });
      },
    }),

    chooseImage(o: Options = {}) {
      const source = Array.isArray(o.sourceType) ? o.sourceType.join(',') : String(o.sourceType ?? 'camera,album');
      device.picks.push({ count: o.count ?? 1, source });
      const script = pickScripts.next();
      later(() => {
        if (script === 'cancel') return o.fail?.({ error: 11, errorMessage: '用户取消操作' });
        if (script === 'denied') return o.fail?.({ error: 2001, errorMessage: '在申请授权时用户拒绝授权' });
        const files = script.slice(0, o.count ?? 1);
        const paths = files.map((f) => f.path);
        o.success?.({ tempFilePaths: paths, apFilePaths: paths, tempFiles: files.map((f) => ({ path: f.path, size: f.size })) });
      });
    },

    chooseVideo(o: Options = {}) {
      const source = Array.isArray(o.sourceType) ? o.sourceType.join(',') : String(o.sourceType ?? 'album,camera');
      // One video per pick: the picker takes no count.
      device.picks.push({ count: 1, source });
      const script = pickScripts.next();
      later(() => {
        if (script === 'cancel') return o.fail?.({ error: 11, errorMessage: '用户取消操作' });
        if (script === 'denied') return o.fail?.({ error: 2001, errorMessage: '在申请授权时用户拒绝授权' });
        const [video] = script;
        if (!video) return o.fail?.({ error: 11, errorMessage: '用户取消操作' });
        o.success?.({ tempFilePath: video.path, filePath: video.path, size: video.size, duration: 12.5, width: 1280, height: 720 });
      });
    },

    setClipboard(o: Options) {
      later(() => {
        clipboard.text = String(o.text);
        o.success?.({ success: true });
      });
    },
    getClipboard(o: Options) {
      later(() => o.success?.({ text: clipboard.text }));
    },
    previewImage(o: Options) {
      const current = typeof o.current === 'number' ? o.current : 0;
      device.previews.push({ urls: [...o.urls], current: o.urls[current] });
    },
    showToast(o: Options = {}) {
      device.toasts.push(String(o.content ?? ''));
    },
    confirm(o: Options) {
      later(() => o.success?.({ confirm: true }));
    },
    setNavigationBar: () => undefined,
    setTabBarItem: () => undefined,

    getStorageSync: ({ key }: { key: string }) => ({ data: storage.has(key) ? JSON.parse(storage.get(key)!) : null }),
    setStorageSync({ key, data }: { key: string; data: unknown }) {
      if (options.storageFull) return { success: false, error: 15, errorMessage: '超出存储上限' };
      storage.set(key, JSON.stringify(data));
      return { success: true };
    },
    getStorageInfoSync: () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 }),
    removeStorageSync({ key }: { key: string }) {
      storage.delete(key);
      return { success: true };
    },
    getSystemInfoSync: () => ({ app: 'alipay', platform: 'devtools', language: options.language ?? 'zh-Hans', version: '10.5.0' }),
    onAppHide: (listener: () => void) => void hideListeners.add(listener),
    onAppShow: (listener: () => void) => void showListeners.add(listener),
    offAppHide: (listener: () => void) => void hideListeners.delete(listener),
    offAppShow: (listener: () => void) => void showListeners.delete(listener),
  };

  // As Alipay calls them: my.onAppHide's listeners with nothing when the app goes to the background,
  // my.onAppShow's with the launch options (path, query, referrerInfo) when it is back.
  const app = {
    hide: () => [...hideListeners].forEach((listener) => listener()),
    show: () => [...showListeners].forEach((listener) => (listener as (options: Options) => void)({ path: 'pages/upload/index', query: {}, referrerInfo: {} })),
    listeners: () => hideListeners.size + showListeners.size,
  };
  return { my, device, app };
}
