// Settings of the guard in front of the API: rate limit, daily quotas, where their
// counters live (this process or Redis), the audit log and whether to believe
// X-Forwarded-For. 0 turns a limit off.
import { ConfigError, boolean, integer, read, type Env } from '../config';

export interface GuardSettings {
  /** API requests per caller (user, or client IP without a session) per minute; 0 = off. */
  ratePerMinute: number;
  /** Files ticketed per caller per UTC day; 0 = off. */
  filesPerDay: number;
  /** Declared bytes ticketed per caller per UTC day; 0 = off. Turns each ticket's size range into the exact size. */
  bytesPerDay: number;
  /** Counters shared by every signer pointing here; undefined = this process only. */
  redisUrl?: string;
  /** UPLOAD_REDIS_CLUSTER=true: redisUrl names one node of a Redis Cluster (ioredis Cluster). */
  redisCluster?: boolean;
  /** Append-only file of one JSON line per ticket; undefined = stdout (main.ts). */
  auditLog?: string;
  /** The signer sits behind a proxy that appends the client address to X-Forwarded-For. */
  trustProxy: boolean;
}

/**
 * A real bucket gets limits unless the operator chooses others: a leaked session or a
 * script could otherwise fill it. The dev bucket stays unlimited (tests, benchmarks).
 */
export const CLOUD_LIMIT_DEFAULTS = {
  ratePerMinute: 120,
  filesPerDay: 1000,
  bytesPerDay: 5 * 1024 ** 3,
} as const;

/**
 * The daily quotas that are on, by variable name. A grant cannot be held to them: its
 * credentials put any number of objects of any size under its folder until they expire,
 * and no vendor's session policy can count files or bytes. So while one is on, GET
 * /api/credentials refuses, and a deployed signer keeps every caller within its quota.
 */
export function quotasAgainstGrants(guard: Pick<GuardSettings, 'filesPerDay' | 'bytesPerDay'>): string[] {
  return [guard.filesPerDay > 0 && 'UPLOAD_QUOTA_FILES_PER_DAY', guard.bytesPerDay > 0 && 'UPLOAD_QUOTA_BYTES_PER_DAY'].filter(
    (name): name is string => typeof name === 'string',
  );
}

const MAX_COUNT = 1_000_000_000;
const MAX_BYTES_PER_DAY = 2 ** 50;

function redisUrl(env: Env, cluster: boolean): string | undefined {
  const raw = read(env, 'UPLOAD_REDIS_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('UPLOAD_REDIS_URL must be a URL such as redis://127.0.0.1:6379/0 or rediss://user:password@host:6380.');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    // The URL may carry a password: name the scheme only.
    throw new ConfigError(`UPLOAD_REDIS_URL must start with redis:// or rediss:// (got "${url.protocol}//…").`);
  }
  // A cluster has only database 0; the path is the one part of the URL that is no secret.
  if (cluster && url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') {
    throw new ConfigError(`UPLOAD_REDIS_URL names database "${url.pathname.slice(1)}", but a Redis Cluster (UPLOAD_REDIS_CLUSTER=true) has only database 0.`);
  }
  return raw;
}

export function loadGuardSettings(env: Env, provider: string): GuardSettings {
  const cloud = provider !== 'local';
  const auditLog = read(env, 'UPLOAD_AUDIT_LOG');
  const redisCluster = boolean(env, 'UPLOAD_REDIS_CLUSTER');
  const redis = redisUrl(env, redisCluster);
  if (redisCluster && redis === undefined) throw new ConfigError('UPLOAD_REDIS_CLUSTER=true needs UPLOAD_REDIS_URL: the URL of one node of the cluster.');
  return {
    ratePerMinute: integer(env, 'UPLOAD_RATE_PER_MINUTE', cloud ? CLOUD_LIMIT_DEFAULTS.ratePerMinute : 0, 0, MAX_COUNT, 'requests'),
    filesPerDay: integer(env, 'UPLOAD_QUOTA_FILES_PER_DAY', cloud ? CLOUD_LIMIT_DEFAULTS.filesPerDay : 0, 0, MAX_COUNT, 'files'),
    bytesPerDay: integer(env, 'UPLOAD_QUOTA_BYTES_PER_DAY', cloud ? CLOUD_LIMIT_DEFAULTS.bytesPerDay : 0, 0, MAX_BYTES_PER_DAY, 'bytes'),
    ...(redis ? { redisUrl: redis } : {}),
    ...(redisCluster ? { redisCluster } : {}),
    ...(auditLog ? { auditLog } : {}),
    trustProxy: boolean(env, 'UPLOAD_TRUST_PROXY'),
  };
}
