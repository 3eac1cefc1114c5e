// Checks of the signer's answers, field by field: a proxy's error page or an older
// signer must end as a clear "bad response" in the app, never as a half-built upload.
// Strict on purpose: an unexpected shape is a bad response, not a guess. The app runs them
// on every answer; the signer's tests run them on what it sends.
import type { CredentialsResponse } from '../../../typings/credentials';
import type { HealthResponse, ObjectUrlsResponse, TicketResponse, UploadLimits, UploadTicket } from '../../../typings/ticket';
import { isTicketProvider } from './providers';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isHttpUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\/[^/?#\s]+/i.test(v);
export const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
export const isStringRecord = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.keys(v).every((k) => typeof v[k] === 'string');
export const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function isUploadLimits(v: unknown): v is UploadLimits {
  return (
    isObject(v) &&
    isPositiveInteger(v.maxBytes) &&
    isPositiveInteger(v.maxFiles) &&
    Array.isArray(v.allowedTypes) &&
    v.allowedTypes.length > 0 &&
    v.allowedTypes.every(isNonEmptyString)
  );
}

export function isUploadTicket(v: unknown): v is UploadTicket {
  if (!isObject(v)) return false;
  return (
    isTicketProvider(v.provider) &&
    (v.method === 'POST' || v.method === 'PUT') &&
    isHttpUrl(v.url) &&
    isNonEmptyString(v.key) &&
    isNonEmptyString(v.fileField) &&
    isStringRecord(v.fields) &&
    isStringRecord(v.headers) &&
    isNonEmptyString(v.contentType) &&
    isPositiveInteger(v.maxBytes) &&
    isDate(v.expiresAt) &&
    typeof v.successStatus === 'number' &&
    v.successStatus >= 200 &&
    v.successStatus < 300 &&
    isHttpUrl(v.objectUrl)
  );
}

export function isTicketResponse(v: unknown, count: number): v is TicketResponse {
  return (
    isObject(v) &&
    isDate(v.serverTime) &&
    Array.isArray(v.tickets) &&
    v.tickets.length === count &&
    v.tickets.every(isUploadTicket) &&
    (v.limits === undefined || isUploadLimits(v.limits))
  );
}

export function isObjectUrlsResponse(v: unknown, keys: readonly string[]): v is ObjectUrlsResponse {
  return (
    isObject(v) &&
    isDate(v.serverTime) &&
    Array.isArray(v.urls) &&
    v.urls.length === keys.length &&
    v.urls.every((u, i) => isObject(u) && u.key === keys[i] && isHttpUrl(u.url) && isDate(u.expiresAt))
  );
}

export function isCredentialsResponse(v: unknown): v is CredentialsResponse {
  if (!isObject(v) || !isObject(v.credentials)) return false;
  const c = v.credentials;
  return (
    isDate(v.serverTime) &&
    isTicketProvider(v.provider) &&
    (v.method === 'post' || v.method === 'put') &&
    isNonEmptyString(v.bucket) &&
    isNonEmptyString(v.region) &&
    isHttpUrl(v.endpoint) &&
    isHttpUrl(v.publicBaseUrl) &&
    isNonEmptyString(v.keyPrefix) &&
    isPositiveInteger(v.ticketTtlSeconds) &&
    isNonEmptyString(c.accessKeyId) &&
    isNonEmptyString(c.accessKeySecret) &&
    typeof c.securityToken === 'string' &&
    isDate(c.expiration) &&
    isUploadLimits(v.limits)
  );
}

export function isHealthResponse(v: unknown): v is HealthResponse {
  return isObject(v) && v.ok === true && isNonEmptyString(v.provider) && isUploadLimits(v.limits);
}
