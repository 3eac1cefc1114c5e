// Session tokens: a JWT (HS256, jose) naming the user folder and the platform, valid
// UPLOAD_SESSION_TTL_SECONDS. Stateless, so any signer holding the same
// UPLOAD_SESSION_SECRET accepts any other's tokens and nothing needs storing per session.
//
// A verified token is remembered (bounded) so the ticket hot path pays one Map lookup
// instead of an HMAC and a JSON parse per request; the expiry is still checked each time.
import { errors, jwtVerify, SignJWT } from 'jose';
import { ApiFailure } from '../api-error';
import type { SignInPlatform } from './settings';

export interface Session {
  /** The user's folder name (see user-folder.ts): never a raw platform id. */
  user: string;
  platform: SignInPlatform;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface SessionTokens {
  issue(user: string, platform: SignInPlatform, now: Date): Promise<{ token: string; expiresAt: Date }>;
  /** The session a token stands for; ApiFailure 401 InvalidSession / SessionExpired otherwise. */
  verify(token: string, now: Date): Promise<Session>;
}

const ISSUER = 'mini-direct-upload-signer';
const AUDIENCE = 'mini-direct-upload-app';
/** Enough for every active user of a busy day; past it the cache starts over (tokens stay valid). */
const MAX_REMEMBERED = 10_000;

const invalid = () =>
  new ApiFailure(401, 'InvalidSession', 'The session token is not valid here; sign in again (POST /api/sessions).');
const expired = () => new ApiFailure(401, 'SessionExpired', 'The session has expired; sign in again (POST /api/sessions).');

export function sessionTokens(secret: Uint8Array, ttlSeconds: number): SessionTokens {
  const remembered = new Map<string, Session>();

  return {
    async issue(user, platform, now) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = issuedAt + ttlSeconds;
      const token = await new SignJWT({ plt: platform })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(secret);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },

    async verify(token, now) {
      const seconds = now.getTime() / 1000;
      const known = remembered.get(token);
      if (known !== undefined) {
        if (known.expiresAt <= seconds) throw expired();
        return known;
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: now,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw error instanceof errors.JWTExpired ? expired() : invalid();
      }
      const platform = payload.plt;
      if (typeof payload.sub !== 'string' || (platform !== 'wechat' && platform !== 'alipay')) throw invalid();
      const session: Session = { user: payload.sub, platform, expiresAt: payload.exp! };
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(token, session);
      return session;
    },
  };
}
