// The guard: the one step every /api/* request passes before its route. It names the
// caller (session, static token or anonymous), counts the request against the rate limit,
// and gives the ticket route what it needs to admit a batch against the daily quotas
// and to write the audit log. Kept apart from the routes so the ticket hot path gains
// a few lookups and nothing else when no limit is set.
import type { IncomingMessage } from 'node:http';
import { createAuthorizer } from '../auth';
import type { Config } from '../config';
import { anonymousAllowed } from '../sign-in/access-policy';
import { sessionTokens, type SessionTokens } from '../sign-in/session-tokens';
import { auditLog, fileAuditLog, type AuditLog } from './audit';
import { callerIdentifier, type Caller } from './caller';
import { clientIpResolver, limitKeyOf } from './client-ip';
import { createLimits, type BatchFile, type Limits, type LimitsDeps, type Remember } from './limits';

export type { Caller } from './caller';

export interface Guard {
  /**
   * The caller of an API route, counted against the rate limit; ApiFailure 401/429/503
   * otherwise (thrown, or the promise rejected). A Caller as is when nothing had to wait:
   * no session to verify and no rate limit to count.
   */
  admitRequest(req: IncomingMessage, now: Date): Caller | Promise<Caller>;
  /** The caller of POST /api/sessions, counted per client IP. */
  admitLogin(req: IncomingMessage): Promise<Caller>;
  /**
   * Undefined when no daily quota is set. All of the batch or none of it (429). With
   * `remember` (the ticket route), a file whose idempotencyKey this caller sent within
   * `remember.seconds` is not counted again, and the answer gives, per file, the object key
   * to ticket: the one picked the first time, or `remember.keys[i]` for a new file
   * (undefined when no file was remembered: use remember.keys).
   */
  admitBatch?: (caller: Caller, files: readonly BatchFile[], now: Date, remember?: Remember) => Promise<readonly string[] | undefined>;
  /** Set with admitBatch: gives its count back when the batch it admitted could not be issued. */
  returnBatch?: (caller: Caller, files: readonly { size: number }[], now: Date) => Promise<void>;
  /**
   * True when a byte quota is set: a ticket then allows exactly the declared size, so the
   * quota counts what can really be stored.
   */
  exactSizes: boolean;
  audit?: AuditLog;
  sessions: SessionTokens;
  anonymousAllowed: boolean;
  close(): Promise<void>;
}

export interface GuardDeps extends Partial<LimitsDeps> {
  /** Where audit lines go when UPLOAD_AUDIT_LOG is not set (main.ts: stdout). None by default. */
  auditWrite?: (text: string) => void;
}

export function createGuard(config: Config, deps: GuardDeps = {}): Guard {
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const settings = config.guard;
  const sessions = sessionTokens(config.signIn.sessionSecret, config.signIn.sessionTtlSeconds);
  const open = anonymousAllowed(config);
  const callers = callerIdentifier({
    keyPrefix: config.keyPrefix,
    authorizeToken: createAuthorizer(config.authTokens),
    sessions,
    anonymousAllowed: open,
  });
  const ipOf = clientIpResolver(settings.trustProxy);
  const limits: Limits = createLimits(settings, { log, redis: deps.redis });
  const auditFile = settings.auditLog !== undefined ? fileAuditLog(settings.auditLog) : undefined;
  const streamAudit = auditFile === undefined && deps.auditWrite ? auditLog(deps.auditWrite) : undefined;
  const audit = auditFile?.log ?? streamAudit?.log;
  const endAudit = () => {
    auditFile?.close();
    streamAudit?.end();
  };
  // Whatever ends the process (a shutdown whose grace ran out exits before the server's
  // 'close', an error that exits), the batch still gathering is written first: 'exit'
  // listeners run synchronously, and both writers write synchronously.
  if (audit !== undefined) process.once('exit', endAudit);

  const bytesOf = (files: readonly { size: number }[]) => {
    let bytes = 0;
    for (let i = 0; i < files.length; i++) bytes += files[i].size;
    return bytes;
  };
  const admitBatch = limits.batchesCounted
    ? (caller: Caller, files: readonly BatchFile[], now: Date, remember?: Remember) => limits.admitBatch(caller.countAs, files, now, remember)
    : undefined;
  const returnBatch = limits.batchesCounted
    ? (caller: Caller, files: readonly { size: number }[], now: Date) => limits.returnBatch(caller.countAs, files.length, bytesOf(files), now)
    : undefined;

  return {
    admitRequest(req, now) {
      const identified = callers.identify(req, ipOf(req), now);
      if (!limits.requestsCounted) return identified;
      return (async () => {
        const caller = await identified;
        await limits.countRequest(caller.countAs);
        return caller;
      })();
    },
    async admitLogin(req) {
      const caller = callers.identifyLogin(req, ipOf(req));
      if (limits.requestsCounted) await limits.countRequest(`login:${limitKeyOf(caller.ip)}`);
      return caller;
    },
    ...(admitBatch && returnBatch ? { admitBatch, returnBatch } : {}),
    exactSizes: settings.bytesPerDay > 0,
    ...(audit ? { audit } : {}),
    sessions,
    anonymousAllowed: open,
    async close() {
      // Synchronously, before anything else waits: the shutdown exits right after the server closes.
      endAudit();
      process.off('exit', endAudit);
      await limits.close();
    },
  };
}
