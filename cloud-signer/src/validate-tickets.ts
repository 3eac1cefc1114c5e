// Validation of a ticket request body. Each problem has its own code and a message a
// person can act on; a problem with one file names it by index. Nothing here trusts
// the client: the name is only ever used to guess an extension, and only from a fixed table.
import { ApiFailure } from './api-error';
import {
  FALLBACK_EXTENSION,
  GENERIC_TYPE,
  extensionForType,
  extensionOfName,
  normaliseType,
  typeAllowed,
  typeForExtension,
} from './mime';
import {
  formatBytes,
  IDEMPOTENCY_KEY,
  MAX_FILE_NAME_LENGTH,
  MAX_FILES_PER_TICKET_REQUEST,
  NAME_CONTROL_CHARACTER,
  NAME_SEPARATOR,
} from '../../miniprogram/shared/contract/index';

export interface TicketLimits {
  maxBytes: number;
  allowedTypes: readonly string[];
}

/** A file the signer agreed to issue a ticket for. */
export interface ValidFile {
  size: number;
  contentType: string;
  /** Canonical extension for the key, without the dot. */
  extension: string;
  /** The app's key for this file, the same on every request for it (guard/limits.ts remembers it). */
  idempotencyKey?: string;
}

const BAD = 400;

function fileLabel(index: number): string {
  return `File ${index + 1}`;
}

function checkName(name: unknown, index: number): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ApiFailure(BAD, 'InvalidName', `${fileLabel(index)} has no name; send the file's name (e.g. "IMG_1.jpg").`, index);
  }
  // Length first, so a 10 KB name is refused before anything scans it. The app shortens
  // longer names itself (ticket-client.ts): only another client sends one.
  if (name.length > MAX_FILE_NAME_LENGTH) {
    throw new ApiFailure(BAD, 'InvalidName', `${fileLabel(index)}: the name is longer than ${MAX_FILE_NAME_LENGTH} characters.`, index);
  }
  if (NAME_SEPARATOR.test(name)) {
    throw new ApiFailure(BAD, 'InvalidName', `${fileLabel(index)}: the name must not contain "/" or "\\" (send a file name, not a path).`, index);
  }
  if (NAME_CONTROL_CHARACTER.test(name)) {
    throw new ApiFailure(BAD, 'InvalidName', `${fileLabel(index)}: the name contains control characters.`, index);
  }
  return name;
}

function checkSize(size: unknown, index: number, maxBytes: number): number {
  if (size === undefined || size === null) {
    throw new ApiFailure(BAD, 'InvalidSize', `${fileLabel(index)} has no size; send its exact size in bytes.`, index);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new ApiFailure(BAD, 'InvalidSize', `${fileLabel(index)}: size must be a whole number of bytes, at least 1.`, index);
  }
  if (size > maxBytes) {
    throw new ApiFailure(
      BAD,
      'FileTooLarge',
      `${fileLabel(index)} is ${formatBytes(size)}; the largest file accepted is ${formatBytes(maxBytes)}.`,
      index,
    );
  }
  return size;
}

/** The declared type, canonical, or undefined when absent/empty. */
function checkType(type: unknown, index: number): string | undefined {
  if (type === undefined || type === null || type === '') return undefined;
  const normalised = typeof type === 'string' ? normaliseType(type) : undefined;
  if (normalised === undefined) {
    throw new ApiFailure(BAD, 'InvalidFile', `${fileLabel(index)}: type must be a MIME type such as "image/jpeg".`, index);
  }
  return normalised;
}

/**
 * Decide content type and extension. A specific declared type wins (the policy binds
 * it, so the stored object is served as what the client said); a generic or missing
 * type defers to the name's extension.
 */
function resolveType(name: string, declared: string | undefined, index: number): { contentType: string; extension: string } {
  if (declared !== undefined && declared !== GENERIC_TYPE) {
    return { contentType: declared, extension: extensionForType(declared) ?? FALLBACK_EXTENSION };
  }
  const fromName = extensionOfName(name);
  if (fromName !== undefined) return { contentType: typeForExtension(fromName), extension: fromName };
  if (declared !== undefined) return { contentType: declared, extension: FALLBACK_EXTENSION };
  throw new ApiFailure(
    BAD,
    'UnknownType',
    `${fileLabel(index)}: cannot tell the file type from its name; send its MIME type in "type".`,
    index,
  );
}

