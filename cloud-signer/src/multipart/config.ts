// Settings of multipart (resumable) uploads, read from the environment like the rest
// of config.ts, and what /healthz says of them.
import type { TicketProvider } from '../../../typings/ticket';
import { MIN_PART_BYTES } from '../../../miniprogram/shared/contract/index';
import type { MultipartLimits } from '../../../typings/multipart';
import { ConfigError, integer, read, type Env } from '../config';

export interface MultipartConfig {
  /** UPLOAD_MAX_MULTIPART_BYTES: the largest file a multipart upload accepts. */
  maxBytes: number;
  /** UPLOAD_MULTIPART_PART_BYTES: the part size planned with (raised to a store's floor, or for 10,000 parts). */
  partSize: number;
  /** UPLOAD_MULTIPART_TTL_SECONDS: how long an upload token (and so a resumable upload) lives. */
  tokenTtlSeconds: number;
  /** UPLOAD_MULTIPART_ABANDON_SECONDS: the dev bucket deletes uploads left unfinished this long. */
  abandonAfterSeconds: number;
  /** UPLOAD_SESSION_SECRET, shared by every instance; undefined means a random one per process. */
  secret?: string;
}

const MIB = 1024 * 1024;
export const MULTIPART_DEFAULTS = {
  maxBytes: 2 * 1024 * MIB,
  partSize: 8 * MIB,
  tokenTtlSeconds: 24 * 3600,
  abandonAfterSeconds: 24 * 3600,
} as const;
/** 5 TiB: the largest object S3, OSS, COS and OBS store. */
const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * MIB;
const SEVEN_DAYS = 7 * 24 * 3600;
/** HS256 wants a key of at least its hash's length; a shorter one is guessable. */
export const MIN_SECRET_LENGTH = 32;

export function multipartConfig(env: Env): MultipartConfig {
  const secret = read(env, 'UPLOAD_SESSION_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`UPLOAD_SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. from "openssl rand -hex 32").`);
  }
  return {
    maxBytes: integer(env, 'UPLOAD_MAX_MULTIPART_BYTES', MULTIPART_DEFAULTS.maxBytes, 1, MAX_OBJECT_BYTES, 'bytes'),
    partSize: integer(env, 'UPLOAD_MULTIPART_PART_BYTES', MULTIPART_DEFAULTS.partSize, 100 * 1024, 5 * 1024 * MIB, 'bytes'),
    tokenTtlSeconds: integer(env, 'UPLOAD_MULTIPART_TTL_SECONDS', MULTIPART_DEFAULTS.tokenTtlSeconds, 60, SEVEN_DAYS, 'seconds'),
    abandonAfterSeconds: integer(env, 'UPLOAD_MULTIPART_ABANDON_SECONDS', MULTIPART_DEFAULTS.abandonAfterSeconds, 60, 365 * 24 * 3600, 'seconds'),
    ...(secret !== undefined ? { secret } : {}),
  };
}

/**
 * What /healthz tells the app. Every provider does uploads in parts: the dev bucket and
 * S3-compatible stores through @aws-sdk/client-s3, OSS, COS and OBS through their own SDKs
 * (store-for.ts). The part size is the one planned with, raised to the store's floor
 * (part-plan.ts: S3 5 MiB, OSS and OBS 100 KiB, COS 1 MiB).
 */
export function multipartLimitsFor(config: { ticketProvider: TicketProvider; multipart: MultipartConfig }): MultipartLimits {
  return { maxBytes: config.multipart.maxBytes, partSize: Math.max(config.multipart.partSize, MIN_PART_BYTES[config.ticketProvider]) };
}
