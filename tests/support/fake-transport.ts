// A scripted Transport for engine tests: the signer answers from routes a test can
// replace, and every upload waits until the test resolves, rejects or moves it.
// It records requests and the most uploads in flight at once.
import type { HealthResponse, TicketRequest, TicketResponse, UploadLimits, UploadTicket } from '../../typings/ticket';
import {
  TransportError,
  type FileUploadRequest,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportErrorKind,
  type UploadTask,
} from '../../miniprogram/shared/core/ports';
import type { PickedFile } from '../../miniprogram/shared/core/types';

export const MiB = 1024 * 1024;
export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
export const SIGNER = 'http://signer.test';
export const BUCKET = 'http://bucket.test/dev-bucket';
export const LIMITS: UploadLimits = Object.freeze({ maxBytes: 20 * MiB, maxFiles: 20, allowedTypes: ['image/*'] });

/** Lets every promise chain that is not waiting on a timer or the test run to its end. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

export function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r1</RequestId></Error>`;
}

let photoCount = 0;
export function photo(size = 1000, name?: string, type = 'image/jpeg'): PickedFile {
  photoCount += 1;
  const fileName = name ?? `IMG_${photoCount}.jpg`;
  return { path: `wxfile://tmp/${fileName}`, name: fileName, size, type, kind: 'image' };
}

export class FakeUpload {
  aborted = false;
  settled = false;
  readonly task: UploadTask;
  private resolve!: (response: HttpResponse) => void;
  private reject!: (error: TransportError) => void;

  constructor(
    readonly request: FileUploadRequest,
    private readonly owner: FakeTransport,
  ) {
    const result = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.task = {
      result,
      abort: () => {
        this.aborted = true;
        // Like wx.uploadFile: abort() ends in the fail callback, unless a test wants a late answer.
        if (owner.rejectOnAbort) this.fail('aborted');
        else this.finish();
      },
    };
  }

  /** Platforms report the multipart body's size as the total, a little more than the file's. */
  progress(bytesSent: number, totalBytes: number): void {
    this.request.onProgress?.({ bytesSent, totalBytes });
  }

  respond(statusCode: number, body = '', headers: Record<string, string> = {}): void {
    this.finish();
    this.resolve({ statusCode, body, headers });
  }

  succeed(): void {
    this.respond(204);
  }

  fail(kind: TransportErrorKind, message = `uploadFile:fail ${kind}`): void {
    this.finish();
    this.reject(new TransportError(kind, message));
  }

  private finish(): void {
    if (!this.settled) this.owner.inFlight -= 1;
    this.settled = true;
  }
}

type Route = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

export class FakeTransport implements Transport {
  readonly requests: HttpRequest[] = [];
  readonly uploads: FakeUpload[] = [];
  inFlight = 0;
  maxInFlight = 0;
  rejectOnAbort = true;
  /** The signer's clock minus the phone's. */
  serverSkewMs = 0;
  ticketTtlMs = 10 * 60 * 1000;
  limits: UploadLimits = LIMITS;
  readonly routes: Record<string, Route> = {
    'GET /healthz': () => json(200, this.health()),
    'POST /api/tickets': (request) => json(200, this.ticketResponse(JSON.parse(request.body ?? '{}') as TicketRequest)),
  };
  private issued = 0;
  private taken = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly now: () => number) {}

  health(): HealthResponse {
    return { ok: true, provider: 'local', bucket: 'dev', limits: this.limits };
  }

  ticket(name: string, overrides: Partial<UploadTicket> = {}): UploadTicket {
    this.issued += 1;
    const key = `uploads/2026/11/22/${this.issued}-${name}`;
    return {
      provider: 's3',
      method: 'POST',
      url: BUCKET,
      key,
      fileField: 'file',
      fields: { key, Policy: `policy-${this.issued}`, 'X-Amz-Signature': `sig-${this.issued}` },
      headers: {},
      contentType: 'image/jpeg',
      maxBytes: this.limits.maxBytes,
      expiresAt: new Date(this.now() + this.serverSkewMs + this.ticketTtlMs).toISOString(),
      successStatus: 204,
      objectUrl: `${BUCKET}/${key}`,
      ...overrides,
    };
  }

  ticketResponse(body: TicketRequest): TicketResponse {
    return {
      serverTime: new Date(this.now() + this.serverSkewMs).toISOString(),
      tickets: body.files.map((file) => this.ticket(file.name)),
    };
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const path = request.url.replace(SIGNER, '');
    const route = this.routes[`${request.method} ${path}`];
    if (!route) return json(404, { error: { code: 'NotFound', message: 'no route' } });
    return route(request);
  }

  upload(request: FileUploadRequest): UploadTask {
    const upload = new FakeUpload(request, this);
    this.uploads.push(upload);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.waiters.splice(0).forEach((wake) => wake());
    return upload.task;
  }

  /** The next upload the engine starts (in order), waiting for it if needed. */
  async nextUpload(): Promise<FakeUpload> {
    while (this.uploads.length <= this.taken) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.uploads[this.taken++];
  }

  /** Each ticket request's file names, in order. */
  ticketRequests(): string[][] {
    return this.requests
      .filter((r) => r.url.endsWith('/api/tickets'))
      .map((r) => (JSON.parse(r.body ?? '{}') as TicketRequest).files.map((f) => f.name));
  }
}
