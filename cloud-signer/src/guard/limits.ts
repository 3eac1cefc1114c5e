// Rate limit and daily quotas, counted by rate-limiter-flexible: in this process by
// default, in Redis (ioredis) when UPLOAD_REDIS_URL is set, so every signer sharing the
// Redis enforces one limit. Redis unreachable → 503 LimitsUnavailable: a limit we cannot
// count is refused, never waived (no insurance limiter on purpose). With
// UPLOAD_REDIS_CLUSTER=true the client is an ioredis Cluster, and every key one command or
// script touches carries the caller as its hash tag, so it is one slot (no CROSSSLOT).
import Redis, { Cluster } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { clearTimeout, setTimeout } from 'node:timers';
import { ApiFailure } from '../api-error';
import { ClosedSocketAwareConnector } from '../redis-connector';
import type { GuardSettings } from './settings';

const MINUTE_SECONDS = 60;
/** Daily counters carry their UTC date in the key; two days of life is enough to outlast it. */
const DAY_COUNTER_SECONDS = 2 * 24 * 3600;
const KEY_PREFIX = 'mdu';

/** Either client: one Redis, or a Redis Cluster (both run the same commands and scripts). */
export type RedisClient = Redis | Cluster;

/**
 * The daily counters' key after the limiter's prefix: `{<who>}:<UTC day>`, e.g.
 * `mdu:files:{user:0123…}:2026-11-22`. The braces are a Redis Cluster hash tag: only
 * `<who>` is hashed, so the files and bytes counters of one caller (and anything else a
 * script of that caller touches) share a slot and one script may touch them all.
 */
export function dailyKey(who: string, now: Date): string {
  return `{${who}}:${utcDay(now)}`;
}
export interface Limits {
  /** One API request by `who`; throws 429 RateLimited (with Retry-After) when over the minute's limit. */
  countRequest(who: string): Promise<void>;
  /** A batch of `files` declaring `bytes` in total, on the UTC day of `now`: all admitted, or none (429). */
  admitBatch(who: string, files: number, bytes: number, now: Date): Promise<void>;
  /** Gives back what admitBatch counted, when what it admitted could not be issued after all. */
  returnBatch(who: string, files: number, bytes: number, now: Date): Promise<void>;
  readonly requestsCounted: boolean;
  readonly batchesCounted: boolean;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
let lastDayNumber = NaN;
let lastDay = '';

/** `YYYY-MM-DD` in UTC; remembered, since every request of a day asks for the same one. */
function utcDay(now: Date): string {
  const dayNumber = Math.floor(now.getTime() / DAY_MS);
  if (dayNumber !== lastDayNumber) {
    lastDay = now.toISOString().slice(0, 10);
    lastDayNumber = dayNumber;
  }
  return lastDay;
}

function secondsToUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}

/** Longer than any counter update takes on a healthy Redis, short enough that the app hears 503 and retries. */
const REDIS_COMMAND_TIMEOUT_MS = 1000;

const unavailable = () =>
  new ApiFailure(503, 'LimitsUnavailable', 'The signer cannot reach the store that counts upload limits; no ticket was issued. Try again shortly.', undefined, 5);

/**
 * A batch admitted on the daily counters in Redis itself, in one step: every counter is
 * checked, then all are counted, or none is. Counting first and giving back when over
 * (consume, then reward) held a refused batch's points for a round trip or two, and a
 * batch of the same person that fitted, counted meanwhile at any signer, was refused for
 * the rest of the day. The keys and values are rate-limiter-flexible's own (a counter
 * made with its TTL in seconds; returnBatch rewards them through it). ARGV: points and
 * limit per key, then the TTL. Answers 0 when admitted, else the 1-based index of the
 * first counter the batch would take past its limit. Its keys are one caller's
 * (dailyKey): one hash tag, one slot, so a Redis Cluster runs it too.
 */
const ADMIT_BATCH_SCRIPT = `
local n = #KEYS
for i = 1, n do
  local current = tonumber(redis.call('get', KEYS[i]) or '0')
  if current + tonumber(ARGV[2 * i - 1]) > tonumber(ARGV[2 * i]) then return i end
end
for i = 1, n do
  redis.call('set', KEYS[i], 0, 'EX', ARGV[2 * n + 1], 'NX')
  redis.call('incrby', KEYS[i], ARGV[2 * i - 1])
  if redis.call('ttl', KEYS[i]) == -1 then redis.call('expire', KEYS[i], ARGV[2 * n + 1]) end
end
return 0`;

