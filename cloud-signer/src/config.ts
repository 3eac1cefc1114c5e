// Configuration from the environment (the README's "The signer" table). Every bad value stops the signer with one plain sentence naming
// the variable and what it expects; secrets are never repeated back.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { ProviderSetting, TicketProvider } from '../../typings/ticket';
import type { Credentials } from '../../miniprogram/shared/signing/index';
import { cosEndpoint } from '../../miniprogram/shared/signing/index';
import { obsEndpoint } from '../../miniprogram/shared/signing/index';
import { ossEndpoint } from '../../miniprogram/shared/signing/index';
import {
  DEFAULT_HEADERS_TIMEOUT_SECONDS,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  defaultMaxConnections,
  defaultMaxConnectionsPerClient,
  type ConnectionLimits,
} from './connection-limits';
import { isTypePattern } from './mime';
import { TICKET_PROVIDERS } from '../../miniprogram/shared/contract/index';
import { loadGuardSettings, type GuardSettings } from './guard/settings';
import { loadSignInSettings, type SignInSettings } from './sign-in/settings';
import { multipartConfig, type MultipartConfig } from './multipart/config';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type UploadMethod = 'post' | 'put';
/** `keys`: UPLOAD_ACCESS_KEY_*; `instance-role`: no key at all, from the instance metadata service. */
export type CredentialMode = 'keys' | 'instance-role';

export interface Config {
  port: number;
  host: string;
  /** What UPLOAD_PROVIDER says; `local` is the embedded dev bucket. */
  provider: ProviderSetting;
  /** The dialect tickets speak: `local` issues `s3` tickets. */
  ticketProvider: TicketProvider;
  method: UploadMethod;
  bucket: string;
  region: string;
  /** Bucket base URL. Undefined for `local` without UPLOAD_ENDPOINT: built from each request's Host. */
  endpoint?: string;
  /** Base of `objectUrl`. Undefined means "same as the endpoint". */
  publicBaseUrl?: string;
  /** Empty with `credentialMode: 'instance-role'`: the signer gets a CredentialSource instead. */
  credentials: Credentials;
  credentialMode: CredentialMode;
  /** True when the dev bucket's keys were made up for this process (not yet the data folder's). */
  ephemeralCredentials: boolean;
  keyPrefix: string;
  maxBytes: number;
  allowedTypes: string[];
  ticketTtlSeconds: number;
  objectUrlTtlSeconds: number;
  /** Absolute path of the dev bucket's storage. */
  dataDir: string;
  authTokens: string[];
  allowUnauthenticated: boolean;
  privateBucket: boolean;
  /** Who may ask for tickets: platform sign-in, dev login, anonymous callers (sign-in/settings.ts). */
  signIn: SignInSettings;
  /** Rate limit, quotas, shared counters, audit log (guard/settings.ts). */
  guard: GuardSettings;
  /** UPLOAD_ALLOWED_HOSTS: host names the dev bucket answers besides loopback and this machine's addresses. */
  allowedHosts: string[];
  /** Resumable uploads in parts (POST /api/uploads…). */
  multipart: MultipartConfig;
  /** Connection caps and timeouts (connection-limits.ts). */
  connections: ConnectionLimits;
}

export type Env = Record<string, string | undefined>;

const PROVIDERS: readonly ProviderSetting[] = ['local', ...TICKET_PROVIDERS];

export const DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  keyPrefix: 'uploads/',
  maxBytes: 20 * 1024 * 1024,
  allowedTypes: 'image/*',
  ticketTtlSeconds: 600,
  objectUrlTtlSeconds: 3600,
  dataDir: '.data',
  devBucket: 'dev-bucket',
  devRegion: 'us-east-1',
} as const;

/** 5 GiB: the largest single POST/PUT S3, OSS, COS and OBS accept. */
export const MAX_UPLOAD_BYTES_LIMIT = 5 * 1024 * 1024 * 1024;
/** 7 days: the longest validity SigV4 presigned requests allow. */
export const MAX_TTL_SECONDS = 7 * 24 * 3600;
/** Bearer tokens shorter than this are guessable; refuse them rather than pretend to protect. */
export const MIN_AUTH_TOKEN_LENGTH = 16;
const MAX_PORT = 65535;
/** Upper bounds for the connection settings: sanity, not policy. */
const MAX_CONNECTIONS_SETTING = 1_000_000;
const MAX_TIMEOUT_SECONDS = 3600;

