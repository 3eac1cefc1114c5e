// Who is calling: a signed-in user (session token), a server-to-server caller (a static
// UPLOAD_AUTH_TOKENS token), or an anonymous caller (allowed on the loopback dev bucket
// and with UPLOAD_ALLOW_ANONYMOUS=true). Each has a key folder and a counter name.
import type { IncomingMessage } from 'node:http';
import { ApiFailure } from '../api-error';
import type { Authorizer } from '../auth';
import type { SessionTokens } from '../sign-in/session-tokens';
import { limitKeyOf } from './client-ip';
import type { SignInPlatform } from '../sign-in/settings';
import { ANONYMOUS_FOLDER, SERVICE_FOLDER } from '../sign-in/user-folder';

export type CallerKind = 'user' | 'service' | 'anonymous';

export interface Caller {
  kind: CallerKind;
  /** The key folder: a user folder, `service` or `anonymous`. */
  user: string;
  platform?: SignInPlatform;
  /** `<UPLOAD_KEY_PREFIX><user>/`: every key this caller gets starts with it. */
  keyPrefix: string;
  /** Whose counters a request goes to: the user, or the client IP for anonymous callers. */
  countAs: string;
  ip: string;
}

export interface CallerRules {
  keyPrefix: string;
  /** Undefined when no static tokens are configured. */
  authorizeToken?: Authorizer;
  sessions: SessionTokens;
  anonymousAllowed: boolean;
}

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;
/** header.payload.signature: a static token never has this shape (its check comes first anyway). */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** Key prefixes remembered per user folder, so a request builds no string; past this the map starts over. */
const MAX_REMEMBERED_PREFIXES = 10_000;

export const unauthorized = (anonymousAllowed: boolean) =>
  new ApiFailure(
    401,
    'Unauthorized',
    anonymousAllowed
      ? 'The bearer token is not valid here; sign in with POST /api/sessions, or send a valid token.'
      : 'This signer needs "Authorization: Bearer <token>": a session from POST /api/sessions, or a configured token.',
  );

/** Anonymous and service callers remembered per client address; past this the map starts over. */
const MAX_REMEMBERED_ADDRESSES = 10_000;

export function callerIdentifier(rules: CallerRules): {
  /**
   * The caller of an API route; ApiFailure 401 (thrown, or the promise rejected) when it may
   * not call it. Synchronous unless a session token must be verified: the ticket hot path
   * of an anonymous or token caller then costs no promise.
   */
  identify(req: IncomingMessage, ip: string, now: Date): Caller | Promise<Caller>;
  /** The caller of POST /api/sessions: nobody has a session yet, so only a static token counts. */
  identifyLogin(req: IncomingMessage, ip: string): Caller;
} {
  const anonymousPrefix = `${rules.keyPrefix}${ANONYMOUS_FOLDER}/`;
  const servicePrefix = `${rules.keyPrefix}${SERVICE_FOLDER}/`;
  // One frozen Caller per address and kind, reused by every request from it: no object
  // or counter-name string per request, and the audit log can keep its text per caller.
  const remembered = (make: (ip: string) => Caller) => {
    const byIp = new Map<string, Caller>();
    return (ip: string): Caller => {
      let caller = byIp.get(ip);
      if (caller === undefined) {
        if (byIp.size >= MAX_REMEMBERED_ADDRESSES) byIp.clear();
        caller = Object.freeze(make(ip));
        byIp.set(ip, caller);
      }
      return caller;
    };
  };
  // Counted by limitKeyOf: an IPv6 client by its /64, which it may pick any address from.
  const anonymous = remembered((ip) => ({ kind: 'anonymous', user: ANONYMOUS_FOLDER, keyPrefix: anonymousPrefix, countAs: `ip:${limitKeyOf(ip)}`, ip }));
  const service = remembered((ip) => ({ kind: 'service', user: SERVICE_FOLDER, keyPrefix: servicePrefix, countAs: `user:${SERVICE_FOLDER}`, ip }));
  const userPrefixes = new Map<string, string>();

  const signedIn = async (token: string, ip: string, now: Date): Promise<Caller> => {
    const session = await rules.sessions.verify(token, now);
    let keyPrefix = userPrefixes.get(session.user);
    if (keyPrefix === undefined) {
      if (userPrefixes.size >= MAX_REMEMBERED_PREFIXES) userPrefixes.clear();
      keyPrefix = `${rules.keyPrefix}${session.user}/`;
      userPrefixes.set(session.user, keyPrefix);
    }
    return { kind: 'user', user: session.user, platform: session.platform, keyPrefix, countAs: `user:${session.user}`, ip };
  };

  return {
    identify(req, ip, now) {
      const header = req.headers.authorization;
      if (header === undefined) {
        if (rules.anonymousAllowed) return anonymous(ip);
        throw unauthorized(false);
      }
      if (rules.authorizeToken?.(header)) return service(ip);
      const token = BEARER.exec(header)?.[1];
      if (token === undefined || !JWT_SHAPE.test(token)) throw unauthorized(rules.anonymousAllowed);
      return signedIn(token, ip, now);
    },

    identifyLogin(req, ip) {
      const header = req.headers.authorization;
      return header !== undefined && rules.authorizeToken?.(header) ? service(ip) : anonymous(ip);
    },
  };
}
