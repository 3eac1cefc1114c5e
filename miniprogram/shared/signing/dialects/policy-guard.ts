// The last check before a POST policy is signed: a policy that would let the
// holder write anywhere in the bucket, any size, or without the STS token it was
// issued under never leaves the signer. Every POST dialect calls this on the
// policy it is about to sign, so a future edit that drops a condition fails loudly.
import type { PolicyCondition, PostPolicy } from './policy';

export class PolicyTooBroadError extends Error {
  constructor(reason: string) {
    super(`Refusing to sign an upload policy that ${reason}.`);
    this.name = 'PolicyTooBroadError';
  }
}

export interface NarrowPolicyOptions {
  /** The form field of the STS token (e.g. `x-oss-security-token`) when temporary credentials are in use. */
  securityTokenField?: string;
}

/** Value bound exactly to `field`, from `{field: v}` or `["eq", "$field", v]` (field names compare case-insensitively, as the stores do). */
function exactValue(conditions: PolicyCondition[], field: string): string | undefined {
  const wanted = field.toLowerCase();
  for (const condition of conditions) {
    if (Array.isArray(condition)) {
      const [operator, name, value] = condition;
      if (operator === 'eq' && typeof name === 'string' && name.toLowerCase() === `$${wanted}` && typeof value === 'string') {
        return value;
      }
    } else {
      for (const name of Object.keys(condition)) {
        if (name.toLowerCase() === wanted) return condition[name];
      }
    }
  }
  return undefined;
}

function sizeRange(conditions: PolicyCondition[]): [number, number] | undefined {
  for (const condition of conditions) {
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      return [condition[1] as number, condition[2] as number];
    }
  }
  return undefined;
}

/**
 * Throws PolicyTooBroadError unless the policy binds a bucket, one exact key (no
 * prefix match), a finite content-length-range, a valid expiration and, when a
 * token field is named, that token.
 */
export function assertPolicyIsNarrow(policy: PostPolicy, options: NarrowPolicyOptions = {}): void {
  const conditions = Array.isArray(policy.conditions) ? policy.conditions : [];
  if (Number.isNaN(Date.parse(policy.expiration))) {
    throw new PolicyTooBroadError('has no valid expiration');
  }
  if (!exactValue(conditions, 'bucket')) {
    throw new PolicyTooBroadError('does not name its bucket');
  }
  const startsWithKey = conditions.some(
    (c) => Array.isArray(c) && c[0] === 'starts-with' && String(c[1]).toLowerCase() === '$key',
  );
  if (startsWithKey || !exactValue(conditions, 'key')) {
    throw new PolicyTooBroadError('does not bind one exact object key');
  }
  const range = sizeRange(conditions);
  if (
    !range ||
    !Number.isSafeInteger(range[0]) ||
    !Number.isSafeInteger(range[1]) ||
    range[0] < 0 ||
    range[1] < range[0]
  ) {
    throw new PolicyTooBroadError('has no finite content-length-range');
  }
  if (options.securityTokenField && !exactValue(conditions, options.securityTokenField)) {
    throw new PolicyTooBroadError(`does not bind the security token (${options.securityTokenField})`);
  }
}
