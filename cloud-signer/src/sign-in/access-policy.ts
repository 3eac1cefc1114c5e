// Who may get tickets, decided once at startup. Secure by default: a real bucket needs
// sign-in, static tokens, or an explicit "anyone may upload"; the dev bucket answers
// anonymous callers and a dev login on this machine only, unless told otherwise.
import { exposureRefusal, isLoopbackHost } from '../auth';
import type { Config } from '../config';

type AccessFacts = Pick<Config, 'provider' | 'host' | 'authTokens' | 'allowUnauthenticated' | 'signIn'>;

/** Tickets without a session or token (keys under `anonymous/`, counted per client IP). */
export function anonymousAllowed(config: AccessFacts): boolean {
  if (config.signIn.allowAnonymous) return true;
  // With tokens configured every caller has to present something, as before sign-in existed.
  if (config.authTokens.length > 0) return false;
  return config.provider === 'local' && (isLoopbackHost(config.host) || config.allowUnauthenticated);
}

/** Why the signer must not start with this configuration, or undefined when it may. */
export function startupRefusal(config: AccessFacts): string | undefined {
  const { signIn } = config;
  if (config.provider !== 'local') {
    const guarded = signIn.wechat !== undefined || signIn.alipay !== undefined || config.authTokens.length > 0 || signIn.allowAnonymous;
    if (!guarded) {
      return (
        `Refusing to start: with UPLOAD_PROVIDER=${config.provider} anyone who reaches the signer would get tickets for your bucket. ` +
        'Configure sign-in (UPLOAD_WECHAT_APPID and UPLOAD_WECHAT_SECRET, or UPLOAD_ALIPAY_APPID, UPLOAD_ALIPAY_PRIVATE_KEY and UPLOAD_ALIPAY_PUBLIC_KEY), ' +
        'or UPLOAD_AUTH_TOKENS for server-to-server callers, or set UPLOAD_ALLOW_ANONYMOUS=true if anyone may upload on purpose.'
      );
    }
    return undefined;
  }
  const refusal = exposureRefusal(config);
  if (refusal === undefined || signIn.devLogin.length === 0) return refusal;
  return `${refusal} (The dev login, UPLOAD_PROVIDER=local without platform credentials, would also sign anyone in as a local user.)`;
}
