// What every multipart store does for the routes (start, list, finish, abandon an upload
// in parts, with the signer's own credentials), and the errors every store's failures
// become, so the app hears the same codes whichever cloud holds the bucket: the store
// named with what it said (its error code and HTTP status), never a secret.
import type { StoredPart } from '../../../typings/multipart';
import type { Credentials } from '../../../miniprogram/shared/signing/index';
import { ApiFailure, LoggedFailure } from '../api-error';
import type { CredentialSource } from '../credentials';

export interface MultipartStore {
  /** Starts an upload of `key` and answers the store's upload id. */
  create(key: string, contentType: string): Promise<string>;
  /** Every part the store holds, ascending. */
  listParts(key: string, uploadId: string): Promise<StoredPart[]>;
  /** `etag` as the store wrote it in ListParts: stores differ in case and quoting. */
  complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void>;
  abort(key: string, uploadId: string): Promise<void>;
  /**
   * The object at `key` as the store holds it (a HEAD), or undefined when it holds none:
   * how the complete route tells an upload that was assembled (its answer lost) from one
   * that expired or was aborted, which both answer NoSuchUpload.
   */
  headObject(key: string): Promise<ObjectHead | undefined>;
}

/** What a HEAD of an object says about where it came from. */
export interface ObjectHead {
  size: number;
  /** The upload that assembled it, where the store says so (OBS: x-obs-uploadId). */
  uploadId?: string;
}

export interface StoreTarget {
  /** The bucket's base URL, as config.ts derives it or UPLOAD_ENDPOINT gives it. */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: CredentialSource;
  /** The signer's clock; SDKs that take a clock offset sign by it (tests pin it, a skewed host is corrected with it). */
  now: () => Date;
  /** The signer's log, for what the operator should know but the app need not hear. */
  log?: (line: string) => void;
}

/** NoSuchUpload on every store: completed, aborted, or cleaned up by a lifecycle rule. */
export const NO_SUCH_UPLOAD = 'NoSuchUpload';

export function uploadGone(): ApiFailure {
  return new ApiFailure(410, 'UploadExpired', 'The store no longer has this upload (completed, aborted or cleaned up); start the file again.');
}

/** The store answered with an error: its code (or its HTTP status when it sent none). */
export function storeRefused(action: string, code: string | undefined, status: number | undefined): ApiFailure {
  if (code === NO_SUCH_UPLOAD) return uploadGone();
  const said = code && /^[A-Za-z0-9._-]{1,64}$/.test(code) ? code : 'an error';
  const message = `The bucket refused to ${action}: ${said} (HTTP ${status ?? '?'}).`;
  return new LoggedFailure(502, 'StoreError', message, `signer: ${message}`);
}

/**
 * No answer from the store (DNS, TLS, a refused connection, a timeout). The app hears only
 * that; the log says why, from the SDK's error and its causes, with any URL's query (where
 * a presigned request carries its signature) cut off, on one line.
 */
export function storeUnreachable(action: string, cause?: unknown): ApiFailure {
  return new LoggedFailure(
    502,
    'StoreError',
    `The bucket could not be reached to ${action}; try again.`,
    `signer: the bucket could not be reached to ${action}: ${whyUnreachable(cause)}`,
  );
}

const MAX_CAUSES = 3;

function whyUnreachable(cause: unknown): string {
  const said: string[] = [];
  for (let at = cause, depth = 0; at !== undefined && at !== null && depth < MAX_CAUSES; depth += 1) {
    const { name, message, code } = at as { name?: unknown; message?: unknown; code?: unknown };
    const text = [typeof name === 'string' ? name : '', typeof message === 'string' ? message : String(at)].filter(Boolean).join(': ');
    said.push(typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text);
    at = (at as { cause?: unknown }).cause;
  }
  const text = said.length > 0 ? said.join(' ← ') : 'no reason given';
  // One log line (an SDK's XML parse error quotes the body over several); the server redacts, then shortens it.
  return text.replace(/(https?:\/\/[^\s?#"']*)\?[^\s#"']*/g, '$1?…').replace(/\s+/g, ' ');
}

/**
 * A module loaded on first use: a signer that never sees an upload in parts does not
 * pay the SDK's start-up, and the route table stays loadable where an SDK cannot be
 * (the WeChat page tests build a signer under jsdom).
 */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

/**
 * One SDK client per set of credentials: made again only when the keys change (an STS
 * or instance-role refresh), so a client's keep-alive sockets are reused between calls.
 */
export function clientPerCredentials<Sdk, C>(make: (sdk: Sdk, credentials: Credentials) => C): (sdk: Sdk, credentials: Credentials) => C {
  let last: { credentials: Credentials; client: C } | undefined;
  return (sdk, credentials) => {
    const same =
      last &&
      last.credentials.accessKeyId === credentials.accessKeyId &&
      last.credentials.accessKeySecret === credentials.accessKeySecret &&
      last.credentials.securityToken === credentials.securityToken;
    if (!same) last = { credentials, client: make(sdk, credentials) };
    return last!.client;
  };
}

/** A part as the vendors' ListParts XML names it (the SDKs pass the fields on as text). */
export interface ListedPart {
  PartNumber?: unknown;
  ETag?: unknown;
  Size?: unknown;
}

/** One ListParts page: its parts (one object when there is one), whether more follow, where they start. */
export interface PartsPage {
  parts: ListedPart | ListedPart[] | undefined | null;
  truncated: unknown;
  next: unknown;
}

/**
 * Every part of an upload, page after page (1,000 parts a page: a store never lists more),
 * ascending. A page that says more follow but does not move the marker on ends the walk,
 * so a misbehaving store cannot keep the route in a loop.
 */
export async function everyPart(readPage: (marker: string | undefined) => Promise<PartsPage>): Promise<StoredPart[]> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await readPage(marker);
    for (const part of listOf(page.parts)) {
      parts.push({ partNumber: wholeNumber(part.PartNumber), etag: String(part.ETag ?? ''), size: wholeNumber(part.Size) });
    }
    const next = page.next == null || page.next === '' ? undefined : String(page.next);
    if (!isTrue(page.truncated) || next === undefined || next === '0' || next === marker) break;
    marker = next;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

/** Stores answer numbers and flags as XML text; the SDKs pass them on as strings. */
export const wholeNumber = (value: unknown): number => (typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10) || 0);
export const isTrue = (value: unknown): boolean => value === true || String(value).toLowerCase() === 'true';
/** An XML list the SDK's parser gives as one object when it has one element. */
export const listOf = <T>(value: T | T[] | undefined | null): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);
