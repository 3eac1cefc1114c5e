// The Transport half of the WeChat adapter: wx.request / wx.uploadFile / PUT via
// readFile + wx.request, with every errMsg turned into one TransportError kind.
// `wx` is only touched when a method runs, never at import time.
import {
  TransportError,
  type FileUploadRequest,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportErrorKind,
  type UploadTask,
} from '../core/transport';

/** WeChat's own default when no `timeout` is passed (documented: 60 s). */
const WECHAT_DEFAULT_TIMEOUT_MS = 60_000;

/**
 * WeChat reports failures only as text, e.g. "uploadFile:fail timeout",
 * "request:fail abort", "uploadFile:fail url not in domain list".
 */
export function transportErrorKind(errMsg: string): TransportErrorKind {
  const text = errMsg.toLowerCase();
  if (text.includes('timeout') || text.includes('timed out')) return 'timeout';
  if (/\babort/.test(text)) return 'aborted';
  if (text.includes('domain list') || text.includes('not in domain')) return 'domain';
  if (text.includes('no such file') || text.includes('file not exist') || text.includes('permission denied, open')) {
    return 'file';
  }
  return 'network';
}

export function toTransportError(raw: unknown): TransportError {
  const errMsg = errMsgOf(raw);
  return new TransportError(transportErrorKind(errMsg), errMsg, raw);
}

export function errMsgOf(raw: unknown): string {
  if (raw && typeof raw === 'object' && typeof (raw as { errMsg?: unknown }).errMsg === 'string') {
    return (raw as { errMsg: string }).errMsg;
  }
  if (raw instanceof Error) return raw.message;
  return String(raw);
}

/** Header names differ in case between iOS and Android; the engine reads them lower-cased. */
export function lowerCaseHeaders(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header || typeof header !== 'object') return out;
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  return out;
}

/** Bodies come back as text; anything else (ArrayBuffer, parsed object) is turned into text. */
function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  if (data instanceof ArrayBuffer) return utf8Decode(new Uint8Array(data));
  return JSON.stringify(data);
}

/** The mini program runtime has no TextDecoder on every base library. */
function utf8Decode(bytes: Uint8Array): string {
  let encoded = '';
  for (let i = 0; i < bytes.length; i += 1) encoded += `%${bytes[i].toString(16).padStart(2, '0')}`;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
}

function request(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: req.url,
      method: req.method,
      header: req.headers ?? {},
      data: req.body,
      // Anything but 'json' keeps the body as the raw text (the engine parses it itself).
      dataType: 'text',
      responseType: 'text',
      timeout: req.timeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
      success: (res) => resolve({ statusCode: res.statusCode, body: bodyText(res.data), headers: lowerCaseHeaders(res.header) }),
      fail: (err) => reject(toTransportError(err)),
    });
  });
}

function abortedError(): TransportError {
  return new TransportError('aborted', 'upload aborted');
}

/** Multipart POST. wx.uploadFile names the part after the temp file: `fileName` cannot be set. */
function uploadMultipart(req: FileUploadRequest): UploadTask {
  let aborted = false;
  let task: WechatMiniprogram.UploadTask | undefined;
  const result = new Promise<HttpResponse>((resolve, reject) => {
    task = wx.uploadFile({
      url: req.url,
      filePath: req.filePath,
      name: req.fileField,
      formData: req.fields,
      header: req.headers,
      timeout: req.timeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
      success: (res) => {
        // A late success after abort() must never count as an upload.
        if (aborted) return reject(abortedError());
        const header = (res as { header?: unknown }).header;
        resolve({ statusCode: res.statusCode, body: bodyText(res.data), headers: lowerCaseHeaders(header) });
      },
      fail: (err) => reject(aborted ? abortedError() : toTransportError(err)),
    });
    if (req.onProgress && task && typeof task.onProgressUpdate === 'function') {
      const onProgress = req.onProgress;
      task.onProgressUpdate((p) => {
        if (!aborted) onProgress({ bytesSent: p.totalBytesSent, totalBytes: p.totalBytesExpectedToSend });
      });
    }
  });
  return {
    result,
    abort: () => {
      aborted = true;
      task?.abort();
    },
  };
}

/**
 * PUT (COS PUT / presigned S3 PUT): wx.uploadFile only does multipart POST, so the
 * file is read into memory and sent with wx.request. wx.request has no upload
 * progress: we report 0 at the start and everything at the end.
 */
function uploadPut(req: FileUploadRequest): UploadTask {
  let aborted = false;
  let task: WechatMiniprogram.RequestTask | undefined;
  const result = new Promise<HttpResponse>((resolve, reject) => {
    wx.getFileSystemManager().readFile({
      filePath: req.filePath,
      success: ({ data }) => {
        if (aborted) return reject(abortedError());
        const body = data as ArrayBuffer;
        const totalBytes = body.byteLength;
        req.onProgress?.({ bytesSent: 0, totalBytes });
        task = wx.request({
          url: req.url,
          method: 'PUT',
          header: req.headers,
          data: body,
          dataType: 'text',
          responseType: 'text',
          timeout: req.timeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
          success: (res) => {
            if (aborted) return reject(abortedError());
            req.onProgress?.({ bytesSent: totalBytes, totalBytes });
            resolve({ statusCode: res.statusCode, body: bodyText(res.data), headers: lowerCaseHeaders(res.header) });
          },
          fail: (err) => reject(aborted ? abortedError() : toTransportError(err)),
        });
      },
      fail: (err) => {
        if (aborted) return reject(abortedError());
        reject(new TransportError('file', errMsgOf(err), err));
      },
    });
  });
  return {
    result,
    abort: () => {
      aborted = true;
      task?.abort();
    },
  };
}

export function createWechatTransport(): Transport {
  return {
    request,
    upload: (req) => (req.method === 'PUT' ? uploadPut(req) : uploadMultipart(req)),
  };
}
