// Where signing credentials come from. Static keys today; STS sources (temporary keys
// refreshed before they expire) implement the same interface later.
import type { Credentials } from '../../miniprogram/core/signing/dialect';

export interface CredentialSource {
  /** Credentials valid at `now` (an STS source may refresh here). */
  get(now: Date): Promise<Credentials>;
}

export function staticCredentials(credentials: Credentials): CredentialSource {
  // One settled promise shared by every request: no allocation on the ticket hot path.
  const ready = Promise.resolve(Object.freeze({ ...credentials }));
  return { get: () => ready };
}
