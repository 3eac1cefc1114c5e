// Temporary credentials shared by every ticket the signer issues: fetched once,
// reused until shortly before they expire, refreshed by exactly one STS call however
// many requests arrive meanwhile, and never handed out once (nearly) expired.
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
 * asking STS again, so a failing STS is not called once per incoming request.
 */
export const RETRY_AFTER_FAILURE_MS = 15_000;

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
  fetchCredentials: () => Promise<TemporaryCredentials>,
  options: CachingOptions = {},
): TemporaryCredentialSource {
  const refreshMarginMs = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const onStaleServe = options.onStaleServe ?? logStaleServe;
  let current: TemporaryCredentials | undefined;
  let inFlight: Promise<TemporaryCredentials> | undefined;
  let noRetryBefore = 0;

  // Every caller that arrives while a refresh runs gets the same promise: one STS call.
  function refresh(now: Date): Promise<TemporaryCredentials> {
    if (!inFlight) {
      // Wrapped so that a synchronous throw also takes the promise path below.
      inFlight = new Promise<TemporaryCredentials>((resolve) => resolve(fetchCredentials()))
        .then((fresh) => {
          if (remainingMs(fresh, now) < MIN_REMAINING_MS) {
            throw new Error(`STS answered with credentials that expire at ${fresh.expiration.toISOString()}, too soon to use (check the signer's clock)`);
          }
          current = fresh;
          return fresh;
        })
        .catch((error: Error) => {
          // Said once per failed refresh, not once per waiting caller.
          if (current && remainingMs(current, now) >= MIN_REMAINING_MS) {
            noRetryBefore = now.getTime() + RETRY_AFTER_FAILURE_MS;
            onStaleServe(error, current.expiration);
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
    async get(now: Date): Promise<TemporaryCredentials> {
      if (current && remainingMs(current, now) > refreshMarginMs) return current;

      const usable = current && remainingMs(current, now) >= MIN_REMAINING_MS ? current : undefined;
      if (usable && !inFlight && now.getTime() < noRetryBefore) return usable;
      try {
        return await refresh(now);
      } catch (error) {
        if (usable) return usable;
        throw error;
      }
    },
  };
}
