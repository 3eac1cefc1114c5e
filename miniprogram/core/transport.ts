// The platform contract the engine needs, as interfaces (the tus-js-client
// `HttpStack` idea). platform/wechat.ts and platform/alipay.ts implement it; tests
// implement it with scripted fakes or with real HTTP in Node.

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  headers?: Record<string, string>;
  /** A JSON text (the engine serialises it itself). */
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  /** The body as text (JSON or the store's XML error). */
  body: string;
  headers: Record<string, string>;
}

export interface TransferProgress {
  bytesSent: number;
  totalBytes: number;
}

export interface FileUploadRequest {
  /** POST: multipart form to `url`; PUT: the raw file body to `url`. */
  method: 'POST' | 'PUT';
  url: string;
  filePath: string;
  /** The file name sent in the multipart part. */
  fileName: string;
  fileField: string;
  fields: Record<string, string>;
  headers: Record<string, string>;
  timeoutMs?: number;
  onProgress?: (progress: TransferProgress) => void;
}

export interface UploadTask {
  /** Resolves with any HTTP answer (the engine judges the status); rejects with TransportError. */
  result: Promise<HttpResponse>;
  abort(): void;
}

export type TransportErrorKind =
  | 'network' // no connection, DNS, reset
  | 'timeout'
  | 'aborted' // our own abort()
  | 'domain' // the platform refused the domain (not on the allow-list)
  | 'file' // the local file could not be read
  | 'unknown';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** The platform's raw error (errMsg / {error, errorMessage}) for logs. */
    readonly raw?: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Transport {
  request(request: HttpRequest): Promise<HttpResponse>;
  upload(request: FileUploadRequest): UploadTask;
}
