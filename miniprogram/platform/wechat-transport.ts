// The Transport half of the WeChat adapter: wx.request / wx.uploadFile / PUT via
// readFile + wx.request, with every errMsg turned into one TransportError kind.
// `wx` is only touched when a method runs, never at import time.
import {
  TransportError,
  type FilePartRequest,
  type FileUploadRequest,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportErrorKind,
  type UploadTask,
} from '../shared/core/index';
import { abortableUpload, bodyText, lowerCaseHeaders, uploadPutWith } from '../shared/adapter-kit/index';

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

/** Multipart POST. wx.uploadFile names the part after the temp file: `fileName` cannot be set. */
function uploadMultipart(req: FileUploadRequest): UploadTask {
  // Told to the engine: a task without onProgressUpdate must not be judged by its silence.
  let reportsProgress = false;
  const upload = abortableUpload((control) => {
    const task = wx.uploadFile({
      url: req.url,
      filePath: req.filePath,
      name: req.fileField,
      formData: req.fields,
      header: req.headers,
      timeout: req.timeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
      success: (res) => {
        const header = (res as { header?: unknown }).header;
        control.succeed({ statusCode: res.statusCode, body: bodyText(res.data), headers: lowerCaseHeaders(header) });
      },
      fail: (err) => control.fail(toTransportError(err)),
    });
    control.track(task);
    if (req.onProgress && task && typeof task.onProgressUpdate === 'function') {
      const onProgress = req.onProgress;
      reportsProgress = true;
      task.onProgressUpdate((p) => {
        if (!control.aborted) onProgress({ bytesSent: p.totalBytesSent, totalBytes: p.totalBytesExpectedToSend });
      });
    }
  });
  return { ...upload, reportsProgress };
}

/** Which bytes of the file a PUT sends: all of it, or one part's range. */
interface ByteRange {
  offset: number;
  length: number;
}

type FileRead = (filePath: string, done: (data: ArrayBuffer) => void, failed: (error: TransportError) => void) => void;

const fileError = (err: unknown) => new TransportError('file', errMsgOf(err), err);

/**
 * One range of a file. By descriptor (FileSystemManager.open + read, base library 2.16.1)
 * where the client has it: readFile is documented to refuse files over 100 MB whatever
 * range is asked, and a video in parts is often larger. Older clients read the range with
 * readFile({position, length}) (2.10.0), which then covers files up to that cap.
 */
function readRange(range: ByteRange): FileRead {
  return (filePath, done, failed) => {
    const fs = wx.getFileSystemManager();
    if (typeof fs.open !== 'function' || typeof fs.read !== 'function') {
      fs.readFile({ filePath, position: range.offset, length: range.length, success: ({ data }) => done(data as ArrayBuffer), fail: (err) => failed(fileError(err)) });
      return;
    }
    fs.open({
      filePath,
      flag: 'r',
      success: ({ fd }) => {
        // Closed whatever the read does: a part's descriptor must not outlive its read.
        const close = () => fs.close({ fd, fail: () => undefined });
        const buffer = new ArrayBuffer(range.length);
        fs.read({
          fd,
          arrayBuffer: buffer,
          offset: 0,
          length: range.length,
          position: range.offset,
          success: ({ bytesRead }) => {
            close();
            if (bytesRead === range.length) done(buffer);
            // The file shrank since it was picked: never send a short part as if whole.
            else failed(new TransportError('file', `read:fail read ${bytesRead} of ${range.length} bytes at ${range.offset}`, undefined));
          },
          fail: (err) => {
            close();
            failed(fileError(err));
          },
        });
      },
      fail: (err) => failed(fileError(err)),
    });
  };
}

/** The whole file (a PUT ticket: files up to the single-request limit, well under readFile's cap). */
const readWhole: FileRead = (filePath, done, failed) =>
  wx.getFileSystemManager().readFile({ filePath, success: ({ data }) => done(data as ArrayBuffer), fail: (err) => failed(fileError(err)) });

/**
 * PUT: the file (or one range of it) read with the file system manager, then sent with
 * wx.request and the ArrayBuffer as its body. A whole-file PUT and a part differ only by the range.
 */
function putFile(req: FileUploadRequest, range?: ByteRange): UploadTask {
  return uploadPutWith(req, {
    readFile: range ? readRange(range) : readWhole,
    send: (body, answered, failed) =>
      wx.request({
        url: req.url,
        method: 'PUT',
        header: req.headers,
        data: body,
        dataType: 'text',
        responseType: 'text',
        timeout: req.timeoutMs ?? WECHAT_DEFAULT_TIMEOUT_MS,
        success: (res) => answered({ statusCode: res.statusCode, body: bodyText(res.data), headers: lowerCaseHeaders(res.header) }),
        fail: (err) => failed(toTransportError(err)),
      }),
  });
}

/** One part of a multipart upload: only its range is read, then PUT like a whole file. */
function putPart(req: FilePartRequest): UploadTask {
  const asUpload: FileUploadRequest = { method: 'PUT', url: req.url, filePath: req.filePath, fileName: '', fileField: '', fields: {}, headers: req.headers, timeoutMs: req.timeoutMs };
  return putFile(asUpload, { offset: req.offset, length: req.length });
}

export function createWechatTransport(): Transport {
  return {
    request,
    upload: (req) => (req.method === 'PUT' ? putFile(req) : uploadMultipart(req)),
    putPart,
  };
}
