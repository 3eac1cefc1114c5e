// How a file is cut into parts. Every store has its own floor for a part (all but the
// last) and all of them stop at 10,000 parts, so the part size is the larger of what
// the signer prefers, the store's floor, and what 10,000 parts of the file need.
import type { TicketProvider } from '../../../typings/ticket';

/** S3, OSS, COS and OBS all refuse an upload of more than 10,000 parts. */
export const MAX_PARTS = 10_000;
/** 5 GiB: the largest part any of the stores accepts. */
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
const MIB = 1024 * 1024;
const PART_GRANULE = 64 * 1024;

/** Smallest part (except the last) each store accepts, from their multipart documentation. */
export const MIN_PART_BYTES: Readonly<Record<TicketProvider, number>> = {
  s3: 5 * MIB,
  oss: 100 * 1024,
  'oss-v1': 100 * 1024,
  obs: 100 * 1024,
  cos: 1 * MIB,
};

export interface PartPlan {
  size: number;
  partSize: number;
  partCount: number;
}

/** The plan for `size` bytes; throws when even 5 GiB parts would need more than 10,000 of them. */
export function planParts(size: number, preferredPartSize: number, provider: TicketProvider): PartPlan {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`A multipart upload needs a size of at least 1 byte, not ${size}.`);
  // Rounded up to 64 KiB so every part starts on a boundary file systems read fast.
  const forCount = Math.ceil(size / MAX_PARTS / PART_GRANULE) * PART_GRANULE;
  const partSize = Math.max(preferredPartSize, MIN_PART_BYTES[provider], forCount);
  if (partSize > MAX_PART_BYTES) {
    throw new Error(`${size} bytes do not fit in ${MAX_PARTS} parts of at most ${MAX_PART_BYTES} bytes.`);
  }
  return { size, partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** Where part `partNumber` (1-based) lies in the file. */
export function partRange(plan: PartPlan, partNumber: number): { offset: number; size: number } {
  if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new Error(`Part ${partNumber} is outside 1…${plan.partCount}.`);
  }
  const offset = (partNumber - 1) * plan.partSize;
  return { offset, size: Math.min(plan.partSize, plan.size - offset) };
}
