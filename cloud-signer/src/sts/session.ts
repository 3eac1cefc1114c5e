// What every vendor's AssumeRole call shares: the session name, the time limit,
// and the one permission the session policy grants.

/** Shows up in the vendors' audit logs (ActionTrail, CloudAudit, CloudTrail) as who made the upload. */
export const ROLE_SESSION_NAME = 'mini-upload-signer';

/** An STS call that has not answered in 10 s will not: fail and let the caller retry later. */
export const STS_TIMEOUT_MS = 10_000;

/**
 * The object names a session may write: the prefix and everything under it. Policy
 * resources treat `*` and `?` as wildcards, so a prefix holding either would grant more
 * than it says; such prefixes are refused rather than silently widened.
 */
export function scopedObjectPattern(keyPrefix: string): string {
  if (/[*?]/.test(keyPrefix)) {
    throw new Error(`the upload key prefix "${keyPrefix}" contains a policy wildcard (* or ?)`);
  }
  return `${keyPrefix}*`;
}
