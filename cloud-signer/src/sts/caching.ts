// Temporary credentials shared by every ticket the signer issues: fetched once,
// reused until shortly before they expire, refreshed by exactly one STS call however
// many requests arrive meanwhile, and never handed out once (nearly) expired.
//
// Two stages before expiry. From the lead point on, a request still gets the current
// credentials at once and starts a background refresh, so a slow STS makes no request
// wait. Inside the refresh margin a request waits for the refresh, because a ticket
// signed then could outlive the credentials; normally the background refresh has
// already replaced them by then.
import { CredentialsUnavailableError } from '../credentials';
import type { TemporaryCredentials, TemporaryCredentialSource } from './types';

/**
 * Refresh this long before expiry. A ticket signed with the credentials is used by the
 * phone minutes later, and the store checks the credentials then, not at signing;
 * 5 minutes also leaves room for a few failed refresh attempts before the old ones die.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Credentials with less than this left count as expired: a request signed with them
 * would reach the store after they died (network time plus clock skew between us and
 * the cloud).
 */
export const MIN_REMAINING_MS = 60_000;

/**
 * After a failed refresh, while the old credentials still serve, wait this long before
 * asking STS again, so a failing STS is not called once per incoming request. Also the
 * pause after a refresh that brought nothing newer (a metadata service not rotated yet).
 */
export const RETRY_AFTER_FAILURE_MS = 15_000;

/**
 * After a failed fetch with nothing usable to serve, callers within this pause get that
 * failure at once instead of a call of their own: a metadata service or STS that fails
 * fast (connection refused, throttled) is asked about once per pause, not once per
 * incoming request, and the signer still recovers within a moment once it answers.
 */
export const FAILED_FETCH_PAUSE_MS = 2_000;

/**
 * The background refresh starts at most this long before the refresh margin: room for a
 * slow STS (SDK retries and timeouts take tens of seconds) and several failed attempts
 * RETRY_AFTER_FAILURE_MS apart, without refreshing long-lived (e.g. one-hour)
 * credentials much earlier than they need to be.
 */
export const BACKGROUND_LEAD_MAX_MS = 5 * 60_000;

/**
 * ...but never before this share of the time from fetch to the refresh margin has gone
 * by. Proportional, so that however short the credentials (or long the margin), each set
 * serves at least half its span and the lead can never mean one STS call per request.
 */
export const BACKGROUND_LEAD_EARLIEST_FRACTION = 0.5;

/** When to start refreshing in the background credentials fetched at `fetchedAtMs`. */
function backgroundLeadStartMs(credentials: TemporaryCredentials, fetchedAtMs: number, refreshMarginMs: number): number {
  const marginStartMs = credentials.expiration.getTime() - refreshMarginMs;
  const proportional = fetchedAtMs + (marginStartMs - fetchedAtMs) * BACKGROUND_LEAD_EARLIEST_FRACTION;
  return Math.max(proportional, marginStartMs - BACKGROUND_LEAD_MAX_MS);
}

export interface CachingOptions {
  refreshMarginMs?: number;
  /** Told when a refresh failed and still-valid older credentials are served instead. */
  onStaleServe?: (error: Error, validUntil: Date) => void;
}

function logStaleServe(error: Error, validUntil: Date): void {
  // The error text never holds the secret (see errors.ts), so it is safe to log.
  console.warn(`${error.message}; still serving the current temporary credentials, valid until ${validUntil.toISOString()}`);
}

function remainingMs(credentials: TemporaryCredentials, now: Date): number {
  return credentials.expiration.getTime() - now.getTime();
}

