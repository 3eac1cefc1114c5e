// The network half of the Node-backed `wx`: `wx.uploadFile` as a REAL multipart POST
// streamed from disk, `wx.request` as real HTTP, both with WeChat's result and
// error shapes (`errMsg`), its default 60 s timeout and its limit of 10 network
// tasks at once. See node-wx.ts for the rest of `wx`.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
// From node:timers, not the global: jest's jsdom environment has no setImmediate.
import { setImmediate, setTimeout, clearTimeout } from 'node:timers';

/** WeChat's default and maximum timeout for request/uploadFile/downloadFile. */
export const WECHAT_DEFAULT_TIMEOUT_MS = 60_000;
/**
 * WeChat allows 10 request/uploadFile/downloadFile tasks at once; the 11th fails at
 * once with "<api>:fail exceed max task count" (errno 600007 in the error-code table).
 */
export const WECHAT_MAX_NETWORK_TASKS = 10;
const EXCEED_MAX_TASK_ERRNO = 600007;
/** Enough of a body to hold a store's XML error code and message. */
const RECORDED_BODY_CHARS = 1000;

/** How long an upload whose write failed waits for the answer already on its way. */
const ANSWER_GRACE_MS = 50;

type Callback<T> = ((result: T) => void) | undefined;
interface Callbacks<T> {
  success?: Callback<T>;
  fail?: Callback<{ errMsg: string; errno?: number }>;
  complete?: Callback<T | { errMsg: string; errno?: number }>;
}

export interface NetworkRecord {
  api: 'request' | 'uploadFile';
  method: string;
  url: string;
  /** For uploadFile: the path sent and the form fields. */
  filePath?: string;
  formData?: Record<string, string>;
  /** How the task ended: the status, or the errMsg. */
  outcome?: number | string;
  /** The start of the answer's body, for assertions and failure messages. */
  response?: string;
  /** For request: the start of the body sent (a JSON text, e.g. the ticket request). */
  requestBody?: string;
}

/** What tests read back: every task, and the most that ran at once. */
export class NetworkStats {
  active = 0;
  maxConcurrent = 0;
  readonly log: NetworkRecord[] = [];
  count(api: NetworkRecord['api']) {
    return this.log.filter((r) => r.api === api).length;
  }
}

export interface NetworkOptions {
  maxTasks: number;
  defaultTimeoutMs: number;
  stats: NetworkStats;
  /**
   * Called before an upload opens its connection; the upload waits for it. Lets a
   * test hold one file back (e.g. until a ticket has expired) without sleeping.
   */
  beforeUpload?: (options: WechatMiniprogram.UploadFileOption) => Promise<void> | void;
  /** Where the bytes behind a temp path (`wxfile://tmp_…`) are on disk. */
  diskPath?: (filePath: string) => string;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.heic': 'image/heic', '.mp4': 'video/mp4', '.pdf': 'application/pdf',
};
export const mimeOf = (file: string) => MIME_BY_EXTENSION[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

function settle<T>(cb: Callbacks<T>, ok: true, result: T): void;
function settle<T>(cb: Callbacks<T>, ok: false, result: { errMsg: string; errno?: number }): void;
function settle<T>(cb: Callbacks<T>, ok: boolean, result: any) {
  // WeChat calls back asynchronously, never inside the call that started the task.
  setImmediate(() => {
    (ok ? cb.success : cb.fail)?.(result);
    cb.complete?.(result);
  });
}

/** A network task slot, released exactly once; refused when 10 are already in use. */
function takeSlot(options: NetworkOptions) {
  const { stats } = options;
  if (stats.active >= options.maxTasks) return undefined;
  stats.active++;
  stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.active);
  let released = false;
  return () => {
    if (!released) stats.active--;
    released = true;
  };
}

const clientFor = (url: URL) => (url.protocol === 'https:' ? https : http);
const stringHeaders = (header: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(header).filter(([k]) => k.toLowerCase() !== 'referer').map(([k, v]) => [k, String(v)]));

