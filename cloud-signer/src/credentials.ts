// Where signing credentials come from: static keys, or temporary ones (AssumeRole in
// sts/, the instance role in instance-role/) cached and refreshed before they expire.
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
  /**
   * Temporary keys this source handed out lately, the current set and the one before, even
   * expired ones: the signer's log scrubs them (no setting holds them). Static keys need not say.
   */
  keysInUse?(): readonly Credentials[];
  /**
   * False when the credentials in hand at `now` are no longer valid long enough to sign with
   * (`get(now)` would need a successful fetch to answer), or when the last fetch failed with
   * none in hand; true before any were asked for. Sources without it (static keys) are always
   * valid. Cheap and synchronous: GET /healthz asks it on every probe.
   */
  validAt?(now: Date): boolean;
}

export function staticCredentials(credentials: Credentials): CredentialSource {
  const frozen = Object.freeze({ ...credentials });
  // One settled promise shared by every request: no allocation on the ticket hot path.
  const ready = Promise.resolve(frozen);
  return { get: () => ready, current: () => frozen };
}

/**
 * No credentials valid long enough to sign with: the temporary ones expired (or were
 * never obtained) and fetching new ones failed. Requests fail with 503 until the source
 * answers again — a ticket signed with expired keys would only fail later, at the store.
 */
export class CredentialsUnavailableError extends Error {
  override readonly name = 'CredentialsUnavailableError';
  constructor(cause: Error) {
    // The cause's text is safe to log: sources never put a secret into it.
    super(`no valid signing credentials: ${cause.message}`, { cause });
  }
}