function checkIdempotencyKey(value: unknown, index: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new ApiFailure(
      BAD,
      'InvalidIdempotencyKey',
      `${fileLabel(index)}: idempotencyKey must be 16 to 64 letters, digits, "-" or "_" (one per file, the same on every request for it).`,
      index,
    );
  }
  return value;
}

/** Distinct content types remembered per pattern list; a batch of odd types just starts over. */
const MAX_REMEMBERED_TYPES = 64;
const allowedByPatterns = new WeakMap<readonly string[], Map<string, boolean>>();

/** typeAllowed, remembered per pattern list: the answer for a type never changes, and the ticket path asks for the same few all the time. */
function typeAllowedMemo(contentType: string, patterns: readonly string[]): boolean {
  let answers = allowedByPatterns.get(patterns);
  if (answers === undefined) {
    answers = new Map();
    allowedByPatterns.set(patterns, answers);
  }
  let allowed = answers.get(contentType);
  if (allowed === undefined) {
    if (answers.size >= MAX_REMEMBERED_TYPES) answers.clear();
    allowed = typeAllowed(contentType, patterns);
    answers.set(contentType, allowed);
  }
  return allowed;
}

export function validateTicketRequest(body: unknown, limits: TicketLimits): ValidFile[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiFailure(BAD, 'InvalidJson', 'The body must be a JSON object such as {"files":[{"name":"a.jpg","size":1234}]}.');
  }
  const files = (body as { files?: unknown }).files;
  if (files === undefined) {
    throw new ApiFailure(BAD, 'NoFiles', 'The request has no "files" list.');
  }
  if (!Array.isArray(files)) {
    throw new ApiFailure(BAD, 'NoFiles', `"files" must be a list of 1 to ${MAX_FILES_PER_TICKET_REQUEST} files.`);
  }
  if (files.length === 0) {
    throw new ApiFailure(BAD, 'NoFiles', 'The "files" list is empty; send at least one file.');
  }
  if (files.length > MAX_FILES_PER_TICKET_REQUEST) {
    throw new ApiFailure(
      BAD,
      'TooManyFiles',
      `${files.length} files in one request; at most ${MAX_FILES_PER_TICKET_REQUEST} are accepted at a time.`,
    );
  }
  const valid: ValidFile[] = new Array(files.length);
  // Each key seen so far and the file that had it: one lookup per file, not a scan of the earlier ones.
  const keyedAt = new Map<string, number>();
  for (let index = 0; index < files.length; index++) {
    const file: unknown = files[index];
    if (typeof file !== 'object' || file === null || Array.isArray(file)) {
      throw new ApiFailure(BAD, 'InvalidFile', `${fileLabel(index)} must be an object such as {"name":"a.jpg","size":1234}.`, index);
    }
    const { name, size, type, idempotencyKey } = file as { name?: unknown; size?: unknown; type?: unknown; idempotencyKey?: unknown };
    const checkedName = checkName(name, index);
    const checkedSize = checkSize(size, index, limits.maxBytes);
    const resolved = resolveType(checkedName, checkType(type, index), index);
    if (!typeAllowedMemo(resolved.contentType, limits.allowedTypes)) {
      throw new ApiFailure(
        BAD,
        'TypeNotAllowed',
        `${fileLabel(index)} is ${resolved.contentType}; accepted types are ${limits.allowedTypes.join(', ')}.`,
        index,
      );
    }
    const checkedKey = checkIdempotencyKey(idempotencyKey, index);
    if (checkedKey !== undefined) {
      const before = keyedAt.get(checkedKey);
      if (before !== undefined) {
        throw new ApiFailure(
          BAD,
          'InvalidIdempotencyKey',
          `${fileLabel(index)} has the same idempotencyKey as ${fileLabel(before)}; each file needs its own.`,
          index,
        );
      }
      keyedAt.set(checkedKey, index);
    }
    valid[index] =
      checkedKey === undefined
        ? { size: checkedSize, contentType: resolved.contentType, extension: resolved.extension }
        : { size: checkedSize, contentType: resolved.contentType, extension: resolved.extension, idempotencyKey: checkedKey };
  }
  return valid;
}