type AdmitBatchCommand = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<number>;

export interface LimitsDeps {
  /** Where Redis connection trouble is reported (the URL, which may hold a password, never is). */
  log: (line: string) => void;
  /** A Redis (or Redis Cluster) client to use instead of one made from settings.redisUrl (tests). */
  redis?: RedisClient;
}

/** How long ioredis waits for a connection; also how long a just-started signer's counters wait for their first one. */
const REDIS_CONNECT_TIMEOUT_MS = 2000;

/**
 * Resolves once `client` is first connected, or after REDIS_CONNECT_TIMEOUT_MS: without it a
 * signer just started (a deploy, a restart under traffic) would answer its first requests 503,
 * each then waited out 5 s by the app, for the few milliseconds Redis takes to connect.
 */
function firstConnection(client: RedisClient): { connected: Promise<void>; stopWaiting(): void } {
  if (client.status === 'ready') return { connected: Promise.resolve(), stopWaiting: () => undefined };
  let done = () => undefined as void;
  const connected = new Promise<void>((resolve) => {
    done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_CONNECT_TIMEOUT_MS).unref();
    client.on('ready', done);
  });
  return { connected, stopWaiting: () => done() };
}

const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * A Redis Cluster reached through one of its nodes, the URL's host and port: the client
 * asks it for the others (CLUSTER SLOTS). The URL's user, password and rediss:// (TLS) go
 * to every node; a cluster has only database 0 (settings.ts refuses another).
 */
function clusterClient(url: string): Cluster {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'rediss:';
  return new Cluster([{ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 6379) }], {
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    // TLS certificates name the host asked for: keep the cluster's own names, do not resolve them first.
    ...(tls ? { dnsLookup: (address: string, done: (error: null, address: string) => void) => done(null, address) } : {}),
    redisOptions: {
      maxRetriesPerRequest: 1,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(tls ? { tls: {} } : {}),
    },
  });
}

function redisClient(url: string, cluster: boolean, log: (line: string) => void): RedisClient {
  const client: RedisClient = cluster
    ? clusterClient(url)
    : new Redis(url, {
        // Closing between reconnect attempts must not leave a 2 s timer holding the process (redis-connector.ts).
        Connector: ClosedSocketAwareConnector,
        // Fail a command at once while disconnected instead of queueing it: the request is
        // answered 503 now, and ioredis keeps reconnecting in the background.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
        // A Redis that holds the connection open and stops answering (hung, paused, a dead peer
        // behind a NAT) would hold every request with it: a command gets a second, then 503.
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        retryStrategy: reconnectDelay,
      });
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    log(`signer: Redis for upload limits is unreachable (${error.message}); tickets are refused with 503 until it is back.`);
  });
  client.on('ready', () => {
    if (reported) log('signer: Redis for upload limits is reachable again.');
    reported = false;
  });
  return client;
}

