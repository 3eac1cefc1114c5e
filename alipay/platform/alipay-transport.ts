// The Transport half of the Alipay adapter: my.request / my.uploadFile / PUT via
// readFile + my.request, with every `{error, errorMessage}` turned into one
// TransportError kind. `my` is only touched when a method runs, never at import time.
// Error codes are the ones Alipay documents for my.uploadFile and my.request.
//
// No putPart here, so files above the signer's UPLOAD_MAX_BYTES stay one my.uploadFile
// POST and are refused before anything is sent (文件超过 20 MB 上限（此文件 24 MB）): a
// part must be read as a byte range, and Alipay documents none (its docs as of Feb 2026):
// - FileSystemManager.readFile (https://opendocs.alipay.com/mini/api/0226oj) takes
//   filePath and encoding only; readFileSync (…/api/025029) likewise. No position/length.
// - The FileSystemManager overview (…/api/0226od) lists access, appendFile, copyFile,
//   getFileInfo, getSavedFileList, mkdir, readdir, readFile, removeSavedFile, rename,
//   rmdir, saveFile, stat, unlink, unzip, writeFile (and their Sync forms): no open,
//   read or readSync by file descriptor, unlike WeChat (base library 2.16.1).
// - The typings agree: @mini-types/alipay 3.0.14 (the newest) declares those methods
//   (plus zip) on my.FileSystemManager, and readFile({filePath, encoding}).
// - my.request (…/api/owycmh) would carry a part: method PUT and an ArrayBuffer `data`
//   from client 10.1.95, `timeout` 0–60000 ms (default 30000), answers `status`/`headers`
//   (the typings add `statusCode`/`header`), RequestTask.abort() fails it with
//   error 9 "request:fail abort". The missing half is the read (my.uploadFile sends a
//   whole file, with no range either).
// Reading the whole file and slicing it would hold the file in memory for every part:
// not a resumable upload a phone can afford. tests/alipay/large-files.test.ts pins these
// typings, so the day they gain a ranged read the test says putPart can be written.
import {
  TransportError,
  type FileUploadRequest,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportErrorKind,
  type UploadTask,
} from '../shared/miniprogram/shared/core/index';
import { abortableUpload, bodyText, lowerCaseHeaders, uploadPutWith, type Abortable } from '../shared/miniprogram/shared/adapter-kit/index';

/** my.uploadFile's documented default; my.request's is 30 s, so we always pass one. */
const ALIPAY_DEFAULT_TIMEOUT_MS = 60_000;
/** my.request refuses timeouts above 60 s. */
const ALIPAY_MAX_REQUEST_TIMEOUT_MS = 60_000;
/**
 * my.uploadFile reports its own timeout as the generic 12 "上传文件失败". A 12 that
 * arrives this close to the deadline we set is that timeout (timers drift a little).
 */
const TIMEOUT_INFERENCE_SHARE = 0.9;

/** Alipay's error codes for the network APIs (my.request and my.uploadFile tables). */
export const ALIPAY_ERROR = {
  /** Domain not on the allow-list ("无权跨域调用"). my.request also uses 11 for it. */
  domainNotAllowed: 4,
  /** The task was aborted ("uploadFile:fail abort", "request:fail abort"). */
  aborted: 9,
  /** uploadFile: file does not exist or invalid parameter; request: no permission (domain). */
  fileMissingOrNoPermission: 11,
  /** Network error; for uploadFile also "上传文件失败" including its timeout. */
  network: 12,
  /** my.request timed out. */
  timeout: 13,
  /** my.request could not decode the body for the dataType asked. */
  decode: 14,
  /** my.request: HTTP error (4xx/5xx), with status/data/headers on the error. */
  httpStatus: 19,
  /** Stopped or rate-limited, or the URL is not HTTPS. */
  stopped: 20,
} as const;

export interface AlipayError {
  error?: number;
  errorMessage?: string;
  /** Present on error 19 (and some 14s): the HTTP answer that came with it. */
  status?: number | string;
  data?: unknown;
  headers?: unknown;
}

export function alipayErrorOf(raw: unknown): AlipayError {
  if (raw && typeof raw === 'object') return raw as AlipayError;
  return { errorMessage: raw instanceof Error ? raw.message : String(raw) };
}

