// Where signing credentials come from: static keys from the environment, or a source of
// temporary keys refreshed before they expire (sts/caching.ts) behind the same interface.
import type { Credentials } from '../../miniprogram/shared/signing/index';

export interface CredentialSource {
  /** Credentials valid at `now` (an STS source may refresh here). */
  get(now: Date): Promise<Credentials>;
  /**
   * Credentials valid at `now` when they are at hand without waiting, else undefined
   * (then call `get`). Saves the ticket route an await, i.e. a trip through the
   * microtask queue, per request: measurable next to a bare HTTP server.
   */
  current?(now: Date): Credentials | undefined;
}

export function staticCredentials(credentials: Credentials): CredentialSource {
  const frozen = Object.freeze({ ...credentials });
  // One settled promise shared by every request: no allocation on the ticket hot path.
  const ready = Promise.resolve(frozen);
  return { get: () => ready, current: () => frozen };
}
