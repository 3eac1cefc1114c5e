// A ticket (or a signed link) must not outlive the keys that signed it: the store checks
// both when the upload arrives. Temporary keys from an instance metadata service may
// have less left than UPLOAD_TICKET_TTL_SECONDS until the service rotates them.
import type { Credentials } from '../../miniprogram/shared/signing/index';

/**
 * The configured lifetime, shortened to what the credentials have left. Whole seconds
 * of both clocks, so every ticket of one second and one set of credentials gets the same
 * value (prepared-signers.ts reuses one prepared signature per second).
 */
export function lifetimeSeconds(configuredSeconds: number, credentials: Credentials, now: Date): number {
  const expiration = (credentials as { expiration?: Date }).expiration;
  if (expiration === undefined) return configuredSeconds;
  const secondsLeft = Math.floor(expiration.getTime() / 1000) - Math.floor(now.getTime() / 1000);
  return Math.max(1, Math.min(configuredSeconds, secondsLeft));
}
