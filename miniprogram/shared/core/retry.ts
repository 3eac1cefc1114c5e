// The retry policy as data (tus-js-client's `retryDelays` idea) plus the one place
// that decides what an upload attempt's outcome means: done, try again after a
// pause, get a fresh ticket, or stop and say why.
import type { UploadTicket } from '../../../typings/ticket';
import type { HttpResponse, TransportError } from './ports';
import type { RetryReason } from './types';
import { problem, hostOf, type Problem } from './failure';
import { isExpiryOrSkew, isSlowOrCutBody, parseStoreError, violatedCondition } from './store-errors';
import { retryAfterMs } from './ticket-client';

export interface RetryPolicy {
  /** Pause before each automatic retry of a transient failure; its length is how many retries. */
  delays: readonly number[];
  /** Fresh tickets one file may get (expired ticket or skewed clock) before it fails as `expired`. */
  freshTickets: number;
  /** A ticket with less than this left by the signer's clock is renewed before use: an upload takes time. */
  ticketMarginMs: number;
  /** A Retry-After up to this long is waited for automatically; a longer one ends the file (retry by hand). */
  longestRetryAfterMs: number;
}

/** The pause before automatic retry number `used`: the policy's, or longer when the answer said Retry-After. */
export function retryDelay(policy: RetryPolicy, used: number, retryAfterMs: number | undefined): number | undefined {
  if (used >= policy.delays.length) return undefined;
  if (retryAfterMs === undefined) return policy.delays[used];
  if (retryAfterMs > policy.longestRetryAfterMs) return undefined;
  return Math.max(policy.delays[used], retryAfterMs);
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  delays: Object.freeze([1000, 3000, 8000]),
  freshTickets: 2,
  ticketMarginMs: 30_000,
  longestRetryAfterMs: 60_000,
});

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

export type AttemptOutcome =
  | { kind: 'done' }
  /** Our own abort: the item was cancelled, nothing to report. */
  | { kind: 'aborted' }
  /** Network, timeout, 5xx, 429: the same request may work in a moment. */
  | { kind: 'transient'; problem: Problem }
  /** The store says the ticket expired or the clock is skewed: a fresh ticket may work. */
  | { kind: 'staleTicket'; problem: Problem }
  /** A refusal that repeating will not change (size, type, signature, missing file). */
  | { kind: 'fatal'; problem: Problem };

const TOO_MANY_REQUESTS = 429;
const REQUEST_TIMEOUT = 408;

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Judges the store's answer. Any 2xx counts as success (`successStatus` is what the store usually says). */
export function classifyResponse(response: HttpResponse, ticket: UploadTicket): AttemptOutcome {
  const status = response.statusCode;
  if (status === ticket.successStatus || isSuccess(status)) return { kind: 'done' };

  const storeError = parseStoreError(response.body);
  const code = storeError.code;
  if (status >= 500 || status === TOO_MANY_REQUESTS) {
    const wait = retryAfterMs(response.headers ?? {}, Date.now());
    return { kind: 'transient', problem: problem('server', wait === undefined ? { status, code } : { status, code, retryAfterMs: wait }) };
  }
  if (status === REQUEST_TIMEOUT || isSlowOrCutBody(storeError)) return { kind: 'transient', problem: problem('timeout', { status, code }) };
  if (isExpiryOrSkew(storeError)) return { kind: 'staleTicket', problem: problem('expired', { status, code }) };

  const condition = violatedCondition(storeError);
  if (condition === 'size') {
    return { kind: 'fatal', problem: problem('tooLarge', { status, code, context: { maxBytes: ticket.maxBytes } }) };
  }
  if (condition === 'type') {
    return { kind: 'fatal', problem: problem('typeNotAllowed', { status, code, context: { fileType: ticket.contentType } }) };
  }
  if (status === 403) return { kind: 'fatal', problem: problem('denied', { status, code }) };
  return { kind: 'fatal', problem: problem('unknown', { status, code, retryable: true }) };
}

export function classifyTransportError(error: TransportError, url: string): AttemptOutcome {
  switch (error.kind) {
    case 'aborted':
      return { kind: 'aborted' };
    case 'network':
      return { kind: 'transient', problem: problem('network') };
    case 'timeout':
      return { kind: 'transient', problem: problem('timeout') };
    case 'domain':
      return { kind: 'fatal', problem: problem('domain', { context: { host: hostOf(url) } }) };
    case 'file':
      return { kind: 'fatal', problem: problem('file') };
    default:
      return { kind: 'fatal', problem: problem('unknown', { code: error.message || undefined }) };
  }
}

/** How the page words a transient failure while it waits to try again: a 429 is "busy", other answers an error. */
export function retryReasonOf(p: Problem): RetryReason {
  if (p.reason === 'network' || p.reason === 'timeout') return p.reason;
  return p.status === TOO_MANY_REQUESTS ? 'busy' : 'server';
}

/** What the previous tries of this file used up. */
export interface RetryBudget {
  retries: number;
  freshTickets: number;
}

export type NextStep =
  | { action: 'wait'; delayMs: number }
  | { action: 'freshTicket' }
  | { action: 'fail'; problem: Problem };

/** Decides after a failed attempt. Exhausted retries fail with `retryable: true` (a later manual retry may work). */
export function nextStep(
  outcome: Exclude<AttemptOutcome, { kind: 'done' } | { kind: 'aborted' }>,
  used: RetryBudget,
  policy: RetryPolicy,
): NextStep {
  if (outcome.kind === 'transient') {
    const delayMs = retryDelay(policy, used.retries, outcome.problem.retryAfterMs);
    if (delayMs !== undefined) return { action: 'wait', delayMs };
  }
  if (outcome.kind === 'staleTicket' && used.freshTickets < policy.freshTickets) return { action: 'freshTicket' };
  if (outcome.kind === 'fatal') return { action: 'fail', problem: outcome.problem };
  return { action: 'fail', problem: { ...outcome.problem, retryable: true } };
}

/** A ticket with the signer clock it came with. */
export interface HeldTicket {
  ticket: UploadTicket;
  /** Signer time minus local time when it arrived. */
  serverOffsetMs: number;
  /** The signer's `serverTime` when it was issued. */
  serverTimeMs: number;
}

/** True when the ticket is gone (or nearly) by the signer's clock, whatever the phone's clock says. */
export function ticketIsStale(held: HeldTicket, localNowMs: number, marginMs: number): boolean {
  const expiresAt = Date.parse(held.ticket.expiresAt);
  // A signer with a short TTL must not make every ticket look stale on arrival: at most half its lifetime.
  const margin = Math.min(marginMs, (expiresAt - held.serverTimeMs) / 2);
  return expiresAt - (localNowMs + held.serverOffsetMs) <= margin;
}
