// Talks to the signer: GET /healthz for the limits, POST /api/tickets for a batch,
// POST /api/object-urls for a private bucket's links, GET /api/credentials for
// client-side signing.
// JSON in and out through Transport.request; every answer is checked field by field,
// because a proxy's error page or an older signer must end as a clear `badResponse`,
// never as a half-built upload.
import type { CredentialsResponse } from '../../../typings/credentials';
import type { ApiErrorCode, HealthResponse, ObjectUrlsRequest, TicketRequestFile, UploadLimits, UploadTicket } from '../../../typings/ticket';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from './ports';
import { problem, hostOf, type Problem } from './failure';
import { effectiveType, UNKNOWN_TYPE } from './mime';
import {
  CREDENTIALS_PATH,
  HEALTH_PATH,
  MAX_FILE_NAME_LENGTH,
  NAME_CONTROL_CHARACTER,
  NAME_SEPARATOR,
  OBJECT_URLS_PATH,
  TICKETS_PATH,
  isCredentialsResponse,
  isHealthResponse,
  isObject,
  isNonEmptyString,
  isObjectUrlsResponse,
  isTicketResponse,
} from '../contract/index';
import type { SessionKeeper } from './session';


/** A signed link and when it stops working, by the local clock (the signer's expiry minus its offset). */
export interface SignedLink {
  url: string;
  expiresAtMs: number;
}

/** A /api/credentials grant and the signer's clock minus ours when it arrived. */
export interface CredentialsGrant {
  grant: CredentialsResponse;
  serverOffsetMs: number;
}

/**
 * A signer call that failed, classified. `index` names the file of the batch at fault, when the
 * signer said; `indexes` every one at fault, when it named several.
 */
export class SignerError extends Error {
  constructor(
    readonly problem: Problem,
    readonly index?: number,
    readonly indexes?: readonly number[],
  ) {
    super(`signer: ${problem.reason}${problem.code ? ` ${problem.code}` : ''}`);
    this.name = 'SignerError';
  }
}

export interface TicketBatch {
  tickets: UploadTicket[];
  /** Signer clock minus local clock (ms) when the answer arrived; judges `expiresAt` on a phone whose clock is off. */
  serverOffsetMs: number;
  serverTimeMs: number;
  limits?: UploadLimits;
}

// What no file name may hold for the signer (contract/limits.ts), every occurrence.
const SEPARATORS = new RegExp(NAME_SEPARATOR.source, 'g');
const CONTROL_CHARACTERS = new RegExp(NAME_CONTROL_CHARACTER.source, 'g');

/**
 * The name as the signer accepts it, which reads only its extension: separators and control
 * characters become "_", and a name over MAX_FILE_NAME_LENGTH (a chat file's can be) is cut
 * in the middle, keeping its extension. A file is never refused for its name.
 */
export function signerFileName(name: string): string {
  const clean = name.replace(SEPARATORS, '_').replace(CONTROL_CHARACTERS, '_') || 'file';
  if (clean.length <= MAX_FILE_NAME_LENGTH) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  let cut = MAX_FILE_NAME_LENGTH - extension.length - 1;
  // Never half an emoji: a cut right after a high surrogate steps back over it.
  if (/[\ud800-\udbff]/.test(clean[cut - 1])) cut -= 1;
  return clean.slice(0, cut) + '…' + extension;
}

/**
 * What the signer is told about a file: its type only when we know one (else the signer reads
 * the extension), and the file's idempotencyKey when there is one (the same on every request for it).
 */
export function ticketRequestFile(file: { name: string; size: number; type: string }, idempotencyKey?: string): TicketRequestFile {
  const type = effectiveType(file);
  const name = signerFileName(file.name);
  const request: TicketRequestFile = type === UNKNOWN_TYPE ? { name, size: file.size } : { name, size: file.size, type };
  if (idempotencyKey !== undefined) request.idempotencyKey = idempotencyKey;
  return request;
}

