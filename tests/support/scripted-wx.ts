// The `wx` APIs the pages use, replaced on the simulator's own `wx` with fakes that
// behave like WeChat documents them — async callbacks, `errMsg` "<api>:fail <why>",
// every HTTP status through `success`, uploadFile tasks with onProgressUpdate and
// abort() answered by "uploadFile:fail abort" — but driven step by step by the test:
// each upload waits until the test sends progress, a status or a failure.
// The signer's /healthz and /api/tickets are answered in the contract's shapes; with
// `multipart` set, so are its uploads in parts (/api/uploads…), and each part PUT (a
// wx.request with an ArrayBuffer body) waits for the test like an upload does.
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

/** One part PUT the app sent, waiting for the test. */
export interface PendingPart {
  url: string;
  partNumber: number;
  /** The bytes the app read for it (readFile position/length). */
  byteLength: number;
  settled: boolean;
  succeed(): void;
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
  /** The title the page set last (setNavigationBarTitle) and the tab texts (setTabBarItem). */
  title: string;
  tabTexts: string[];
  /** Every showActionSheet's items, in order. */
  sheets: string[][];
  /** Queued taps for showActionSheet (an index); empty or undefined: the sheet is dismissed. */
  sheetAnswers: Array<number | undefined>;
  /** Every chooseMedia / chooseMessageFile call's options (count, mediaType, type, extension…). */
  pickerCalls: Array<{ api: string; options: AnyOptions }>;
  /**
   * The bytes of a picked file when a test wants real ones (e.g. a camera JPEG with GPS);
   * any other .jpg reads as a small JPEG without metadata.
   */
  fileBytes: Map<string, Uint8Array>;
  /** Files the app wrote (prepared copies), by path; removed when the app deletes them. */
  written: Map<string, Uint8Array>;
  /**
   * What the app's user files may total: WeChat's file-system guide gives 200 MB for local cache
   * and user files together, and a writeFile past it fails with
   * "the maximum size of the file storage limit is exceeded". Tests lower it to fill the phone.
   */
  userFilesLimitBytes: number;
  /** What wx.compressImage makes of a photo's size (a stand-in: these photos have no pixels). */
  compressRatio: number;
  /** Set: /healthz offers uploads in parts of this size for files above the single-request limit. */
  multipart?: { partSize: number };
  /** Part PUTs in the order sent. */
  parts: PendingPart[];
  /** Upload tokens the app abandoned (/api/uploads/abort). */
  aborted: string[];
  /** Files on the phone by path, with their size (getFileInfo): picks land here; tests may add or delete. */
  fileSizes: Map<string, number>;
  /** While true, POST /api/tickets waits in `heldTickets` until the test answers or cuts it. */
  holdTickets: boolean;
  heldTickets: Array<{ settled: boolean; release(): void; fail(why: string): void }>;
  /** The app goes to the background (every wx.onAppHide listener runs), and comes back (wx.onAppShow). */
  hideApp(): void;
  showApp(): void;
  restore(): void;
}

const later = (fn: () => void) => setTimeout(fn, 0);
/** The smallest JPEG the metadata walk accepts: SOI, an empty scan, EOI. Nothing personal in it. */
export const PLAIN_JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0xff, 0xd9]);
export const USER_DATA_PATH = 'wxfile://usr';

