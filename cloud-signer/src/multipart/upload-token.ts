// The upload token: everything the signer must remember about one multipart upload,
// signed by the signer (HS256 JWT, via jose), so the signer keeps no state and any
// instance holding the same secret serves any step. Its audience keeps it apart from
// other tokens a shared UPLOAD_SESSION_SECRET may sign (sign-in sessions).
import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../api-error';

export interface UploadClaims {
  /** The store's multipart upload id. */
  uploadId: string;
  key: string;
  size: number;
  partSize: number;
  partCount: number;
  contentType: string;
  /** Who started it (see owner.ts); every later step must come from the same caller. */
  owner: string;
}

type Jose = typeof import('jose');
let loading: Promise<Jose> | undefined;
/** Loaded on first use, like the S3 SDK (s3-store.ts): under jsdom (the WeChat page tests) jose resolves to its browser build. */
const loadJose = (): Promise<Jose> => (loading ??= import('jose'));

const AUDIENCE = 'mini-direct-upload/multipart';
const ALGORITHM = 'HS256';

let processSecret: Uint8Array | undefined;

/** UPLOAD_SESSION_SECRET when set; otherwise one random secret for this process (tokens die with it). */
export function tokenKey(secret: string | undefined): Uint8Array {
  if (secret !== undefined) return new TextEncoder().encode(secret);
  processSecret ??= randomBytes(32);
  return processSecret;
}

export async function signUploadToken(claims: UploadClaims, key: Uint8Array, now: Date, expiresAt: Date): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALGORITHM })
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
}

function isClaims(payload: Record<string, unknown>): boolean {
  const text = (name: string) => typeof payload[name] === 'string' && payload[name] !== '';
  const whole = (name: string) => Number.isSafeInteger(payload[name]) && (payload[name] as number) >= 1;
  return text('uploadId') && text('key') && text('contentType') && text('owner') && whole('size') && whole('partSize') && whole('partCount');
}

/**
 * The claims of a token this signer issued to `owner`, still valid at `now`; an ApiFailure otherwise.
 * `expired: 'accepted'` (abort only): a genuine token past its expiry still names its upload, so the
 * app can give up an upload it can no longer finish and the store drops its parts, rather than
 * keeping them (and billing for them) until a lifecycle rule does.
 */
export async function verifyUploadToken(
  token: unknown,
  key: Uint8Array,
  owner: string,
  now: Date,
  { expired = 'refused' }: { expired?: 'refused' | 'accepted' } = {},
): Promise<UploadClaims> {
  if (typeof token !== 'string' || token === '' || token.length > 4096) {
    throw new ApiFailure(400, 'InvalidUploadToken', 'Send the "uploadToken" that POST /api/uploads answered.');
  }
  const jose = await loadJose();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jose.jwtVerify(token, key, { algorithms: [ALGORITHM], audience: AUDIENCE, currentDate: now }));
  } catch (error) {
    if (!(error instanceof jose.errors.JWTExpired)) {
      throw new ApiFailure(400, 'InvalidUploadToken', 'The upload token is not one this signer issued, or it was altered.');
    }
    // Claims are checked only once the signature is (jose's order): the payload is ours.
    if (expired === 'refused') throw new ApiFailure(410, 'UploadExpired', 'This upload has expired; start the file again.');
    payload = error.payload;
  }
  if (!isClaims(payload)) throw new ApiFailure(400, 'InvalidUploadToken', 'The upload token is not one this signer issued, or it was altered.');
  const claims = payload as unknown as UploadClaims;
  if (claims.owner !== owner) throw new ApiFailure(403, 'Forbidden', 'This upload was started by someone else.');
  return claims;
}
