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
  /**
   * A batch of `files` on the UTC day of `now`: all admitted, or none (429). With `remember`,
   * a file with an idempotencyKey that `who` sent within `remember.seconds` (its answer lost,
   * asked again) is not counted again: the answer then holds, per file, the object key picked
   * for it the first time (a new file: its own `remember.keys[i]`); undefined when no file was
   * remembered. The same key for another size or type is 409 IdempotencyKeyReused.
   */
  admitBatch(who: string, files: readonly BatchFile[], now: Date, remember?: Remember): Promise<readonly string[] | undefined>;
  /** Gives back what admitBatch counted, when what it admitted could not be issued after all. */
  returnBatch(who: string, files: number, bytes: number, now: Date): Promise<void>;
  readonly requestsCounted: boolean;
  readonly batchesCounted: boolean;
  close(): Promise<void>;
}

export interface BatchFile {
  size: number;
  contentType: string;
  idempotencyKey?: string;
}

export interface Remember {
  /** The object key picked for each file of the batch, remembered for the new ones. */
  keys: readonly string[];
  /** How long a file is remembered: the ticket lifetime. */
  seconds: number;
}

/** Files remembered in this process at most (memory bounded); past it the oldest are forgotten first. */
const MAX_REMEMBERED_FILES = 100_000;

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
 * the rest of the day. The counters' keys and values are rate-limiter-flexible's own (a
 * counter made with its TTL in seconds; returnBatch rewards them through it).
 *
 * A file with an idempotency key that is already remembered (`mdu:retry:{<who>}:<key>`,
 * holding "<until, ms> <size> <type> <object key>", until by the signer's clock, which
 * also sets the day) is not counted: the same step reads it, so a retry
 * racing its first request at another signer is counted once. The keys of new files are
 * remembered only when the batch is admitted.
 *
 * KEYS: the n counters, then the remembered-file keys. ARGV: n, the counters' TTL, the
 * remembering TTL, now and until (ms), then per counter its kind ("files" or "bytes") and limit, then per file
 * the 1-based index of its remembered-file key among KEYS after the counters (0: none), its
 * size, its fingerprint ("<size> <type> ") and its object key. Answers {0, per file the
 * object key remembered for it or ""} when admitted, {i} when counter i would pass its
 * limit, {-j} when file j's key is remembered for another size or type. Every key is one
 * caller's (dailyKey, retryKey): one hash tag, one slot, so a Redis Cluster runs it too.
 */
const ADMIT_BATCH_SCRIPT = `
local n = tonumber(ARGV[1])
local now = tonumber(ARGV[4])
local base = 5 + 2 * n
local f = (#ARGV - base) / 4
local points = {}
for i = 1, n do points[i] = 0 end
local prior = {}
for j = 1, f do
  local at = base + 4 * (j - 1)
  local slot = tonumber(ARGV[at + 1])
  local found = false
  if slot > 0 then found = redis.call('get', KEYS[n + slot]) end
  if found then
    local space = string.find(found, ' ', 1, true)
    if space == nil or tonumber(string.sub(found, 1, space - 1)) <= now then found = false else found = string.sub(found, space + 1) end
  end
  if found then
    local fingerprint = ARGV[at + 3]
    if string.sub(found, 1, #fingerprint) ~= fingerprint then return {-j} end
    prior[j] = string.sub(found, #fingerprint + 1)
  else
    prior[j] = ''
    for i = 1, n do
      if ARGV[4 + 2 * i] == 'files' then points[i] = points[i] + 1 else points[i] = points[i] + tonumber(ARGV[at + 2]) end
    end
  end
end
for i = 1, n do
  if points[i] > 0 then
    local current = tonumber(redis.call('get', KEYS[i]) or '0')
    if current + points[i] > tonumber(ARGV[5 + 2 * i]) then return {i} end
  end
end
for j = 1, f do
  local at = base + 4 * (j - 1)
  local slot = tonumber(ARGV[at + 1])
  if slot > 0 and prior[j] == '' then redis.call('set', KEYS[n + slot], ARGV[5] .. ' ' .. ARGV[at + 3] .. ARGV[at + 4], 'EX', ARGV[3]) end
end
for i = 1, n do
  if points[i] > 0 then
    redis.call('set', KEYS[i], 0, 'EX', ARGV[2], 'NX')
    redis.call('incrby', KEYS[i], string.format('%d', points[i]))
    if redis.call('ttl', KEYS[i]) == -1 then redis.call('expire', KEYS[i], ARGV[2]) end
  end
end
local answer = {0}
for j = 1, f do answer[j + 1] = prior[j] end
return answer`;

/** Where a remembered file lives in Redis: `mdu:retry:{<who>}:<idempotency key>`, in its caller's slot. */
export function retryKey(who: string, idempotencyKey: string): string {
  return `${KEY_PREFIX}:retry:{${who}}:${idempotencyKey}`;
}

/** What a remembered file must match: its size and type (the object key follows it). */
const fingerprintOf = (file: BatchFile) => `${file.size} ${file.contentType} `;

const reused = (index: number) =>
  new ApiFailure(
    409,
    'IdempotencyKeyReused',
    `File ${index + 1}: this idempotencyKey was sent moments ago for a file of another size or type; each file needs its own key.`,
    index,
  );

