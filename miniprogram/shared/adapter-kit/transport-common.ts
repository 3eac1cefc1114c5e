// What the WeChat and Alipay transports do alike, with no platform API in it:
// answers turned into HttpResponse pieces, the abort bookkeeping every upload
// needs, and the PUT flow (read the file, send it, report progress at both ends).
// Each transport keeps only its wx / my calls and its error-code mapping.
import { TransportError, type FileUploadRequest, type HttpResponse, type UploadTask } from '../core/index';

/** Header names differ in case between iOS and Android; the engine reads them lower-cased. */
export function lowerCaseHeaders(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header || typeof header !== 'object') return out;
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  return out;
}

/**
 * Bodies come back as text; anything else (ArrayBuffer, parsed object) is turned
 * into text. ArrayBuffer is recognised by its tag, not `instanceof`, because the
 * runtime may hand over one from another realm.
 */
export function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return utf8Decode(new Uint8Array(data as ArrayBuffer));
  return JSON.stringify(data);
}

/** Not every WeChat or Alipay base library has TextDecoder. */
function utf8Decode(bytes: Uint8Array): string {
  let encoded = '';
  for (let i = 0; i < bytes.length; i += 1) encoded += `%${bytes[i].toString(16).padStart(2, '0')}`;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
}

export function abortedError(): TransportError {
  return new TransportError('aborted', 'upload aborted');
}

/** A platform task abort() can cancel (wx/my upload and request tasks). */
export interface Abortable {
  abort(): void;
}

/** What an upload's platform callbacks see of abort(). */
export interface UploadControl {
  readonly aborted: boolean;
  /** The platform task abort() should cancel, once it has started. */
  track(task: Abortable | undefined): void;
  /** Resolves with the answer, unless abort() came first: a late success must never count as an upload. */
  succeed(response: HttpResponse): void;
  /** Rejects with `error`, or as aborted when abort() came first. */
  fail(error: TransportError): void;
}

/** Runs `start` at once (like a Promise executor) and gives the upload its abort(). */
export function abortableUpload(start: (control: UploadControl) => void): UploadTask {
  let aborted = false;
  let task: Abortable | undefined;
  const result = new Promise<HttpResponse>((resolve, reject) => {
    start({
      get aborted() {
        return aborted;
      },
      track: (started) => {
        task = started;
      },
      succeed: (response) => (aborted ? reject(abortedError()) : resolve(response)),
      fail: (error) => reject(aborted ? abortedError() : error),
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

/** The platform calls a PUT upload is made of. */
export interface PutCalls {
  /** Reads the whole file; a failure is a 'file' TransportError. */
  readFile(filePath: string, done: (data: ArrayBuffer) => void, failed: (error: TransportError) => void): void;
  /** Sends the body with the ticket's URL and headers. */
  send(body: ArrayBuffer, answered: (response: HttpResponse) => void, failed: (error: TransportError) => void): Abortable | undefined;
}

/**
 * PUT (COS PUT / presigned S3 PUT): uploadFile only does multipart POST, so the
 * file is read into memory and sent as a request body. Requests have no upload
 * progress: we report 0 at the start and everything at the end.
 */
export function uploadPutWith(req: FileUploadRequest, calls: PutCalls): UploadTask {
  return abortableUpload((control) => {
    calls.readFile(
      req.filePath,
      (body) => {
        if (control.aborted) return control.fail(abortedError());
        const totalBytes = body.byteLength;
        req.onProgress?.({ bytesSent: 0, totalBytes });
        const task = calls.send(
          body,
          (response) => {
            if (control.aborted) return control.fail(abortedError());
            req.onProgress?.({ bytesSent: totalBytes, totalBytes });
            control.succeed(response);
          },
          control.fail,
        );
        control.track(task);
      },
      control.fail,
    );
  });
}
