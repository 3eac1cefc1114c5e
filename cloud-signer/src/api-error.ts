// JSON replies and the one error type routes throw. Every error a client sees is
// {"error":{"code","message","index"?,"indexes"?}} (typings/ticket.ts): a specific code to branch
// on, a plain message for a person, never a stack trace or a secret.
import type { ServerResponse } from 'node:http';
import type { ApiError, ApiErrorCode } from '../../typings/ticket';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Which file of the batch is at fault. */
    readonly index?: number,
    /** Sent as Retry-After: when asking again can succeed (rate limits, quotas, a busy platform). */
    readonly retryAfterSeconds?: number,
    /** Every item at fault when there are several (`index` is the first), so a client drops them all in one go. */
    readonly indexes?: readonly number[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/**
 * A failure whose cause the operator must see and the app must not: a bucket that refused
 * or could not be reached. The app gets the code and the message; `logLine` goes to the
 * signer's log (redacted there like every line) and never into an answer.
 */
export class LoggedFailure extends ApiFailure {
  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    readonly logLine: string,
  ) {
    super(status, code, message);
    this.name = 'LoggedFailure';
  }
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const endNow = (res: ServerResponse, body: string) => void res.end(body);

/**
 * Sends an already serialised JSON body (callers on the hot path serialise once). `end`
 * is how the body goes out: at once, or with the turn's other answers (burst-writes.ts).
 * The body goes to node as text, not as a Buffer: node then joins it to the header text
 * and the socket writes one string, where a Buffer body is a second chunk of a writev and
 * costs a Buffer besides (about 3 µs of a ticket's CPU under the bench's load).
 * `byteLength`, when the caller knows it (a body made of pieces known to be ASCII), spares
 * node counting it: Buffer.byteLength must first flatten the body, a string joined from
 * many pieces, into a copy that the socket write then copies again (~2 µs of a ticket's
 * CPU at a fixed 15k requests/s).
 */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  body: string,
  extraHeaders?: Record<string, string>,
  end: (res: ServerResponse, body: string) => void = endNow,
  byteLength: number = Buffer.byteLength(body, 'utf8'),
): void {
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': byteLength,
    // Tickets are single-use secrets of a sort: no proxy or browser should keep them.
    'Cache-Control': 'no-store',
  };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  end(res, body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

export function errorBody(code: ApiErrorCode, message: string, index?: number, indexes?: readonly number[]): ApiError {
  const error: ApiError['error'] = index === undefined ? { code, message } : { code, message, index };
  if (indexes !== undefined && indexes.length > 1) error.indexes = [...indexes];
  return { error };
}

export function sendFailure(res: ServerResponse, failure: ApiFailure, extraHeaders?: Record<string, string>): void {
  const headers =
    failure.retryAfterSeconds === undefined ? extraHeaders : { ...extraHeaders, 'Retry-After': String(Math.max(1, Math.ceil(failure.retryAfterSeconds))) };
  sendJsonText(res, failure.status, JSON.stringify(errorBody(failure.code, failure.message, failure.index, failure.indexes)), headers);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  extraHeaders?: Record<string, string>,
): void {
  sendJsonText(res, status, JSON.stringify(errorBody(code, message)), extraHeaders);
}
