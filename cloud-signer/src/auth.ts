// Bearer-token check for /api/*. Tokens are compared through their SHA-256 digests with
// timingSafeEqual, so neither a token's content nor its length leaks through timing,
// and every configured token is tried so the position of a match does not leak either.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Authorizer = (authorizationHeader: string | undefined) => boolean;

const BEARER_PREFIX = /^Bearer[ ]+/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Returns undefined when no tokens are configured: every request is then allowed. */
export function createAuthorizer(tokens: readonly string[]): Authorizer | undefined {
  if (tokens.length === 0) return undefined;
  const expected = tokens.map(digest);
  return (header) => {
    if (header === undefined) return false;
    const prefix = BEARER_PREFIX.exec(header);
    if (prefix === null) return false;
    const presented = digest(header.slice(prefix[0].length).trim());
    let matched = false;
    for (const candidate of expected) {
      if (timingSafeEqual(candidate, presented)) matched = true;
    }
    return matched;
  };
}

/** Loopback names and addresses: a signer bound there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  return (
    lower === 'localhost' ||
    lower === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(lower) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(lower)
  );
}

export interface ExposureSettings {
  host: string;
  authTokens: readonly string[];
  allowUnauthenticated: boolean;
}

/**
 * Why the signer must not start, or undefined when it may. Without tokens anyone who
 * can reach the port gets upload tickets, so only loopback is safe unless the operator
 * says explicitly that this is a LAN debugging setup.
 */
export function exposureRefusal(settings: ExposureSettings): string | undefined {
  if (settings.authTokens.length > 0 || settings.allowUnauthenticated || isLoopbackHost(settings.host)) {
    return undefined;
  }
  return (
    `Refusing to listen on ${settings.host} without UPLOAD_AUTH_TOKENS: anyone on the network could get upload tickets. ` +
    `Set UPLOAD_AUTH_TOKENS=<token>[,<token>...], or for LAN debugging with a phone set UPLOAD_ALLOW_UNAUTHENTICATED=true, ` +
    `or listen on 127.0.0.1.`
  );
}

/**
 * The dev bucket console lists every object (and signs links to them on a private
 * bucket) with no token. Once tokens are configured the signer may face a network,
 * so the console is then shown only to this machine.
 */
export function consoleVisibleTo(remoteAddress: string | undefined, tokensConfigured: boolean): boolean {
  return !tokensConfigured || (remoteAddress !== undefined && isLoopbackHost(remoteAddress));
}