export function cachingCredentialSource(
  /** Called with the request's clock (a caller's own credentials may depend on it). */
  fetchCredentials: (now: Date) => Promise<TemporaryCredentials>,
  options: CachingOptions = {},
): TemporaryCredentialSource {
  const refreshMarginMs = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const onStaleServe = options.onStaleServe ?? logStaleServe;
  let current: TemporaryCredentials | undefined;
  /** The set `current` replaced: an error about the old keys may still be logged after a rotation. */
  let previous: TemporaryCredentials | undefined;
  let leadStartMs = Infinity;
  let inFlight: Promise<TemporaryCredentials> | undefined;
  let noRetryBefore = 0;
  /** The last fetch's failure while nothing usable was left, and until when it stands for every caller. */
  let lastFailure: { error: CredentialsUnavailableError; untilMs: number } | undefined;

  // Every caller that arrives while a refresh runs gets the same promise: one STS call.
  function refresh(now: Date): Promise<TemporaryCredentials> {
    if (!inFlight) {
      // Wrapped so that a synchronous throw also takes the promise path below.
      inFlight = new Promise<TemporaryCredentials>((resolve) => resolve(fetchCredentials(now)))
        .then((fresh) => {
          if (remainingMs(fresh, now) < MIN_REMAINING_MS) {
            throw new Error(`the credential source answered with credentials that expire at ${fresh.expiration.toISOString()}, too soon to use (check the signer's clock)`);
          }
          // An instance metadata service hands out the same keys until it rotates them
          // itself, so a refresh may bring nothing newer: ask again after a pause rather
          // than on every request until the service has rotated them.
          const nothingNewer = current !== undefined && fresh.expiration.getTime() <= current.expiration.getTime();
          if (nothingNewer || remainingMs(fresh, now) <= refreshMarginMs) noRetryBefore = now.getTime() + RETRY_AFTER_FAILURE_MS;
          if (current !== undefined && current !== fresh) previous = current;
          current = fresh;
          lastFailure = undefined;
          leadStartMs = backgroundLeadStartMs(fresh, now.getTime(), refreshMarginMs);
          return fresh;
        })
        .catch((error: Error) => {
          // Said once per failed refresh, not once per waiting caller.
          if (current && remainingMs(current, now) >= MIN_REMAINING_MS) {
            noRetryBefore = now.getTime() + RETRY_AFTER_FAILURE_MS;
            onStaleServe(error, current.expiration);
          } else {
            const unavailable = error instanceof CredentialsUnavailableError ? error : new CredentialsUnavailableError(error);
            lastFailure = { error: unavailable, untilMs: now.getTime() + FAILED_FETCH_PAUSE_MS };
          }
          throw error;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return inFlight;
  }

  return {
    keysInUse: () => [current, previous].filter((keys): keys is TemporaryCredentials => keys !== undefined),
    // The same bar get() uses for keys it may still serve without a fresh fetch. None asked for
    // yet is no failure: the first ticket fetches them, and a health probe must not (in client
    // signing the signer's own keys may never be needed). A first fetch that failed is one.
    validAt: (now: Date) => (current === undefined ? lastFailure === undefined : remainingMs(current, now) >= MIN_REMAINING_MS),
    async get(now: Date): Promise<TemporaryCredentials> {
      if (current && remainingMs(current, now) > refreshMarginMs) {
        if (now.getTime() >= leadStartMs && !inFlight && now.getTime() >= noRetryBefore) {
          // Not awaited: this caller and everyone until the margin keep the current ones.
          // A failure is already reported through onStaleServe and backs off inside
          // refresh(); caught here only so that it is not an unhandled rejection.
          refresh(now).catch(() => undefined);
        }
        return current;
      }

      const usable = current && remainingMs(current, now) >= MIN_REMAINING_MS ? current : undefined;
      if (usable && !inFlight && now.getTime() < noRetryBefore) return usable;
      if (!usable && !inFlight && lastFailure !== undefined && now.getTime() < lastFailure.untilMs) throw lastFailure.error;
      try {
        return await refresh(now);
      } catch (error) {
        if (usable) return usable;
        throw error instanceof CredentialsUnavailableError ? error : new CredentialsUnavailableError(error as Error);
      }
    },
  };
}
