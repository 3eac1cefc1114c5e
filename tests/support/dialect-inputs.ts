// Shared inputs for the dialect tests: one pinned clock, one key with the
// characters that separate encoders (space, !'()*, non-ASCII), a token with
// base64's + / =, and a helper that pins the SDKs' wall clock for one call only.
import type { Credentials, ObjectUrlInput, TicketInput } from '../../miniprogram/shared/signing/dialects/dialect';

/** Every ticket in these tests is signed at this instant. */
export const NOW = new Date('2026-11-22T10:00:00.000Z');
export const TTL_SECONDS = 600;
export const MAX_BYTES = 20 * 1024 * 1024;
export const SIZE = 2_345_678;
export const CONTENT_TYPE = 'image/jpeg';
/** A key that only a correct encoder signs right: space, sub-delimiters, CJK. */
export const AWKWARD_KEY = "uploads/2026/11/22/a b(1)!'*照片.jpg";
export const PLAIN_KEY = 'uploads/2026/11/22/9f1c0e5b6a7d4c2e.jpg';

export const STATIC_CREDENTIALS: Credentials = {
  accessKeyId: 'example-oss-key-id',
  accessKeySecret: 'exampleSecret/with+odd=chars',
};
export const STS_CREDENTIALS: Credentials = {
  ...STATIC_CREDENTIALS,
  securityToken: 'CAIS+tok/en==EXAMPLE',
};
/** Every vendor comparison runs with both: plain keys, and STS keys whose token must be signed too. */
export const CREDENTIAL_CASES = [
  ['static keys', STATIC_CREDENTIALS],
  ['an STS token', STS_CREDENTIALS],
] as const;

export interface Target {
  bucket: string;
  region: string;
  endpoint: string;
}

export function ticketInput(target: Target, overrides: Partial<TicketInput> = {}): TicketInput {
  return {
    ...target,
    publicBaseUrl: '',
    credentials: STATIC_CREDENTIALS,
    key: PLAIN_KEY,
    contentType: CONTENT_TYPE,
    size: SIZE,
    maxBytes: MAX_BYTES,
    now: NOW,
    ttlSeconds: TTL_SECONDS,
    ...overrides,
  };
}

export function objectUrlInput(target: Target, overrides: Partial<ObjectUrlInput> = {}): ObjectUrlInput {
  return {
    ...target,
    publicBaseUrl: '',
    credentials: STATIC_CREDENTIALS,
    key: AWKWARD_KEY,
    now: NOW,
    ttlSeconds: 3600,
    ...overrides,
  };
}

/**
 * Runs an SDK call with the wall clock pinned to `now`, and only that call: the
 * SDKs read Date themselves; we never stub Date.now for our own code. Async SDK
 * calls read the clock before their first await, so the fake clock is released
 * as soon as the call returns its promise.
 */
export function atSdkClock<T>(now: Date, call: () => T): T {
  jest.useFakeTimers({ now });
  try {
    return call();
  } finally {
    jest.useRealTimers();
  }
}

/** The query of a URL as a plain object (values decoded), for comparing links whose parameter order differs. */
export function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

/** Origin plus decoded path: two encodings of the same key compare equal. */
export function decodedLocation(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${decodeURIComponent(parsed.pathname)}`;
}