/** Read a variable; empty strings count as unset (a `.env` line like `UPLOAD_BUCKET=`). */
export function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number of ${unit} from ${min} to ${max} (got "${raw}").`);
  }
  return Number(raw);
}

export function boolean(env: Env, name: string): boolean {
  const raw = read(env, name);
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}").`);
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase() as T;
  if (!choices.includes(lower)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')} (got "${raw}").`);
  }
  return lower;
}

/**
 * How a URL setting is named back in an error: as written, unless it could carry a
 * secret (user info before an "@", or a query such as ?password=…), whatever its shape.
 */
export function echoUrl(raw: string): string {
  return /[@?#]/.test(raw) ? 'a value not repeated here because it may hold credentials' : `"${raw}"`;
}

export function baseUrl(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  if (raw.includes('@')) {
    throw new ConfigError(
      `${name} must not carry user info (user:password@); put the keys in UPLOAD_ACCESS_KEY_ID and UPLOAD_ACCESS_KEY_SECRET (got ${echoUrl(raw)}).`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as https://bucket.example.com (got ${echoUrl(raw)}).`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
    throw new ConfigError(`${name} must be a plain http(s) URL without query, fragment or user info (got ${echoUrl(raw)}).`);
  }
  // Object URLs are `${base}/${key}`: one trailing slash too many would double it.
  return raw.replace(/\/+$/, '');
}

function keyPrefix(env: Env): string {
  const raw = env.UPLOAD_KEY_PREFIX === undefined ? DEFAULTS.keyPrefix : env.UPLOAD_KEY_PREFIX.trim();
  const safe = /^[A-Za-z0-9._\-/]*$/.test(raw);
  const segments = raw.split('/').slice(0, -1);
  const folderShaped = raw === '' || raw.endsWith('/');
  if (!safe || !folderShaped || raw.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ConfigError(
      `UPLOAD_KEY_PREFIX must be a relative folder ending in "/" made of letters, digits, ".", "_", "-", such as "uploads/" (got "${raw}").`,
    );
  }
  return raw;
}

function allowedTypes(env: Env): string[] {
  const raw = read(env, 'UPLOAD_ALLOWED_TYPES') ?? DEFAULTS.allowedTypes;
  const patterns = raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const bad = patterns.find((p) => !isTypePattern(p));
  if (patterns.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `UPLOAD_ALLOWED_TYPES must be a comma list of MIME patterns such as "image/*,application/pdf"` +
        (bad === undefined ? '.' : ` ("${bad}" is not one).`),
    );
  }
  return patterns;
}

function authTokens(env: Env): string[] {
  const raw = read(env, 'UPLOAD_AUTH_TOKENS');
  if (raw === undefined) return [];
  const tokens = raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  // Name the position, never the token itself.
  const weak = tokens.findIndex((t) => t.length < MIN_AUTH_TOKEN_LENGTH || /\s/.test(t));
  if (weak >= 0) {
    throw new ConfigError(
      `UPLOAD_AUTH_TOKENS: token #${weak + 1} must be at least ${MIN_AUTH_TOKEN_LENGTH} characters without spaces ` +
        `(e.g. from "openssl rand -hex 24").`,
    );
  }
  return tokens;
}

const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*$/;

/** UPLOAD_ALLOWED_HOSTS: names or addresses only; the port never matters (see host-gate.ts). */
function allowedHosts(env: Env): string[] {
  const raw = read(env, 'UPLOAD_ALLOWED_HOSTS');
  if (raw === undefined) return [];
  const hosts = raw
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ''))
    .filter((h) => h !== '')
    .map((h) => (h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h));
  const bad = hosts.find((h) => !isIP(h) && !HOST_NAME.test(h));
  if (bad !== undefined) {
    throw new ConfigError(
      `UPLOAD_ALLOWED_HOSTS must be a comma list of host names or IP addresses without scheme or port, such as "devbox.lan,192.168.1.20" ("${bad}" is not one).`,
    );
  }
  return hosts;
}

/** Where a cloud bucket lives when UPLOAD_ENDPOINT does not say. */
export function derivedEndpoint(provider: TicketProvider, bucket: string, region: string): string {
  // The dialects own their providers' host names (OSS also accepts "oss-cn-hangzhou" as a region).
  switch (provider) {
    case 's3':
      return `https://${bucket}.s3.${region}.amazonaws.com`;
    case 'oss':
    case 'oss-v1':
      return ossEndpoint(bucket, region);
    case 'cos':
      return cosEndpoint(bucket, region);
    case 'obs':
      return obsEndpoint(bucket, region);
  }
}

// DNS-label shaped: these names end up in a host name.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

