// A scripted `wx` in WeChat's documented shapes, the twin of fake-my.ts for the
// adapter contract: callbacks get `errMsg` "<api>:fail <why>" ("timeout", "abort",
// "url not in domain list", "fail cancel" for a closed picker), wx.request answers
// every HTTP status through success, uploadFile's progress is
// {progress, totalBytesSent, totalBytesExpectedToSend}, and a key never stored reads
// as ''. What happens next is scripted with device-script.ts; see node-wx.ts for real I/O.
import fs from 'node:fs';
import {
  ANSWER_DELAY_MS,
  createDeviceState,
  playNetworkScript,
  type DeviceFake,
  type FailCause,
  type NetworkScript,
} from './device-script';

type Options = Record<string, any>;
type Listener = (p: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void;

/** WeChat's documented default for request/uploadFile. */
const WECHAT_DEFAULT_TIMEOUT_MS = 60_000;

const WHY: Record<FailCause, string> = {
  timeout: 'timeout',
  abort: 'abort',
  domain: 'url not in domain list',
  network: 'net::ERR_CONNECTION_RESET',
  missingFile: 'file not exist',
};

export interface FakeWx {
  wx: Record<string, any>;
  device: DeviceFake;
}

const later = (fn: () => void) => setTimeout(fn, ANSWER_DELAY_MS);

export function createFakeWx(options: { language?: string } = {}): FakeWx {
  const { device, uploadScripts, requestScripts, pickScripts, clipboard } = createDeviceState();
  const storage = new Map<string, string>();

  const task = (api: string, script: NetworkScript, o: Options, respond: (a: { status: number; body: string; headers?: Record<string, string> }) => void, progress?: (sent: number, total: number) => void) => {
    const played = playNetworkScript(script, {
      timeoutMs: o.timeout ?? WECHAT_DEFAULT_TIMEOUT_MS,
      fail: (cause) => o.fail?.({ errMsg: `${api}:fail ${WHY[cause]}` }),
      respond,
      progress,
      complete: () => o.complete?.(),
    });
    return {
      abort() {
        device.aborts += 1;
        played.abort();
      },
    };
  };

  const wx: Record<string, any> = {
    uploadFile(o: Options) {
      const listeners: Listener[] = [];
      device.uploads.push({ url: o.url, filePath: o.filePath, fileField: o.name, formData: { ...o.formData }, headers: { ...o.header } });
      const played = task('uploadFile', uploadScripts.next(), o, ({ status, body }) => o.success?.({ statusCode: status, data: body, errMsg: 'uploadFile:ok' }), (sent, total) =>
        listeners.forEach((l) => l({ progress: Math.floor((sent / total) * 100), totalBytesSent: sent, totalBytesExpectedToSend: total })),
      );
      return { abort: played.abort, onProgressUpdate: (l: Listener) => void listeners.push(l), offProgressUpdate: () => undefined };
    },

    request(o: Options) {
      const data = o.data;
      const body = Object.prototype.toString.call(data) === '[object ArrayBuffer]' ? (data as ArrayBuffer).byteLength : data;
      device.requests.push({ url: o.url, method: o.method ?? 'GET', headers: { ...o.header }, body, timeoutMs: o.timeout });
      return task('request', requestScripts.next(), o, ({ status, body: text, headers = {} }) => {
        let payload: unknown = text;
        if ((o.dataType ?? 'json') === 'json') {
          try {
            payload = JSON.parse(text);
          } catch {
            // WeChat keeps the text when it is not JSON
          }
        }
        o.success?.({ statusCode: status, data: payload, header: headers, errMsg: 'request:ok' });
      });
    },

    getFileSystemManager: () => ({
      readFile(o: Options) {
        later(() => {
          try {
            const bytes = fs.readFileSync(o.filePath);
            o.success?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), errMsg: 'readFile:ok' });
          } catch {
            o.fail?.({ errMsg: `readFile:fail no such file or directory, open ${o.filePath}` });
          }
        });
      },
    }),

    chooseMedia(o: Options = {}) {
      device.picks.push({ count: o.count ?? 9, source: (o.sourceType ?? ['album', 'camera']).join(',') });
      const script = pickScripts.next();
      later(() => {
        if (script === 'cancel') return o.fail?.({ errMsg: 'chooseMedia:fail cancel' });
        if (script === 'denied') return o.fail?.({ errMsg: 'chooseMedia:fail auth deny' });
        const tempFiles = script.slice(0, o.count ?? 9).map((f) => ({ tempFilePath: f.path, size: f.size, fileType: 'image', thumbTempFilePath: '' }));
        o.success?.({ tempFiles, type: 'image', errMsg: 'chooseMedia:ok' });
      });
    },

    setClipboardData(o: Options) {
      later(() => {
        clipboard.text = String(o.data);
        o.success?.({ errMsg: 'setClipboardData:ok' });
      });
    },
    previewImage(o: Options) {
      device.previews.push({ urls: [...o.urls], current: o.current ?? o.urls[0] });
    },
    showToast(o: Options) {
      device.toasts.push(String(o.title ?? ''));
    },
    showModal(o: Options) {
      later(() => o.success?.({ confirm: true, cancel: false, errMsg: 'showModal:ok' }));
    },
    setNavigationBarTitle: () => undefined,
    setTabBarItem: () => undefined,

    getStorageSync: (key: string) => (storage.has(key) ? JSON.parse(storage.get(key)!) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, JSON.stringify(value)),
    removeStorageSync: (key: string) => void storage.delete(key),
    getStorageInfoSync: () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 }),
    getSystemInfoSync: () => ({ language: options.language ?? 'zh_CN', SDKVersion: '3.5.0' }),
    getAppBaseInfo: () => ({ language: options.language ?? 'zh_CN', SDKVersion: '3.5.0' }),
  };

  return { wx, device };
}