export function installScriptedWx(target: Record<string, any> = (globalThis as any).wx): ScriptedWx {
  const saved = new Map<string, unknown>();
  let ticketCount = 0;
  const hideListeners = new Set<() => void>();
  const showListeners = new Set<() => void>();
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
    title: '',
    tabTexts: [],
    sheets: [],
    sheetAnswers: [],
    pickerCalls: [],
    fileBytes: new Map(),
    written: new Map(),
    userFilesLimitBytes: 200 * 1024 * 1024,
    compressRatio: 0.3,
    parts: [],
    aborted: [],
    fileSizes: new Map(),
    holdTickets: false,
    heldTickets: [],
    hideApp: () => hideListeners.forEach((listener) => listener()),
    // As WeChat calls wx.onAppShow's listeners: with the launch options (path, query, scene, referrerInfo).
    showApp: () => showListeners.forEach((listener) => (listener as (options: object) => void)({ path: 'pages/upload/index', query: {}, scene: 1001, referrerInfo: {} })),
    restore: () => saved.forEach((value, name) => (target[name] = value)),
  };
  /** Sizes the pickers reported and compressImage made, by path, for getFileInfo. */
  const sizes = state.fileSizes;
  const replace = (name: string, fn: unknown) => {
    if (!saved.has(name)) saved.set(name, target[name]);
    target[name] = fn;
  };

  /** Uploads in parts the scripted signer started: token → plan and the parts stored. */
  const uploadsInParts = new Map<string, { key: string; size: number; partSize: number; partCount: number; stored: Set<number> }>();
  const reply = (o: AnyOptions, statusCode: number, body: unknown) =>
    o.success?.({ statusCode, data: JSON.stringify(body), header: { 'Content-Type': 'application/json' } });
  const answerMultipart = (o: AnyOptions, route: string): boolean => {
    const body = o.data ? JSON.parse(String(o.data)) : {};
    const serverTime = new Date(Date.now()).toISOString();
    const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    if (route === '/api/uploads') {
      const partSize = state.multipart!.partSize;
      const uploadToken = `tok-${uploadsInParts.size + 1}`;
      const key = `uploads/test/parts-${uploadsInParts.size + 1}-${body.name}`;
      const partCount = Math.ceil(body.size / partSize);
      uploadsInParts.set(uploadToken, { key, size: body.size, partSize, partCount, stored: new Set() });
      reply(o, 200, { uploadToken, key, partSize, partCount, expiresAt, objectUrl: `${OBJECT_BASE}/${key}`, provider: 's3', contentType: body.type ?? '', size: body.size, serverTime });
      return true;
    }
    const upload = uploadsInParts.get(body.uploadToken);
    if (!upload) {
      reply(o, 410, { error: { code: 'UploadExpired', message: 'gone' } });
      return true;
    }
    const sizeOf = (n: number) => Math.min(upload.partSize, upload.size - (n - 1) * upload.partSize);
    if (route === '/api/uploads/parts') {
      const parts = (body.partNumbers as number[]).map((n) => ({
        partNumber: n,
        url: `${OBJECT_BASE}/${upload.key}?partNumber=${n}&uploadId=${body.uploadToken}`,
        headers: {},
        size: sizeOf(n),
        expiresAt,
      }));
      reply(o, 200, { serverTime, parts });
    } else if (route === '/api/uploads/list') {
      reply(o, 200, { parts: [...upload.stored].map((n) => ({ partNumber: n, etag: `"e${n}"`, size: sizeOf(n) })) });
    } else if (route === '/api/uploads/complete') {
      uploadsInParts.delete(body.uploadToken);
      reply(o, 200, { key: upload.key, objectUrl: `${OBJECT_BASE}/${upload.key}`, size: upload.size });
    } else if (route === '/api/uploads/abort') {
      uploadsInParts.delete(body.uploadToken);
      state.aborted.push(body.uploadToken);
      reply(o, 200, { aborted: true });
    } else return false;
    return true;
  };
  const answerPart = (o: AnyOptions) => {
    const url = String(o.url);
    const partNumber = Number(/[?&]partNumber=(\d+)/.exec(url)?.[1]);
    const token = /[?&]uploadId=([^&]+)/.exec(url)?.[1] ?? '';
    const settle = (fn: () => void) => {
      if (part.settled) return;
      part.settled = true;
      later(fn);
    };
    const part: PendingPart = {
      url,
      partNumber,
      byteLength: (o.data as ArrayBuffer)?.byteLength ?? 0,
      settled: false,
      succeed: () =>
        settle(() => {
          uploadsInParts.get(token)?.stored.add(partNumber);
          o.success?.({ statusCode: 200, data: '', header: { ETag: `"e${partNumber}"` } });
        }),
      fail: (why) => settle(() => o.fail?.({ errMsg: `request:fail ${why}` })),
    };
    state.parts.push(part);
    return { abort: () => part.fail('abort') };
  };

  const answerRequest = (o: AnyOptions) => {
    const url = String(o.url);
    state.requests.push({ url, method: o.method ?? 'GET' });
    if (o.method === 'PUT' && url.includes('partNumber=')) return answerPart(o);
    const answer = () => {
      const route = url.replace(/^https?:\/\/[^/]+/, '');
      if (state.multipart && route.startsWith('/api/uploads') && answerMultipart(o, route)) return;
      if (url.endsWith('/healthz')) {
        const h = state.health;
        if ('errMsg' in h) return o.fail?.({ errMsg: `request:fail ${h.errMsg}` });
        if ('status' in h) return o.success?.({ statusCode: h.status, data: '{"error":{"code":"InternalError","message":"boom"}}', header: {} });
        const multipart = state.multipart ? { multipart: { maxBytes: 2 * 1024 ** 3, partSize: state.multipart.partSize } } : {};
        return o.success?.({ statusCode: 200, data: JSON.stringify({ ok: true, provider: 'local', bucket: 'test', limits: h.limits, ...multipart }), header: {} });
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
    };
    if (state.holdTickets && url.endsWith('/api/tickets')) {
      const held = {
        settled: false,
        release: () => {
          if (held.settled) return;
          held.settled = true;
          later(() => answer());
        },
        fail: (why: string) => {
          if (held.settled) return;
          held.settled = true;
          later(() => o.fail?.({ errMsg: `request:fail ${why}` }));
        },
      };
      state.heldTickets.push(held);
      return { abort: () => held.fail('abort') };
    }
    later(answer);
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
    const { success, fail, complete, ...options } = o;
    state.pickerCalls.push({ api, options });
    if (!('errMsg' in answer)) answer.files.forEach((f) => sizes.set(f.path, f.size));
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
  replace('showActionSheet', (o: AnyOptions) => {
    state.sheets.push([...o.itemList]);
    const index = state.sheetAnswers.shift();
    later(() => (index === undefined ? o.fail?.({ errMsg: 'showActionSheet:fail cancel' }) : o.success?.({ tapIndex: index, errMsg: 'showActionSheet:ok' })));
  });
  // Photo preparation: compressImage makes a smaller "copy" (these test photos have no pixels;
  // the Node-backed wx re-encodes real ones), the file system reads and writes in memory.
  replace('compressImage', (o: AnyOptions) =>
    later(() => {
      const out = `${o.src}.q${o.quality}.jpg`;
      sizes.set(out, Math.round((sizes.get(o.src) ?? 1000) * state.compressRatio));
      o.success?.({ tempFilePath: out, errMsg: 'compressImage:ok' });
    }),
  );
  const bytesOf = (path: string) =>
    state.written.get(path) ?? state.fileBytes.get(path) ?? (/\.jpe?g$/i.test(path) ? PLAIN_JPEG : undefined);
  const fsManager = {
    readFile: (o: AnyOptions) =>
      later(() => {
        // A range of a picked file (a part): zeros of its length, as large picks have no bytes here.
        if (typeof o.length === 'number' && sizes.has(o.filePath)) return o.success?.({ data: new ArrayBuffer(o.length), errMsg: 'readFile:ok' });
        const bytes = bytesOf(o.filePath);
        if (!bytes) return o.fail?.({ errMsg: `readFile:fail no such file or directory ${o.filePath}` });
        // A copy of exactly the file, as WeChat gives: a Buffer's .buffer may be a shared pool.
        o.success?.({ data: new Uint8Array(bytes).buffer, errMsg: 'readFile:ok' });
      }),
    writeFile: (o: AnyOptions) =>
      later(() => {
        let used = (o.data as ArrayBuffer).byteLength;
        for (const [p, bytes] of state.written) if (p !== o.filePath) used += bytes.length;
        if (used > state.userFilesLimitBytes) return o.fail?.({ errMsg: 'writeFile:fail the maximum size of the file storage limit is exceeded' });
        state.written.set(o.filePath, new Uint8Array(o.data as ArrayBuffer));
        o.success?.({ errMsg: 'writeFile:ok' });
      }),
    getFileInfo: (o: AnyOptions) =>
      later(() => {
        const size = state.written.get(o.filePath)?.length ?? sizes.get(o.filePath);
        if (size === undefined) return o.fail?.({ errMsg: `getFileInfo:fail no such file ${o.filePath}` });
        o.success?.({ size, errMsg: 'getFileInfo:ok' });
      }),
    unlink: (o: AnyOptions) => later(() => (state.written.delete(o.filePath), o.success?.({ errMsg: 'unlink:ok' }))),
    mkdir: (o: AnyOptions) => later(() => o.success?.({ errMsg: 'mkdir:ok' })),
    // As WeChat's: with `recursive`, what the app wrote under the folder goes too.
    rmdir: (o: AnyOptions) =>
      later(() => {
        const prefix = `${String(o.dirPath).replace(/\/$/, '')}/`;
        if (o.recursive) for (const p of [...state.written.keys()]) if (p.startsWith(prefix)) state.written.delete(p);
        o.success?.({ errMsg: 'rmdir:ok' });
      }),
    // The names directly in a folder, of the files the app wrote there.
    readdir: (o: AnyOptions) =>
      later(() => {
        const prefix = `${String(o.dirPath).replace(/\/$/, '')}/`;
        const files = [...state.written.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
        o.success?.({ files, errMsg: 'readdir:ok' });
      }),
  };
  replace('getFileSystemManager', () => fsManager);
  replace("env", { USER_DATA_PATH });
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
  replace('getStorageInfoSync', () => ({ keys: [...state.storage.keys()], currentSize: 0, limitSize: 10240 }));
  replace('setNavigationBarTitle', (o: AnyOptions) => (state.title = String(o.title)));
  replace('setTabBarItem', (o: AnyOptions) => (state.tabTexts[o.index] = String(o.text)));
  replace('getAppBaseInfo', () => ({ SDKVersion: '3.5.0', language: 'zh_CN' }));
  replace('onAppHide', (listener: () => void) => void hideListeners.add(listener));
  replace('onAppShow', (listener: () => void) => void showListeners.add(listener));
  replace('offAppHide', (listener: () => void) => void hideListeners.delete(listener));
  replace('offAppShow', (listener: () => void) => void showListeners.delete(listener));
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