/** The classified problem of any error a signer call threw. */
export function signerProblem(error: unknown): Problem {
  if (error instanceof SignerError) return error.problem;
  return problem('unknown', { code: error instanceof Error ? error.name : undefined });
}

export interface TicketClient {
  health(): Promise<HealthResponse>;
  /** Exactly one ticket per file, in order. */
  tickets(files: TicketRequestFile[]): Promise<TicketBatch>;
  /** Presigned GET links for keys of a private bucket, one request for all of them. */
  objectUrls(keys: string[]): Promise<Map<string, SignedLink>>;
  /** Temporary credentials for client-side signing. */
  credentials(): Promise<CredentialsGrant>;
  /** Any other JSON route (the multipart ones, multipart-client.ts), with the same auth and error mapping. */
  postJson(path: string, body: unknown): Promise<unknown>;
}

/** Where the engine gets tickets: the signer (POST /api/tickets) or the app's own signing (client-tickets.ts). */
export type TicketSource = Pick<TicketClient, 'tickets'>;

export interface TicketClientOptions {
  signerUrl: string;
  transport: Transport;
  authToken?: string;
  /** Signed-in session: its token replaces authToken on /api/* (session.ts). */
  session?: SessionKeeper;
  timeoutMs?: number;
  now: () => number;
}