const mentionsTimeout = (message: string) => /time ?out|timed out|超时/i.test(message);

/** One TransportError kind per Alipay failure; `api` because code 11 means different things. */
export function transportErrorKind(api: 'request' | 'uploadFile', raw: AlipayError): TransportErrorKind {
  const message = raw.errorMessage ?? '';
  switch (raw.error) {
    case ALIPAY_ERROR.domainNotAllowed:
      return 'domain';
    case ALIPAY_ERROR.aborted:
      return 'aborted';
    case ALIPAY_ERROR.fileMissingOrNoPermission:
      return api === 'request' ? 'domain' : 'file';
    case ALIPAY_ERROR.timeout:
      return 'timeout';
    case ALIPAY_ERROR.stopped:
      // "请求 URL 不支持 HTTP，请使用 HTTPS" is a configuration problem, like the allow-list.
      return /https/i.test(message) ? 'domain' : 'network';
    default:
      // uploadFile reports its timeout as 12 "上传文件失败"; only the message tells.
      if (mentionsTimeout(message)) return 'timeout';
      if (/abort/i.test(message)) return 'aborted';
      return 'network';
  }
}

export function toTransportError(api: 'request' | 'uploadFile', raw: unknown): TransportError {
  const error = alipayErrorOf(raw);
  const message = `${api}:fail ${error.error ?? ''} ${error.errorMessage ?? ''}`.replace(/\s+/g, ' ').trim();
  return new TransportError(transportErrorKind(api, error), message, raw);
}

/** The IDE returns statusCode as a string ("200"); the phone as a number. */
export function statusNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : parseInt(String(value ?? ''), 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * my.request fails non-2xx answers with error 19 but hands the answer along; the
 * engine must see it as an HTTP response (a signer 401 or a store 403 says why).
 */
function httpAnswerIn(raw: AlipayError): HttpResponse | undefined {
  if (raw.error !== ALIPAY_ERROR.httpStatus && raw.error !== ALIPAY_ERROR.decode) return undefined;
  const statusCode = statusNumber(raw.status);
  if (statusCode < 100) return undefined;
  return { statusCode, body: bodyText(raw.data), headers: lowerCaseHeaders(raw.headers) };
}

/** The documented task shape; the typings declare abort(object) but the documented call takes none. */
interface AlipayTask extends Abortable {
  onProgressUpdate?(cb: (p: { progress: number; totalBytesWritten: number; totalBytesExpectedToWrite: number }) => void): void;
}

/** Options the typings lack but the docs list (timeout, hideLoading on uploadFile). */
type UploadFileOptions = Parameters<typeof my.uploadFile>[0] & { timeout?: number; hideLoading?: boolean };
type RequestOptions = Parameters<typeof my.request>[0];

function sendRequest(
  options: { url: string; method: HttpRequest['method'] | 'PUT'; headers: Record<string, string>; data?: string | ArrayBuffer; timeoutMs?: number },
  onAnswer: (response: HttpResponse) => void,
  onError: (error: TransportError) => void,
): AlipayTask {
  const request: RequestOptions = {
    url: options.url,
    method: options.method,
    headers: options.headers,
    // 'text' keeps the body as it came (the engine parses JSON itself), and a
    // store's XML error never fails as "JSON parse data error".
    dataType: 'text',
    timeout: Math.min(options.timeoutMs ?? ALIPAY_DEFAULT_TIMEOUT_MS, ALIPAY_MAX_REQUEST_TIMEOUT_MS),
    success: (res) => {
      const r = res as { status?: unknown; statusCode?: unknown; headers?: unknown; header?: unknown; data?: unknown };
      onAnswer({ statusCode: statusNumber(r.status ?? r.statusCode), body: bodyText(r.data), headers: lowerCaseHeaders(r.headers ?? r.header) });
    },
    fail: (err) => {
      const answer = httpAnswerIn(alipayErrorOf(err));
      if (answer) onAnswer(answer);
      else onError(toTransportError('request', err));
    },
  };
  if (options.data !== undefined) request.data = options.data;
  return my.request(request) as unknown as AlipayTask;
}

function request(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    sendRequest({ url: req.url, method: req.method, headers: req.headers ?? {}, data: req.body, timeoutMs: req.timeoutMs }, resolve, reject);
  });
}