function checkBucketAndRegion(bucket: string, region: string): void {
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new ConfigError(`UPLOAD_BUCKET must be a bucket name of 3-63 lowercase letters, digits, "." and "-" (got "${bucket}").`);
  }
  if (!REGION_PATTERN.test(region)) {
    throw new ConfigError(`UPLOAD_REGION must be a region id such as cn-hangzhou or us-east-1 (got "${region}").`);
  }
}

function cloudTarget(env: Env, provider: TicketProvider, mode: CredentialMode): { bucket: string; region: string; credentials: Credentials } {
  const bucket = read(env, 'UPLOAD_BUCKET');
  const region = read(env, 'UPLOAD_REGION');
  const accessKeyId = read(env, 'UPLOAD_ACCESS_KEY_ID');
  const accessKeySecret = read(env, 'UPLOAD_ACCESS_KEY_SECRET');
  const byKeys = mode === 'keys';
  if (!byKeys && (accessKeyId !== undefined || accessKeySecret !== undefined || read(env, 'UPLOAD_SECURITY_TOKEN') !== undefined)) {
    // Two sources of keys would leave it unclear which one signs.
    throw new ConfigError('UPLOAD_CREDENTIALS=instance-role takes its keys from the instance role: unset UPLOAD_ACCESS_KEY_ID, UPLOAD_ACCESS_KEY_SECRET and UPLOAD_SECURITY_TOKEN.');
  }
  const missing = [
    bucket === undefined && 'UPLOAD_BUCKET',
    region === undefined && 'UPLOAD_REGION',
    byKeys && accessKeyId === undefined && 'UPLOAD_ACCESS_KEY_ID',
    byKeys && accessKeySecret === undefined && 'UPLOAD_ACCESS_KEY_SECRET',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(
      `UPLOAD_PROVIDER=${provider} needs ${missing.join(', ')}. ` +
        `Set them (e.g. in .env), or use UPLOAD_PROVIDER=local for the embedded dev bucket.`,
    );
  }
  checkBucketAndRegion(bucket!, region!);
  if (!byKeys) return { bucket: bucket!, region: region!, credentials: { accessKeyId: '', accessKeySecret: '' } };
  const securityToken = read(env, 'UPLOAD_SECURITY_TOKEN');
  return {
    bucket: bucket!,
    region: region!,
    credentials: { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, ...(securityToken ? { securityToken } : {}) },
  };
}

/**
 * The dev bucket: its own keys unless the operator pins them. Otherwise random ones,
 * marked ephemeral, which prepareDevDataDir (dev-data-dir.ts) replaces with the keys
 * kept in the data folder before the signer starts.
 */
