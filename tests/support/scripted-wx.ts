// The `wx` APIs the pages use, replaced on the simulator's own `wx` with fakes that
// behave like WeChat documents them — async callbacks, `errMsg` "<api>:fail <why>",
// every HTTP status through `success`, uploadFile tasks with onProgressUpdate and
// abort() answered by "uploadFile:fail abort" — but driven step by step by the test:
// each upload waits until the test sends progress, a status or a failure.
// The signer's /healthz and /api/tickets are answered in the contract's shapes.
import type { UploadLimits } from '../../typings/ticket';

type AnyOptions = Record<string, any>;
type ProgressListener = (p: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void;

export const TEST_LIMITS: UploadLimits = { maxBytes: 20 * 1024 * 1024, maxFiles: 20, allowedTypes: ['image/*'] };
export const OBJECT_BASE = 'https://bucket.example.com';
/** Tickets live 10 minutes, as the signer's default. */
const TICKET_TTL_MS = 10 * 60 * 1000;

export interface PendingUpload {
  url: string;
  filePath: string;
  fileField: string;
  formData: Record<string, string>;
  /** The object URL the ticket promised for this upload. */
  objectUrl: string;
  settled: boolean;
  progress(bytesSent: number, totalBytes: number): void;
  succeed(statusCode?: number, data?: string): void;
  fail(why: string): void;
}

export type PickAnswer = { files: Array<{ path: string; size: number; fileType?: 'image' | 'video' }> } | { errMsg: string };

export interface ScriptedWx {
  uploads: PendingUpload[];
  requests: Array<{ url: string; method: string }>;
  clipboard: string[];
  previews: Array<{ urls: string[]; current: string }>;
  toasts: string[];
  modals: Array<{ title: string; content: string }>;
  storage: Map<string, unknown>;
  /** How /healthz answers: the limits, an HTTP status, or a transport failure. */
  health: { limits: UploadLimits } | { status: number } | { errMsg: string };
  /** Queued answers for chooseMedia / chooseMessageFile (a closed picker when empty). */
  picks: PickAnswer[];
  modalAnswer: boolean;
  clipboardFails: boolean;
  restore(): void;
}

const later = (fn: () => void) => setTimeout(fn, 0);

export function installScriptedWx(target: Record<string, any> = (globalThis as any).wx): ScriptedWx {
  const saved = new Map<string, unknown>();
  let ticketCount = 0;
  const state: ScriptedWx = {
    uploads: [],
    requests: [],
    clipboard: [],
    previews: [],
    toasts: [],
    modals: [],
    storage: new Map(),
    health: { limits: TEST_LIMITS },
    picks: [],
    modalAnswer: true,
    clipboardFails: false,
    restore: () => saved.forEach((value, name) => (target[name] = value)),
  };
  const replace = (name: string, fn: (...args: any[]) => any) => {
    if (!saved.has(name)) saved.set(name, target[name]);
    target[name] = fn;
  };

  const answerRequest = (o: AnyOptions) => {
    const url = String(o.url);
    state.requests.push({ url, method: o.method ?? 'GET' });
    later(() => {
      if (url.endsWith('/healthz')) {
        const h = state.health;
        if ('errMsg' in h) return o.fail?.({ errMsg: `request:fail ${h.errMsg}` });
        if ('status' in h) return o.success?.({ statusCode: h.status, data: '{"error":{"code":"InternalError","message":"boom"}}', header: {} });
        return o.success?.({ statusCode: 200, data: JSON.stringify({ ok: true, provider: 'local', bucket: 'test', limits: h.limits }), header: {} });
      }
      if (url.endsWith('/api/tickets')) {
        const files: Array<{ name: string; type?: string }> = JSON.parse(String(o.data)).files;
        const serverTime = Date.now();
        const tickets = files.map((f) => {
          ticketCount += 1;
          const key = `uploads/test/${ticketCount}-${f.name}`;
          return {
            provider: 's3',
            method: 'POST',
            url: `${OBJECT_BASE}/`,
            key,
            fileField: 'file',
            fields: { key },
            headers: {},
            contentType: f.type ?? 'image/jpeg',
            maxBytes: TEST_LIMITS.maxBytes,
            expiresAt: new Date(serverTime + TICKET_TTL_MS).toISOString(),
            successStatus: 204,
            objectUrl: `${OBJECT_BASE}/${key}`,
          };
        });
        const body = { serverTime: new Date(serverTime).toISOString(), tickets, limits: TEST_LIMITS };
        return o.success?.({ statusCode: 200, data: JSON.stringify(body), header: { 'Content-Type': 'application/json' } });
      }
      o.success?.({ statusCode: 404, data: '', header: {} });
    });
    return { abort: () => undefined };
  };
  replace('request', answerRequest);

  replace('uploadFile', (o: AnyOptions) => {
    const listeners: ProgressListener[] = [];
    const settle = (fn: () => void) => {
      if (upload.settled) return;
      upload.settled = true;
      later(fn);
    };
    const upload: PendingUpload = {
      url: o.url,
      filePath: o.filePath,
      fileField: o.name,
      formData: o.formData,
      objectUrl: `${OBJECT_BASE}/${o.formData?.key}`,
      settled: false,
      progress: (sent, total) =>
        listeners.forEach((l) => l({ progress: Math.round((sent / total) * 100), totalBytesSent: sent, totalBytesExpectedToSend: total })),
      succeed: (statusCode = 204, data = '') => settle(() => o.success?.({ statusCode, data, errMsg: 'uploadFile:ok' })),
      fail: (why) => settle(() => o.fail?.({ errMsg: `uploadFile:fail ${why}` })),
    };
    state.uploads.push(upload);
    return {
      onProgressUpdate: (listener: ProgressListener) => listeners.push(listener),
      offProgressUpdate: () => undefined,
      abort: () => upload.fail('abort'),
    };
  });

  const pick = (api: string) => (o: AnyOptions) => {
    const answer = state.picks.shift() ?? { errMsg: `${api}:fail cancel` };
    later(() => {
      if ('errMsg' in answer) return o.fail?.({ errMsg: answer.errMsg });
      if (api === 'chooseMedia') {
        const tempFiles = answer.files.map((f) => ({ tempFilePath: f.path, size: f.size, fileType: f.fileType ?? 'image', thumbTempFilePath: '' }));
        return o.success?.({ tempFiles, type: 'mix', errMsg: `${api}:ok` });
      }
      const tempFiles = answer.files.map((f) => ({ path: f.path, size: f.size, name: f.path.split('/').pop(), type: 'file', time: 0 }));
      o.success?.({ tempFiles, errMsg: `${api}:ok` });
    });
  };
  replace('chooseMedia', pick('chooseMedia'));
  replace('chooseMessageFile', pick('chooseMessageFile'));

  replace('setClipboardData', (o: AnyOptions) =>
    later(() => {
      if (state.clipboardFails) return o.fail?.({ errMsg: 'setClipboardData:fail' });
      state.clipboard.push(o.data);
      o.success?.({ errMsg: 'setClipboardData:ok' });
    }),
  );
  replace('previewImage', (o: AnyOptions) => state.previews.push({ urls: o.urls, current: o.current }));
  replace('showToast', (o: AnyOptions) => state.toasts.push(o.title));
  replace('showModal', (o: AnyOptions) => {
    state.modals.push({ title: o.title, content: o.content });
    later(() => o.success?.({ confirm: state.modalAnswer, cancel: !state.modalAnswer, errMsg: 'showModal:ok' }));
  });
  // WeChat reads '' for a key never stored, and stores a copy.
  replace('getStorageSync', (key: string) => (state.storage.has(key) ? JSON.parse(JSON.stringify(state.storage.get(key))) : ''));
  replace('setStorageSync', (key: string, value: unknown) => state.storage.set(key, JSON.parse(JSON.stringify(value))));
  replace('removeStorageSync', (key: string) => state.storage.delete(key));
  replace('setNavigationBarTitle', () => undefined);
  replace('setTabBarItem', () => undefined);
  replace('getAppBaseInfo', () => ({ SDKVersion: '3.5.0', language: 'zh_CN' }));
  return state;
}

/** Polls until `condition` holds (the page renders on a timer), failing with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
