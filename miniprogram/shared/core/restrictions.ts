// Checks a batch against the signer's limits before anything is sent, so a person
// learns at once which files cannot go and why (uppy's Restricter idea).
import type { UploadLimits } from '../../../typings/ticket';
import type { PickedFile, RejectionReason } from './types';
import { effectiveType } from './mime';
import { typeAllowed } from '../contract/index';

export { typeAllowed, typeMatches } from '../contract/index';

/** Why one file cannot be sent, or undefined when it may. Count is checked by `checkBatch`. */
export function checkFile(file: PickedFile, limits: UploadLimits): Exclude<RejectionReason, 'tooMany'> | undefined {
  if (file.size <= 0) return 'empty';
  if (file.size > limits.maxBytes) return 'tooLarge';
  if (!typeAllowed(effectiveType(file), limits.allowedTypes)) return 'typeNotAllowed';
  return undefined;
}

export interface BatchCheck {
  accepted: PickedFile[];
  rejected: { file: PickedFile; reason: RejectionReason }[];
}

/**
 * `maxFiles` caps how many files ONE `add()` accepts (the signer's per-request cap):
 * the first `maxFiles` files that pass the other checks are accepted, later ones are
 * rejected as `tooMany`. A file refused for size or type does not use up a place.
 */
export function checkBatch(files: readonly PickedFile[], limits: UploadLimits): BatchCheck {
  const result: BatchCheck = { accepted: [], rejected: [] };
  for (const file of files) {
    const reason = checkFile(file, limits);
    if (reason) result.rejected.push({ file, reason });
    else if (result.accepted.length >= limits.maxFiles) result.rejected.push({ file, reason: 'tooMany' });
    else result.accepted.push(file);
  }
  return result;
}