/**
 * my.uploadFile's `fileType` is deprecated but the IDE simulator still refuses
 * anything but image/video/audio; the phone ignores it. Files that are none of
 * those are sent as 'image' so the IDE lets them through.
 */
export function alipayFileType(fileName: string): 'image' | 'video' | 'audio' {
  const ext = (fileName.split('.').pop() ?? '').toLowerCase();
  if (['mp4', 'mov', 'm4v', '3gp', 'avi', 'webm'].includes(ext)) return 'video';
  if (['mp3', 'm4a', 'aac', 'wav', 'amr', 'ogg'].includes(ext)) return 'audio';
  return 'image';
}

/** Alipay sets the multipart content-type itself; a caller's one would break the boundary. */
function withoutContentType(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'content-type') out[name] = value;
  return out;
}

/** A generic upload failure at the deadline we set is our timeout. */
function uploadFailure(raw: unknown, startedAt: number, timeoutMs: number): TransportError {
  const error = toTransportError('uploadFile', raw);
  const atDeadline = Date.now() - startedAt >= timeoutMs * TIMEOUT_INFERENCE_SHARE;
  if (error.kind === 'network' && alipayErrorOf(raw).error === ALIPAY_ERROR.network && atDeadline) {
    return new TransportError('timeout', `${error.message} (after ${timeoutMs} ms)`, raw);
  }
  return error;
}

function uploadMultipart(req: FileUploadRequest): UploadTask {
  const timeoutMs = req.timeoutMs ?? ALIPAY_DEFAULT_TIMEOUT_MS;
  const startedAt = Date.now();
  // Told to the engine: older clients hand back no task, or one without onProgressUpdate,
  // and such an upload must not be judged by its silence.
  let reportsProgress = false;
  const upload = abortableUpload((control) => {
    const formData: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.fields)) formData[name] = String(value);
    const options: UploadFileOptions = {
      url: req.url,
      filePath: req.filePath,
      name: req.fileField,
      // Older clients only know the legacy alias.
      fileName: req.fileField,
      fileType: alipayFileType(req.fileName),
      formData,
      header: withoutContentType(req.headers),
      timeout: timeoutMs,
      // The page shows per-file progress; Alipay's full-screen loading would hide it.
      hideLoading: true,
      success: (res) => {
        const r = res as { statusCode?: unknown; data?: unknown; header?: unknown };
        control.succeed({ statusCode: statusNumber(r.statusCode), body: bodyText(r.data), headers: lowerCaseHeaders(r.header) });
      },
      fail: (err) => control.fail(uploadFailure(err, startedAt, timeoutMs)),
    };
    const task = my.uploadFile(options) as unknown as AlipayTask | undefined;
    control.track(task);
    if (req.onProgress && task && typeof task.onProgressUpdate === 'function') {
      const onProgress = req.onProgress;
      reportsProgress = true;
      task.onProgressUpdate((p) => {
        if (!control.aborted) onProgress({ bytesSent: p.totalBytesWritten, totalBytes: p.totalBytesExpectedToWrite });
      });
    }
  });
  return { ...upload, reportsProgress };
}

/** PUT: the file read with the file system manager, then sent with my.request (ArrayBuffer bodies need Alipay 10.1.95+). */
function uploadPut(req: FileUploadRequest): UploadTask {
  return uploadPutWith(req, {
    readFile: (filePath, done, failed) => {
      my.getFileSystemManager().readFile({
        filePath,
        success: ({ data }) => done(data as ArrayBuffer),
        fail: (err) => {
          const e = alipayErrorOf(err);
          failed(new TransportError('file', `readFile:fail ${e.error ?? ''} ${e.errorMessage ?? ''}`.trim(), err));
        },
      });
    },
    send: (body, answered, failed) =>
      sendRequest({ url: req.url, method: 'PUT', headers: req.headers, data: body, timeoutMs: req.timeoutMs }, answered, failed),
  });
}

export function createAlipayTransport(): Transport {
  return {
    request,
    upload: (req) => (req.method === 'PUT' ? uploadPut(req) : uploadMultipart(req)),
  };
}
