// The signed-in session: a login code from the platform (WeChat's login, Alipay's
// getAuthCode, through the Platform port) exchanged at POST /api/sessions for a short-lived token
// that every /api/* call sends as "Authorization: Bearer". Renewed silently, by a new
// login, shortly before it runs out or whenever the signer answers 401, so an upload in
// progress never fails because a session ended. A signer without sign-in for this
// platform (its JSON 404, or PlatformNotConfigured) is not asked again: the app works without a session.
import type { SessionRequest, SessionResponse } from '../../../typings/ticket';
import { problem } from './failure';
import type { PlatformName, Transport } from './ports';
import { errorFromResponse, errorFromTransport, SignerError } from './ticket-client';
import { SESSIONS_PATH } from '../contract/index';
import { realTimers, type Timers } from './stall-watchdog';

/** Renewed this long before the signer's expiry: a ticket request must not race the end. */
export const SESSION_RENEW_MARGIN_MS = 60_000;

/**
 * The platforms' silent login calls (WeChat's login, Alipay's getAuthCode) answer in well
 * under a second; one that has not answered by then never will. Every /api/* call waits
 * for the sign-in, so without a bound a lost callback would leave every file waiting for good.
 */
export const LOGIN_CODE_TIMEOUT_MS = 10_000;

export interface SessionKeeper {
  /** The current token (signing in first when needed), or undefined when the signer has no sign-in for us. */
  token(): Promise<string | undefined>;
  /** The signer refused `stale`: a new login, unless another call already replaced it. */
  renew(stale: string): Promise<string | undefined>;
}

export interface SessionOptions {
  signerUrl: string;
  transport: Transport;
  platform: PlatformName;
  loginCode: () => Promise<string>;
  /** Static token, for a dev login behind UPLOAD_AUTH_TOKENS. */
  authToken?: string;
  timeoutMs?: number;
  now: () => number;
  /** For the login code's time limit; tests pass a clock they move. */
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
}

interface Held {
  token: string;
  /** When it must be replaced, by the local clock. */
  renewAtMs: number;
}

function isSessionResponse(v: unknown): v is SessionResponse & { serverTime?: string } {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const user = s.user as Record<string, unknown> | undefined;
  return typeof s.token === 'string' && s.token !== '' && typeof s.expiresAt === 'string' && !Number.isNaN(Date.parse(s.expiresAt)) && typeof user?.id === 'string';
}

export function createSessionKeeper(options: SessionOptions): SessionKeeper {
  const base = options.signerUrl.replace(/\/+$/, '');
  /** False once the signer said it has no sign-in for us (an older signer, or none configured). */
  let supported = true;
  let held: Held | undefined;
  let signingIn: Promise<Held | undefined> | undefined;
  const timers = options.timers ?? realTimers;

  /** The platform's login code, or a rejection once LOGIN_CODE_TIMEOUT_MS passed without one; no timer outlives it. */
  function loginCodeInTime(): Promise<string> {
    let timer: unknown;
    const late = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => reject(new Error('no login code in time')), LOGIN_CODE_TIMEOUT_MS);
    });
    return Promise.race([options.loginCode(), late]).finally(() => timers.clearTimeout(timer));
  }

  async function post(path: string, body: unknown) {
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
    if (options.authToken) headers.Authorization = `Bearer ${options.authToken}`;
    const url = base + path;
    try {
      return await options.transport.request({ url, method: 'POST', headers, body: JSON.stringify(body), timeoutMs: options.timeoutMs });
    } catch (error) {
      // Worded as every other signer call: a timeout is a slow signer, not an unreachable one.
      throw errorFromTransport(error, url);
    }
  }

  /** A session, or undefined when the signer has no sign-in for this platform. */
  async function signIn(): Promise<Held | undefined> {
    // A code is single-use and lives minutes: one fresh code per attempt, a second attempt
    // only when the signer says the code itself was bad (used, or expired on the way).
    for (let attempt = 0; ; attempt++) {
      let code: string;
      try {
        code = await loginCodeInTime();
      } catch {
        throw new SignerError(problem('signIn', { code: 'LoginCodeUnavailable' }));
      }
      const sentAt = options.now();
      const request: SessionRequest = { platform: options.platform, code };
      const response = await post(SESSIONS_PATH, request);
      if (response.statusCode !== 200) {
        const error = errorFromResponse(response);
        // Only the signer itself (its JSON error) can say it has no sign-in: a proxy's or portal's
        // HTML 404 is a failed attempt, or sign-in would stay off for the rest of the app's life.
        if ((response.statusCode === 404 && error.problem.code !== undefined) || error.problem.code === 'PlatformNotConfigured') {
          supported = false;
          return undefined;
        }
        const codeProblem = error.problem.code === 'InvalidCode' || error.problem.code === 'CodeUsed';
        if (codeProblem && attempt === 0) continue;
        // Busy or rate limited: the engine waits what the signer asked; anything else is a failed sign-in.
        const { reason, status, code, retryAfterMs } = error.problem;
        if (reason === 'server' || reason === 'rateLimited') throw error;
        throw new SignerError(problem('signIn', { status, code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }));
      }
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        body = undefined;
      }
      if (!isSessionResponse(body)) throw new SignerError(problem('badResponse'));
      // The expiry is by the signer's clock; without its time, count the lifetime from when we asked.
      const serverNow = body.serverTime !== undefined ? Date.parse(body.serverTime) : NaN;
      const lifetimeMs = Date.parse(body.expiresAt) - (Number.isNaN(serverNow) ? sentAt : serverNow);
      const margin = Math.min(SESSION_RENEW_MARGIN_MS, lifetimeMs / 2);
      return { token: body.token, renewAtMs: sentAt + lifetimeMs - margin };
    }
  }

  function freshSession(): Promise<Held | undefined> {
    if (signingIn === undefined) signingIn = signIn().then(
      (session) => {
        held = session;
        signingIn = undefined;
        return session;
      },
      (error: unknown) => {
        signingIn = undefined;
        throw error;
      },
    );
    return signingIn;
  }

  return {
    async token() {
      if (held && options.now() < held.renewAtMs) return held.token;
      if (!supported) return undefined;
      return (await freshSession())?.token;
    },
    async renew(stale) {
      if (held && held.token !== stale && options.now() < held.renewAtMs) return held.token;
      if (held?.token === stale) held = undefined;
      if (!supported) return undefined;
      return (await freshSession())?.token;
    },
  };
}