/** Signer error codes that mean something the app already has its own words for. */
const REASON_FOR_CODE: Partial<Record<ApiErrorCode, Problem['reason']>> = {
  FileTooLarge: 'tooLarge',
  TypeNotAllowed: 'typeNotAllowed',
  UnknownType: 'typeNotAllowed',
  Unauthorized: 'unauthorized',
  InvalidSession: 'unauthorized',
  SessionExpired: 'unauthorized',
  FileQuotaExceeded: 'quota',
  ByteQuotaExceeded: 'quota',
  RateLimited: 'rateLimited',
  // Never from a working app (one key per file, the same size and type on every request for it).
  InvalidIdempotencyKey: 'appFault',
  IdempotencyKeyReused: 'appFault',
};

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), as ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, nowMs: number): number | undefined {
  let value: string | undefined;
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'retry-after') value = headers[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

// ---- errors ----

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function errorFromResponse(response: HttpResponse, nowMs: number = Date.now()): SignerError {
  const status = response.statusCode;
  const wait = retryAfterMs(response.headers ?? {}, nowMs);
  const parsed = parseJson(response.body);
  const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  const code = error && isNonEmptyString(error.code) ? error.code : undefined;
  const detail = error && isNonEmptyString(error.message) ? error.message : undefined;
  const index = error && typeof error.index === 'number' && Number.isInteger(error.index) ? error.index : undefined;
  const indexes =
    error && Array.isArray(error.indexes) && error.indexes.every((i) => typeof i === 'number' && Number.isInteger(i)) ? (error.indexes as number[]) : undefined;

  const later = wait === undefined ? {} : { retryAfterMs: wait };
  if (status === 401) return new SignerError(problem('unauthorized', { status, code }));
  // The signer's own limits: a quota is a verdict for today, a rate limit a pause.
  const limit = code ? REASON_FOR_CODE[code as ApiErrorCode] : undefined;
  if (status === 429 && (limit === 'quota' || limit === 'rateLimited')) return new SignerError(problem(limit, { status, code, ...later }));
  // 408/429 come from a gateway or rate limiter in front of the signer: waiting helps,
  // so they are as retryable as a 5xx rather than a verdict on the file.
  if (status >= 500 || status === 408 || status === 429) return new SignerError(problem('server', { status, code, ...later }));
  if (status >= 400) {
    const mapped = code ? REASON_FOR_CODE[code as ApiErrorCode] : undefined;
    const reason = mapped ?? 'signerRejected';
    return new SignerError(problem(reason, { status, code, context: { detail } }), index, indexes);
  }
  // 1xx/3xx: the signer never answers that; most likely a captive portal or proxy.
  return new SignerError(problem('badResponse', { status }));
}

/** A request that got no answer, in the words the person sees (shared with the session keeper's sign-in). */
export function errorFromTransport(error: unknown, url: string): SignerError {
  if (error instanceof TransportError && error.kind === 'domain') {
    return new SignerError(problem('domain', { context: { host: hostOf(url) } }));
  }
  // No answer in time is not "cannot reach": the request may have arrived and the signer (or the
  // network to it) is slow. Saying "check your connection" would send the person the wrong way.
  if (error instanceof TransportError && error.kind === 'timeout') return new SignerError(problem('signerSlow', { code: 'timeout' }));
  return new SignerError(problem('signerUnreachable', { code: error instanceof TransportError ? error.kind : undefined }));
}

export function createTicketClient(options: TicketClientOptions): TicketClient {
  const base = options.signerUrl.replace(/\/+$/, '');

  async function send(request: HttpRequest, bearer: string | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    try {
      return await options.transport.request({ ...request, headers, timeoutMs: options.timeoutMs });
    } catch (error) {
      throw errorFromTransport(error, request.url);
    }
  }

  /** `open`: /healthz, which needs no one's token. */
  async function call(request: HttpRequest, open = false): Promise<unknown> {
    const session = open ? undefined : options.session;
    // A failed sign-in is kept, not thrown yet: a signer that also answers without a
    // session (the dev bucket on loopback) still gets the request.
    let signInFailure: unknown;
    const token = session ? await session.token().catch((error: unknown) => void (signInFailure = error)) : undefined;
    let response = await send(request, open ? undefined : (token || options.authToken));
    if (response.statusCode === 401 && session && token) {
      // The session ran out (or the signer restarted with a new key): sign in again, ask again, once.
      const fresh = await session.renew(token);
      if (fresh) response = await send(request, fresh);
    }
    if (response.statusCode === 401 && signInFailure !== undefined) throw signInFailure;
    if (response.statusCode !== 200) throw errorFromResponse(response, options.now());
    const parsed = parseJson(response.body);
    if (parsed === undefined) throw new SignerError(problem('badResponse', { status: response.statusCode }));
    return parsed;
  }

  return {
    async health() {
      const body = await call({ url: base + HEALTH_PATH, method: 'GET' }, true);
      if (!isHealthResponse(body)) throw new SignerError(problem('badResponse'));
      return body;
    },

    async tickets(files) {
      const body = await call({
        url: base + TICKETS_PATH,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files }),
      });
      // Measured on arrival: the signer's clock minus ours, so expiry is judged by the signer's time.
      const arrivedAt = options.now();
      if (!isTicketResponse(body, files.length)) throw new SignerError(problem('badResponse'));
      const serverTimeMs = Date.parse(body.serverTime);
      return { tickets: body.tickets, serverOffsetMs: serverTimeMs - arrivedAt, serverTimeMs, limits: body.limits };
    },

    async objectUrls(keys) {
      const request: ObjectUrlsRequest = { keys };
      const body = await call({
        url: base + OBJECT_URLS_PATH,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      });
      const arrivedAt = options.now();
      if (!isObjectUrlsResponse(body, keys)) throw new SignerError(problem('badResponse'));
      const offsetMs = Date.parse(body.serverTime) - arrivedAt;
      return new Map(body.urls.map((u) => [u.key, { url: u.url, expiresAtMs: Date.parse(u.expiresAt) - offsetMs }]));
    },

    postJson: (path, body) =>
      call({ url: base + path, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),

    async credentials() {
      const body = await call({ url: base + CREDENTIALS_PATH, method: 'GET' });
      const arrivedAt = options.now();
      if (!isCredentialsResponse(body)) throw new SignerError(problem('badResponse'));
      return { grant: body, serverOffsetMs: Date.parse(body.serverTime) - arrivedAt };
    },
  };
}