export interface NodeUploadTask extends WechatMiniprogram.UploadTask {
  /** Bytes of the request body handed to the socket so far (for tests). */
  readonly bytesSent: number;
}

export function uploadFile(options: NetworkOptions, o: WechatMiniprogram.UploadFileOption): NodeUploadTask {
  const listeners = new Set<WechatMiniprogram.UploadTaskOnProgressUpdateCallback>();
  const record: NetworkRecord = { api: 'uploadFile', method: 'POST', url: o.url, filePath: o.filePath, formData: { ...o.formData } };
  options.stats.log.push(record);
  let finished = false;
  let aborted = false;
  let bytesSent = 0;
  let request: http.ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  const release = takeSlot(options);

  const finish = (ok: boolean, result: any) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    release?.();
    request?.destroy();
    record.outcome = ok ? result.statusCode : result.errMsg;
    if (ok) record.response = result.data.slice(0, RECORDED_BODY_CHARS);
    settle(o as Callbacks<any>, ok as any, result);
  };
  const fail = (why: string, errno?: number) => finish(false, { errMsg: `uploadFile:fail ${why}`, ...(errno ? { errno } : {}) });

  const task: NodeUploadTask = {
    get bytesSent() { return bytesSent; },
    abort() {
      aborted = true;
      fail('abort');
    },
    onProgressUpdate: (listener) => void listeners.add(listener),
    offProgressUpdate: (listener?: any) => (listener ? void listeners.delete(listener) : listeners.clear()),
    onHeadersReceived: () => undefined,
    offHeadersReceived: () => undefined,
  } as NodeUploadTask;

  if (!release) {
    fail('exceed max task count', EXCEED_MAX_TASK_ERRNO);
    return task;
  }
  timer = setTimeout(() => fail('timeout'), o.timeout ?? options.defaultTimeoutMs);

  const start = async () => {
    await options.beforeUpload?.(o);
    if (finished) return;
    const onDisk = options.diskPath ? options.diskPath(o.filePath) : o.filePath;
    const stat = await fs.promises.stat(onDisk).catch(() => undefined);
    if (!stat?.isFile()) return fail(`file not found: ${o.filePath}`);
    const boundary = `----WechatNodeFormBoundary${randomBytes(12).toString('hex')}`;
    const fields = Object.entries(o.formData ?? {})
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`)
      .join('');
    const fileHead =
      `--${boundary}\r\nContent-Disposition: form-data; name="${o.name}"; filename="${path.basename(o.filePath)}"\r\n` +
      `Content-Type: ${mimeOf(o.filePath)}\r\n\r\n`;
    const head = Buffer.from(fields + fileHead);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    // The file's size now, not when it was picked: a file that grew since is sent whole.
    const total = head.length + stat.size + tail.length;

    const url = new URL(o.url);
    const req = clientFor(url).request(url, {
      method: 'POST',
      headers: { ...stringHeaders(o.header), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total) },
    });
    request = req;
    let lastReported = -1;
    const written = (n: number) => {
      bytesSent += n;
      if (finished || bytesSent === lastReported) return;
      lastReported = bytesSent;
      const progress = Math.floor((bytesSent / total) * 100);
      for (const l of [...listeners]) l({ progress, totalBytesSent: bytesSent, totalBytesExpectedToSend: total });
    };
    // Progress counts what the socket accepted (the write callback), not what was read.
    const write = (chunk: Buffer) => req.write(chunk, (err) => !err && written(chunk.length));

    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => finish(true, { data: Buffer.concat(parts).toString('utf8'), statusCode: res.statusCode ?? 0, errMsg: 'uploadFile:ok' }));
      res.on('error', (e) => fail(e.message));
    });
    // A store may answer (e.g. 400 EntityTooLarge) and close before taking the whole
    // body: the answer wins over the write error that follows it.
    req.on('error', (e) => setTimeout(() => fail(e.message), ANSWER_GRACE_MS));

    write(head);
    const file = fs.createReadStream(onDisk);
    file.on('data', (chunk) => {
      if (!write(chunk as Buffer)) {
        file.pause();
        req.once('drain', () => file.resume());
      }
    });
    file.on('error', (e) => fail(`file read error: ${e.message}`));
    file.on('end', () => !finished && req.end(tail, () => written(tail.length)));
    req.on('close', () => file.destroy());
  };
  start().catch((e) => !aborted && fail(String(e?.message ?? e)));
  return task;
}


function encodeQuery(data: Record<string, unknown>) {
  return Object.entries(data)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join('&');
}

export function request(options: NetworkOptions, o: WechatMiniprogram.RequestOption): WechatMiniprogram.RequestTask {
  const method = (o.method ?? 'GET').toUpperCase();
  const record: NetworkRecord = { api: 'request', method, url: o.url };
  options.stats.log.push(record);
  const headers = stringHeaders(o.header);
  const contentTypeKey = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  if (!contentTypeKey) headers['content-type'] = 'application/json'; // WeChat's default
  const contentType = headers[contentTypeKey ?? 'content-type'];

  let url = o.url;
  let body: Buffer | undefined;
  const data = o.data;
  if (data !== undefined && data !== null) {
    // The tag, not instanceof: an ArrayBuffer made in jest's sandbox is from another realm.
    if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') body = Buffer.from(data as ArrayBuffer);
    else if (typeof data === 'string') body = Buffer.from(data);
    else if (method === 'GET') {
      const q = encodeQuery(data as Record<string, unknown>);
      if (q) url += (url.includes('?') ? '&' : '?') + q;
    } else if (/x-www-form-urlencoded/i.test(contentType)) body = Buffer.from(encodeQuery(data as Record<string, unknown>));
    else body = Buffer.from(JSON.stringify(data));
  }
  if (body) record.requestBody = body.subarray(0, RECORDED_BODY_CHARS).toString('utf8');

  let finished = false;
  let req: http.ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  const release = takeSlot(options);
  const finish = (ok: boolean, result: any) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    release?.();
    req?.destroy();
    record.outcome = ok ? result.statusCode : result.errMsg;
    settle(o as Callbacks<any>, ok as any, result);
  };
  const fail = (why: string, errno?: number) => finish(false, { errMsg: `request:fail ${why}`, ...(errno ? { errno } : {}) });
  const task = {
    abort: () => fail('abort'),
    onHeadersReceived: () => undefined,
    offHeadersReceived: () => undefined,
    onChunkReceived: () => undefined,
    offChunkReceived: () => undefined,
  } as unknown as WechatMiniprogram.RequestTask;

  if (!release) {
    fail('exceed max task count', EXCEED_MAX_TASK_ERRNO);
    return task;
  }
  timer = setTimeout(() => fail('timeout'), o.timeout ?? options.defaultTimeoutMs);
  const target = new URL(url);
  req = clientFor(target).request(target, {
    method,
    headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
  });
  req.on('response', (res) => {
    const parts: Buffer[] = [];
    res.on('data', (d: Buffer) => parts.push(d));
    res.on('end', () => {
      const raw = Buffer.concat(parts);
      let payload: unknown;
      if (o.responseType === 'arraybuffer') payload = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length);
      else {
        payload = raw.toString('utf8');
        // Like WeChat: dataType 'json' (the default) parses, and keeps the text when it is not JSON.
        if ((o.dataType ?? 'json') === 'json') {
          try { payload = JSON.parse(payload as string); } catch { /* stays a string */ }
        }
      }
      const setCookie = res.headers['set-cookie'] ?? [];
      finish(true, { data: payload, statusCode: res.statusCode ?? 0, header: { ...res.headers }, cookies: setCookie, errMsg: 'request:ok' });
    });
    res.on('error', (e) => fail(e.message));
  });
  req.on('error', (e) => fail(e.message));
  req.end(body);
  return task;
}
