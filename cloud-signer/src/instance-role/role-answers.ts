// Reading what a metadata service says about the instance role: which role is attached
// (the listing) and its current keys (a JSON document), checked field by field so a
// malformed answer fails loudly instead of being cached as credentials.
import type { TemporaryCredentials } from '../sts/types';
import { MetadataError, metadataRequest, quoted } from './metadata-http';

/** The role the listing names; the first, should a service ever list several. */
export async function discoverRole(service: string, listUrl: URL, headers: Record<string, string>, hint: string): Promise<string> {
  const answer = await metadataRequest(service, listUrl, { headers });
  const role = answer.status === 200 ? answer.body.split(/\s+/).find((line) => line !== '') : undefined;
  if (answer.status === 404 || (answer.status === 200 && role === undefined)) {
    throw new MetadataError('NoRole', `${service} names no role for this instance: ${hint}`);
  }
  if (answer.status !== 200 || role === undefined) {
    throw new MetadataError('HttpError', `${service} answered HTTP ${answer.status} to ${listUrl.pathname}: ${quoted(answer.body)}`);
  }
  return role.replace(/\/$/, '');
}

/** GET a credentials document. Its body holds keys: it is never quoted, only error answers are. */
export async function readCredentialsDocument(
  service: string,
  url: URL,
  headers: Record<string, string>,
  noRoleHint: string,
): Promise<Record<string, unknown>> {
  const answer = await metadataRequest(service, url, { headers });
  if (answer.status === 404) throw new MetadataError('NoRole', `${service} has no role "${url.pathname.split('/').pop()}": ${noRoleHint}`);
  if (answer.status !== 200) {
    throw new MetadataError('HttpError', `${service} answered HTTP ${answer.status} to ${url.pathname}: ${quoted(answer.body)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(answer.body);
  } catch {
    throw new MetadataError('MalformedResponse', `${service} answered ${url.pathname} with something that is not JSON`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new MetadataError('MalformedResponse', `${service} answered ${url.pathname} with something that is not a JSON object`);
  }
  return document as Record<string, unknown>;
}

export interface RawKeys {
  accessKeyId: unknown;
  accessKeySecret: unknown;
  securityToken: unknown;
  /** A Date, an ISO text, or (Tencent) Unix seconds. */
  expiration: unknown;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') return new Date(value);
  return new Date(NaN);
}

const isFilled = (value: unknown): value is string => typeof value === 'string' && value !== '';

export function temporaryCredentials(service: string, raw: RawKeys): TemporaryCredentials {
  const expiration = toDate(raw.expiration);
  if (!isFilled(raw.accessKeyId) || !isFilled(raw.accessKeySecret) || !isFilled(raw.securityToken)) {
    throw new MetadataError('MalformedResponse', `${service} answered without a complete key id, secret and security token`);
  }
  if (Number.isNaN(expiration.getTime())) {
    throw new MetadataError('MalformedResponse', `${service} answered without a valid expiration`);
  }
  return { accessKeyId: raw.accessKeyId, accessKeySecret: raw.accessKeySecret, securityToken: raw.securityToken, expiration };
}