export function createLimits(settings: GuardSettings, deps: LimitsDeps): Limits {
  const redis = settings.redisUrl !== undefined ? (deps.redis ?? redisClient(settings.redisUrl, settings.redisCluster === true, deps.log)) : undefined;
  const limiter = (name: string, points: number, duration: number): RateLimiterAbstract | undefined => {
    if (points <= 0) return undefined;
    const keyPrefix = `${KEY_PREFIX}:${name}`;
    return redis
      ? new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix, rejectIfRedisNotReady: true })
      : new RateLimiterMemory({ points, duration, keyPrefix });
  };
  const perMinute = limiter('rate', settings.ratePerMinute, MINUTE_SECONDS);
  const files = limiter('files', settings.filesPerDay, DAY_COUNTER_SECONDS);
  const bytes = limiter('bytes', settings.bytesPerDay, DAY_COUNTER_SECONDS);
  // Only until the first connection (or its timeout): after that a request is never held.
  const first = redis !== undefined && (perMinute ?? files ?? bytes) !== undefined ? firstConnection(redis) : undefined;
  let connecting = first?.connected;
  const connected = async () => {
    if (connecting === undefined) return;
    await connecting;
    connecting = undefined;
  };

  const daily = [
    { counter: files, limit: settings.filesPerDay, name: 'files' as const },
    { counter: bytes, limit: settings.bytesPerDay, name: 'bytes' as const },
  ].filter((entry): entry is { counter: RateLimiterAbstract; limit: number; name: 'files' | 'bytes' } => entry.counter !== undefined);
  // Defined once on the client (EVALSHA, the script sent again only when Redis lost it).
  if (redis !== undefined && daily.length > 0) redis.defineCommand('mduAdmitBatch', { lua: ADMIT_BATCH_SCRIPT });

  /** The counter a batch would take past its limit (none counted then), or undefined once all are counted. */
  const admitInRedis = async (client: RedisClient, key: string, fileCount: number, byteCount: number): Promise<'files' | 'bytes' | undefined> => {
    if (client.status !== 'ready') throw unavailable();
    const args: (string | number)[] = daily.map((entry) => entry.counter.getKey(key));
    for (const entry of daily) args.push(entry.name === 'files' ? fileCount : byteCount, entry.limit);
    args.push(DAY_COUNTER_SECONDS);
    let refused: number;
    try {
      refused = await (client as unknown as { mduAdmitBatch: AdmitBatchCommand }).mduAdmitBatch(daily.length, ...args);
    } catch {
      throw unavailable();
    }
    return refused === 0 ? undefined : daily[refused - 1].name;
  };

  /** Consumes `points`; on refusal gives them back (a refused batch must not eat the quota) and returns false. */
  const take = async (counter: RateLimiterAbstract, key: string, points: number): Promise<boolean> => {
    try {
      await counter.consume(key, points);
      return true;
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw unavailable();
      await giveBack(counter, key, points);
      return false;
    }
  };
  const giveBack = async (counter: RateLimiterAbstract, key: string, points: number): Promise<void> => {
    // If this fails the points stay counted: the caller loses some quota, never gains any.
    await counter.reward(key, points).catch(() => undefined);
  };

  /** In this process: each counter counted, and given back when the batch is over its limit. */
  const admitInProcess = async (key: string, fileCount: number, byteCount: number): Promise<'files' | 'bytes' | undefined> => {
    if (files !== undefined && !(await take(files, key, fileCount))) return 'files';
    let bytesTaken: boolean;
    try {
      bytesTaken = bytes === undefined || (await take(bytes, key, byteCount));
    } catch (error) {
      // The counters became unavailable half-way: the files counted already go back.
      if (files !== undefined) await giveBack(files, key, fileCount);
      throw error;
    }
    if (bytesTaken) return undefined;
    if (files !== undefined) await giveBack(files, key, fileCount);
    return 'bytes';
  };

  return {
    requestsCounted: perMinute !== undefined,
    batchesCounted: files !== undefined || bytes !== undefined,

    async countRequest(who) {
      if (perMinute === undefined) return;
      await connected();
      try {
        await perMinute.consume(who, 1);
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) throw unavailable();
        throw new ApiFailure(
          429,
          'RateLimited',
          `More than ${settings.ratePerMinute} requests in a minute; wait a moment and try again.`,
          undefined,
          outcome.msBeforeNext / 1000,
        );
      }
    },

    async admitBatch(who, fileCount, byteCount, now) {
      await connected();
      const key = dailyKey(who, now);
      const refused = redis !== undefined ? await admitInRedis(redis, key, fileCount, byteCount) : await admitInProcess(key, fileCount, byteCount);
      if (refused === 'files') {
        throw new ApiFailure(
          429,
          'FileQuotaExceeded',
          `Today's upload limit is ${settings.filesPerDay} files, and these ${fileCount} would go past it; ` +
            'nothing was ticketed. Pick fewer files, or try again after midnight UTC.',
          undefined,
          secondsToUtcMidnight(now),
        );
      }
      if (refused === 'bytes') {
        throw new ApiFailure(
          429,
          'ByteQuotaExceeded',
          `Today's upload limit is ${settings.bytesPerDay} bytes, and these ${fileCount} files would go past it; ` +
            'nothing was ticketed. Pick fewer or smaller files, or try again after midnight UTC.',
          undefined,
          secondsToUtcMidnight(now),
        );
      }
    },

    async returnBatch(who, fileCount, byteCount, now) {
      const key = dailyKey(who, now);
      if (files !== undefined) await giveBack(files, key, fileCount);
      if (bytes !== undefined) await giveBack(bytes, key, byteCount);
    },

    async close() {
      first?.stopWaiting();
      if (redis !== undefined && deps.redis === undefined) redis.disconnect();
    },
  };
}