type AdmitBatchCommand = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<(number | string)[]>;

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
      // Each node's client, as the single one: closing between reconnect attempts holds nothing 2 s (redis-connector.ts).
      Connector: ClosedSocketAwareConnector,
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

  interface Admitted {
    /** The counter the batch would take past its limit (nothing counted or remembered then). */
    refused?: 'files' | 'bytes';
    /** Per file, the object key remembered for it; undefined when no file was. */
    keys?: readonly string[];
  }

  /** Counted, and remembered, in one script (ADMIT_BATCH_SCRIPT). */
  const admitInRedis = async (client: RedisClient, who: string, key: string, files: readonly BatchFile[], remember: Remember | undefined, nowMs: number): Promise<Admitted> => {
    if (client.status !== 'ready') throw unavailable();
    const args: (string | number)[] = daily.map((entry) => entry.counter.getKey(key));
    const fileArgs: (string | number)[] = [];
    let remembered = 0;
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const idempotencyKey = remember !== undefined ? file.idempotencyKey : undefined;
      if (idempotencyKey !== undefined) args.push(retryKey(who, idempotencyKey));
      fileArgs.push(idempotencyKey !== undefined ? ++remembered : 0, file.size, fingerprintOf(file), remember?.keys[i] ?? '');
    }
    const numberOfKeys = args.length;
    const seconds = remember?.seconds ?? 1;
    args.push(daily.length, DAY_COUNTER_SECONDS, seconds, nowMs, nowMs + seconds * 1000);
    for (const entry of daily) args.push(entry.name, entry.limit);
    for (const arg of fileArgs) args.push(arg);
    let answer: (number | string)[];
    try {
      answer = await (client as unknown as { mduAdmitBatch: AdmitBatchCommand }).mduAdmitBatch(numberOfKeys, ...args);
    } catch {
      throw unavailable();
    }
    const outcome = Number(answer[0]);
    if (outcome > 0) return { refused: daily[outcome - 1].name };
    if (outcome < 0) throw reused(-outcome - 1);
    if (remembered === 0 || remember === undefined) return {};
    let keys: string[] | undefined;
    for (let i = 0; i < files.length; i++) {
      const prior = answer[i + 1];
      if (typeof prior === 'string' && prior !== '') (keys ??= remember.keys.slice())[i] = prior;
    }
    return keys ? { keys } : {};
  };

  /** Files remembered in this process, by `<who>\n<idempotency key>`; inserted in time order, so the oldest come first. */
  const rememberedHere = new Map<string, { fingerprint: string; key: string; expiresAtMs: number; settling?: Promise<void> }>();
  const forgetExpired = (nowMs: number) => {
    for (const [id, entry] of rememberedHere) {
      if (entry.expiresAtMs > nowMs && rememberedHere.size < MAX_REMEMBERED_FILES) break;
      if (entry.settling !== undefined) break;
      rememberedHere.delete(id);
    }
  };

  /**
   * In this process: remembered files are looked up and the new ones reserved in one
   * synchronous step, so a copy of the request arriving while the first is being counted
   * waits for it instead of counting the same files again.
   */
  const admitRememberedInProcess = async (who: string, key: string, files: readonly BatchFile[], remember: Remember, nowMs: number): Promise<Admitted> => {
    const idOf = (file: BatchFile) => (file.idempotencyKey === undefined ? undefined : `${who}\n${file.idempotencyKey}`);
    for (;;) {
      let waiting: Promise<void> | undefined;
      for (const file of files) {
        const id = idOf(file);
        const entry = id === undefined ? undefined : rememberedHere.get(id);
        if (entry?.settling !== undefined) waiting = entry.settling;
      }
      if (waiting === undefined) break;
      await waiting;
    }
    forgetExpired(nowMs);
    let keys: string[] | undefined;
    let fileCount = 0;
    let byteCount = 0;
    /** The ids of the new files that have a key, and their index in the batch. */
    const reserved: [string, number][] = [];
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const id = idOf(file);
      const entry = id === undefined ? undefined : rememberedHere.get(id);
      if (entry !== undefined && entry.expiresAtMs > nowMs) {
        if (entry.fingerprint !== fingerprintOf(file)) throw reused(i);
        (keys ??= remember.keys.slice())[i] = entry.key;
        continue;
      }
      fileCount += 1;
      byteCount += file.size;
      if (id !== undefined) reserved.push([id, i]);
    }
    let settle = () => undefined as void;
    const settling = new Promise<void>((resolve) => (settle = resolve));
    for (const [id, i] of reserved) {
      rememberedHere.delete(id); // an expired entry: the new one goes last, in time order
      rememberedHere.set(id, { fingerprint: fingerprintOf(files[i]), key: remember.keys[i], expiresAtMs: nowMs + remember.seconds * 1000, settling });
    }
    let refused: 'files' | 'bytes' | undefined;
    try {
      refused = fileCount > 0 ? await admitInProcess(key, fileCount, byteCount) : undefined;
    } catch (error) {
      for (const [id] of reserved) rememberedHere.delete(id);
      settle();
      throw error;
    }
    for (const [id] of reserved) {
      if (refused !== undefined) rememberedHere.delete(id);
      else {
        const entry = rememberedHere.get(id);
        if (entry !== undefined) delete entry.settling;
      }
    }
    settle();
    if (refused !== undefined) return { refused };
    return keys ? { keys } : {};
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

    async admitBatch(who, batch, now, remember) {
      await connected();
      const key = dailyKey(who, now);
      const fileCount = batch.length;
      let admitted: Admitted;
      if (redis !== undefined) admitted = await admitInRedis(redis, who, key, batch, remember, now.getTime());
      else if (remember !== undefined && batch.some((file) => file.idempotencyKey !== undefined)) {
        admitted = await admitRememberedInProcess(who, key, batch, remember, now.getTime());
      } else {
        let byteCount = 0;
        for (let i = 0; i < batch.length; i++) byteCount += batch[i].size;
        admitted = { refused: await admitInProcess(key, fileCount, byteCount) };
      }
      const refused = admitted.refused;
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
      return admitted.keys;
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