function localTarget(env: Env): {
  bucket: string;
  region: string;
  credentials: Credentials;
  ephemeral: boolean;
} {
  const bucket = read(env, 'UPLOAD_BUCKET') ?? DEFAULTS.devBucket;
  const region = read(env, 'UPLOAD_REGION') ?? DEFAULTS.devRegion;
  checkBucketAndRegion(bucket, region);
  const accessKeyId = read(env, 'UPLOAD_ACCESS_KEY_ID');
  const accessKeySecret = read(env, 'UPLOAD_ACCESS_KEY_SECRET');
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    throw new ConfigError('UPLOAD_ACCESS_KEY_ID and UPLOAD_ACCESS_KEY_SECRET must be set together (or neither, for random dev keys).');
  }
  if (accessKeyId !== undefined) {
    return { bucket, region, credentials: { accessKeyId, accessKeySecret: accessKeySecret! }, ephemeral: false };
  }
  return {
    bucket,
    region,
    credentials: {
      accessKeyId: 'DEV' + randomBytes(8).toString('hex').toUpperCase(),
      accessKeySecret: randomBytes(24).toString('base64url'),
    },
    ephemeral: true,
  };
}

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const provider = oneOf(env, 'UPLOAD_PROVIDER', PROVIDERS, 'local');
  const ticketProvider: TicketProvider = provider === 'local' ? 's3' : provider;
  const endpoint = baseUrl(env, 'UPLOAD_ENDPOINT');
  const credentialMode = oneOf<CredentialMode>(env, 'UPLOAD_CREDENTIALS', ['keys', 'instance-role'], 'keys');
  if (provider === 'local' && credentialMode !== 'keys') {
    throw new ConfigError('UPLOAD_CREDENTIALS=instance-role needs a cloud UPLOAD_PROVIDER (oss, oss-v1, cos, obs, s3); the dev bucket has its own keys.');
  }
  const target = provider === 'local' ? localTarget(env) : { ...cloudTarget(env, ticketProvider, credentialMode), ephemeral: false };
  const cloudEndpoint = provider === 'local' ? endpoint : (endpoint ?? derivedEndpoint(ticketProvider, target.bucket, target.region));
  const host = read(env, 'HOST') ?? DEFAULTS.host;
  if (!/^[A-Za-z0-9.:%[\]-]+$/.test(host)) {
    throw new ConfigError(`HOST must be an IP address or host name such as 127.0.0.1 or 0.0.0.0 (got "${host}").`);
  }
  const guard = loadGuardSettings(env, provider);
  const multipart = multipartConfig(env);
  // A file above the daily byte quota could never be ticketed, on any day: the largest file
  // (the one /healthz offers the app, single or in parts) is never more than the quota.
  const withinQuota = (bytes: number) => (guard.bytesPerDay > 0 ? Math.min(bytes, guard.bytesPerDay) : bytes);
  return {
    port: integer(env, 'PORT', DEFAULTS.port, 0, MAX_PORT, 'port'),
    host,
    provider,
    ticketProvider,
    method: oneOf<UploadMethod>(env, 'UPLOAD_METHOD', ['post', 'put'], 'post'),
    bucket: target.bucket,
    region: target.region,
    endpoint: cloudEndpoint,
    publicBaseUrl: baseUrl(env, 'UPLOAD_PUBLIC_BASE_URL') ?? cloudEndpoint,
    credentials: target.credentials,
    credentialMode,
    ephemeralCredentials: target.ephemeral,
    keyPrefix: keyPrefix(env),
    maxBytes: withinQuota(integer(env, 'UPLOAD_MAX_BYTES', DEFAULTS.maxBytes, 1, MAX_UPLOAD_BYTES_LIMIT, 'bytes')),
    allowedTypes: allowedTypes(env),
    ticketTtlSeconds: integer(env, 'UPLOAD_TICKET_TTL_SECONDS', DEFAULTS.ticketTtlSeconds, 1, MAX_TTL_SECONDS, 'seconds'),
    objectUrlTtlSeconds: integer(
      env,
      'UPLOAD_OBJECT_URL_TTL_SECONDS',
      DEFAULTS.objectUrlTtlSeconds,
      1,
      MAX_TTL_SECONDS,
      'seconds',
    ),
    dataDir: resolve(cwd, read(env, 'UPLOAD_DATA_DIR') ?? DEFAULTS.dataDir),
    authTokens: authTokens(env),
    allowUnauthenticated: boolean(env, 'UPLOAD_ALLOW_UNAUTHENTICATED'),
    privateBucket: boolean(env, 'UPLOAD_PRIVATE_BUCKET'),
    signIn: loadSignInSettings(env, provider),
    guard,
    allowedHosts: allowedHosts(env),
    multipart: { ...multipart, maxBytes: withinQuota(multipart.maxBytes) },
    connections: connectionLimits(env),
  };
}

function connectionLimits(env: Env): ConnectionLimits {
  const maxConnections = integer(env, 'UPLOAD_MAX_CONNECTIONS', defaultMaxConnections(), 1, MAX_CONNECTIONS_SETTING, 'connections');
  // Behind a trusted proxy every connection comes from the proxy: a per-client share would
  // cap all clients together at a quarter of the connections. Set on purpose, it is kept.
  const behindProxy = boolean(env, 'UPLOAD_TRUST_PROXY');
  const perClient = integer(
    env,
    'UPLOAD_MAX_CONNECTIONS_PER_CLIENT',
    behindProxy ? 0 : defaultMaxConnectionsPerClient(maxConnections),
    0,
    maxConnections,
    'connections (0 = no per-client cap)',
  );
  const seconds = (name: string, fallback: number) => integer(env, name, fallback, 1, MAX_TIMEOUT_SECONDS, 'seconds') * 1000;
  const idleTimeoutMs = seconds('UPLOAD_IDLE_TIMEOUT_SECONDS', DEFAULT_IDLE_TIMEOUT_SECONDS);
  return {
    maxConnections,
    maxConnectionsPerClient: perClient,
    headersTimeoutMs: seconds('UPLOAD_HEADERS_TIMEOUT_SECONDS', DEFAULT_HEADERS_TIMEOUT_SECONDS),
    idleTimeoutMs,
    // The balancer's kept-alive connections stay open as long as any idle one may.
    ...(behindProxy ? { keepAliveTimeoutMs: idleTimeoutMs } : {}),
  };
}
