// The request headers that shape a GET or HEAD of an object, evaluated in RFC 9110's
// order (section 13.2.2), as S3 does: If-Match, or without it If-Unmodified-Since (412);
// If-None-Match, or without it If-Modified-Since (304); then Range (206/416), which
// If-Range turns back into the whole object when it names another version.
// Hand-written rather than a package: the rules fit in this file, and the two the
// ecosystem has (`range-parser`, `fresh`) are not dependencies of the signer.
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './s3-error';

export type ReadPlan =
  | { kind: 'full' }
  | { kind: 'not-modified' }
  | { kind: 'part'; first: number; last: number };

/** `"a", W/"b"` → ['"a"', 'W/"b"']; `*` → ['*']. */
function entityTags(header: string): string[] {
  return header.match(/\*|(?:W\/)?"[^"]*"/g) ?? [];
}

const weakless = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

const preconditionFailed = (header: string) =>
  new S3Error(412, 'PreconditionFailed', `At least one of the pre-conditions you specified did not hold (${header}).`);

export const invalidRange = () => new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable.');

/**
 * A single `bytes=` range resolved against `size`; undefined when the header is not one
 * we serve (other units, several ranges, bad syntax: RFC 9110 says ignore it, S3 serves
 * the whole object); 'unsatisfiable' for a range that starts past the end.
 */
export function parseByteRange(header: string, size: number): { first: number; last: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < first) return undefined;
  if (first >= size) return 'unsatisfiable';
  const last = match[2] === '' ? size - 1 : Number(match[2]);
  return { first, last: Math.min(last, size - 1) };
}

/**
 * If-Range (RFC 9110 section 13.1.5): the Range holds only for the version the client
 * has, named by a strong ETag or by the Last-Modified date we served (exact, to the
 * second). Anything else means its first bytes came from other content: send it all,
 * or a resumed download would splice two versions of a key that was overwritten.
 */
function rangeStillApplies(ifRange: string | undefined, etag: string, lastModified: Date | undefined): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return lastModified !== undefined && !Number.isNaN(date) && date === Math.floor(lastModified.getTime() / 1000) * 1000;
}

/** Whether the object changed after an HTTP date header, to the second it is served with; undefined when the date is not one. */
function modifiedSince(header: string | undefined, lastModified: Date | undefined): boolean | undefined {
  if (header === undefined || lastModified === undefined) return undefined;
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined; // RFC 9110: an invalid date is ignored
  return Math.floor(lastModified.getTime() / 1000) * 1000 > date;
}

/** What to answer for an existing object with `etag` of `size` bytes; throws 412/416 as S3Errors. */
export function planRead(headers: IncomingHttpHeaders, etag: string, size: number, lastModified?: Date): ReadPlan {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    // Strong comparison: a weak tag never matches If-Match.
    const tags = entityTags(ifMatch);
    if (!tags.some((tag) => tag === '*' || tag === etag)) throw preconditionFailed('If-Match');
  } else if (modifiedSince(headers['if-unmodified-since'], lastModified) === true) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Weak comparison.
    const tags = entityTags(ifNoneMatch);
    if (tags.some((tag) => tag === '*' || weakless(tag) === etag)) return { kind: 'not-modified' };
  } else if (modifiedSince(headers['if-modified-since'], lastModified) === false) {
    return { kind: 'not-modified' };
  }
  const ifRange = headers['if-range'] as string | undefined; // Node gives arrays for set-cookie only
  const range = headers.range === undefined || !rangeStillApplies(ifRange, etag, lastModified) ? undefined : parseByteRange(headers.range, size);
  if (range === 'unsatisfiable') throw invalidRange();
  return range === undefined ? { kind: 'full' } : { kind: 'part', ...range };
}
