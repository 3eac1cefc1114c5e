// Validation of the multipart request bodies beyond the token: which parts to sign,
// which parts to complete. Each problem has its own code and a message a person or a
// program can act on.
import { MAX_PARTS_PER_SIGN_REQUEST } from '../../../miniprogram/shared/contract/index';
import { ApiFailure } from '../api-error';

/** A complete request lists up to 10,000 parts of ~70 bytes of JSON each. */
export const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

export function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiFailure(400, 'InvalidJson', 'The body must be a JSON object such as {"uploadToken":"…"}.');
  }
  return body as Record<string, unknown>;
}

const isPartNumber = (n: unknown, partCount: number): n is number => Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= partCount;

export function partNumbersToSign(value: unknown, partCount: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARTS_PER_SIGN_REQUEST) {
    throw new ApiFailure(400, 'InvalidPartNumber', `"partNumbers" must list 1 to ${MAX_PARTS_PER_SIGN_REQUEST} part numbers.`);
  }
  const bad = value.find((n) => !isPartNumber(n, partCount));
  if (bad !== undefined) {
    throw new ApiFailure(400, 'InvalidPartNumber', `Part numbers of this upload go from 1 to ${partCount}; ${JSON.stringify(bad)} is not one.`);
  }
  if (new Set(value).size !== value.length) throw new ApiFailure(400, 'InvalidPartNumber', '"partNumbers" lists a part twice.');
  return value as number[];
}

/** An ETag as stores write it, quoted; clients may send it with or without the quotes. */
export function normaliseEtag(etag: string): string {
  return `"${etag.replace(/^"|"$/g, '').toLowerCase()}"`;
}

/** The parts to complete: every part of the upload, once each, ascending. */
export function partsToComplete(value: unknown, partCount: number): { partNumber: number; etag: string }[] {
  if (!Array.isArray(value)) throw new ApiFailure(400, 'InvalidPartList', '"parts" must be a list of {"partNumber","etag"}.');
  const parts = value.map((part: unknown) => {
    const { partNumber, etag } = (typeof part === 'object' && part !== null ? part : {}) as { partNumber?: unknown; etag?: unknown };
    if (!isPartNumber(partNumber, partCount) || typeof etag !== 'string' || etag === '' || etag.length > 128) {
      throw new ApiFailure(400, 'InvalidPartList', `Each part must be {"partNumber": 1…${partCount}, "etag": "<the ETag its PUT answered>"}.`);
    }
    return { partNumber, etag: normaliseEtag(etag) };
  });
  const listed = new Set(parts.map((p) => p.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= partCount && missing.length < 10; n++) if (!listed.has(n)) missing.push(n);
  if (missing.length > 0) {
    throw new ApiFailure(400, 'PartMissing', `The upload has ${partCount} parts; part ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not listed.`);
  }
  if (parts.length !== partCount || parts.some((p, i) => p.partNumber !== i + 1)) {
    throw new ApiFailure(400, 'InvalidPartList', `List each of the ${partCount} parts once, in ascending order.`);
  }
  return parts;
}
