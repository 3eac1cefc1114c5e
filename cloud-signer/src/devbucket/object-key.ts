// Which object keys the dev bucket will store. S3 itself allows almost any key,
// but these become paths on a developer's disk, so anything that could name a
// place outside the bucket, or mean different things to different tools, is refused.
import { invalidArgument } from './s3-error';

/** S3's limit on a key's UTF-8 length. */
export const MAX_KEY_BYTES = 1024;

/** The reason a key is refused, or undefined when it is acceptable. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'it is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes('\0')) return 'it contains a NUL character';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.startsWith('/')) return 'it is an absolute path';
  // A Windows drive letter would be absolute on that platform.
  if (/^[A-Za-z]:/.test(key)) return 'it starts with a drive letter';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty path segment';
    if (segment === '.' || segment === '..') return `it has a "${segment}" path segment`;
  }
  return undefined;
}

export function assertSafeKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw invalidArgument(`The object key is not allowed because ${problem}.`);
}
