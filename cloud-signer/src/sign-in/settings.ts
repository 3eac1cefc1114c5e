// Sign-in settings from the environment: which platforms exchange login codes, how
// session tokens are signed, and who may ask for tickets without a session. Like the
// rest of the configuration, a bad value stops the signer with one sentence naming the
// variable; secrets are never repeated back.
import { randomBytes } from 'node:crypto';
import { baseUrl, boolean, ConfigError, integer, read, type Env } from '../config';

export type SignInPlatform = 'wechat' | 'alipay';
export const SIGN_IN_PLATFORMS: readonly SignInPlatform[] = ['wechat', 'alipay'];

export interface WechatSettings {
  appId: string;
  secret: string;
  /** https://api.weixin.qq.com unless a stand-in (tests) or a proxy is named. */
  apiBase: string;
}

export interface AlipaySettings {
  appId: string;
  /** The application's private key (PEM, or the one-line body the Alipay console shows). */
  privateKey: string;
  /** Alipay's public key, to verify every answer of the gateway. */
  alipayPublicKey: string;
  keyType: 'PKCS1' | 'PKCS8';
  gateway: string;
}

export interface SignInSettings {
  wechat?: WechatSettings;
  alipay?: AlipaySettings;
  /**
   * Platforms whose login codes are accepted without asking the platform: the dev bucket's
   * stand-in for people with no appid (any code is one local user; `dev:<name>` names others).
   */
  devLogin: SignInPlatform[];
  /** HS256 key of session tokens. */
  sessionSecret: Uint8Array;
  /** True when UPLOAD_SESSION_SECRET was not set: tokens die with the process. */
  ephemeralSessionSecret: boolean;
  sessionTtlSeconds: number;
  /** Key of the HMAC that turns a platform user id into the folder name in object keys. */
  userIdSecret: string;
  /** UPLOAD_ALLOW_ANONYMOUS=true: tickets without a session, counted per client IP. */
  allowAnonymous: boolean;
}

export const SIGN_IN_DEFAULTS = {
  sessionTtlSeconds: 2 * 3600,
  wechatApiBase: 'https://api.weixin.qq.com',
  alipayGateway: 'https://openapi.alipay.com/gateway.do',
  /**
   * Public on purpose: without UPLOAD_USER_ID_SECRET the folder names are still stable and
   * never show an openid, but whoever knows an openid could compute its folder. Production
   * sets the secret (and never rotates it: every user's folder would change).
   */
  userIdSecret: 'mini-direct-upload user folders v1',
} as const;

/** 256 bits, as RFC 7518 asks of an HS256 key. */
export const MIN_SESSION_SECRET_LENGTH = 32;
const MAX_SESSION_TTL_SECONDS = 7 * 24 * 3600;

/** A PEM pasted into .env usually arrives with literal "\n" between its lines. */
function pem(raw: string): string {
  return raw.replace(/\\n/g, '\n');
}

function pair(env: Env, names: string[], what: string): string[] | undefined {
  const values = names.map((name) => read(env, name));
  if (values.every((v) => v === undefined)) return undefined;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`${what} needs ${names.join(', ')} together; ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing.`);
  }
  return values as string[];
}

function wechat(env: Env): WechatSettings | undefined {
  const values = pair(env, ['UPLOAD_WECHAT_APPID', 'UPLOAD_WECHAT_SECRET'], 'WeChat sign-in');
  if (values === undefined) return undefined;
  return { appId: values[0], secret: values[1], apiBase: baseUrl(env, 'UPLOAD_WECHAT_API_BASE') ?? SIGN_IN_DEFAULTS.wechatApiBase };
}

function alipay(env: Env): AlipaySettings | undefined {
  const values = pair(env, ['UPLOAD_ALIPAY_APPID', 'UPLOAD_ALIPAY_PRIVATE_KEY', 'UPLOAD_ALIPAY_PUBLIC_KEY'], 'Alipay sign-in');
  if (values === undefined) return undefined;
  const keyType = (read(env, 'UPLOAD_ALIPAY_KEY_TYPE') ?? 'PKCS1').toUpperCase();
  if (keyType !== 'PKCS1' && keyType !== 'PKCS8') {
    throw new ConfigError(`UPLOAD_ALIPAY_KEY_TYPE must be PKCS1 or PKCS8 (got "${keyType}").`);
  }
  const gateway = read(env, 'UPLOAD_ALIPAY_GATEWAY') === undefined ? SIGN_IN_DEFAULTS.alipayGateway : baseUrl(env, 'UPLOAD_ALIPAY_GATEWAY')!;
  return { appId: values[0], privateKey: pem(values[1]), alipayPublicKey: pem(values[2]), keyType, gateway };
}

function sessionSecret(env: Env): { secret: Uint8Array; ephemeral: boolean } {
  const raw = read(env, 'UPLOAD_SESSION_SECRET');
  if (raw === undefined) {
    if (read(env, 'UPLOAD_REDIS_URL') !== undefined) {
      throw new ConfigError(
        'UPLOAD_REDIS_URL is set, so several signers may share the work: set UPLOAD_SESSION_SECRET (the same on every signer, ' +
          `at least ${MIN_SESSION_SECRET_LENGTH} characters, e.g. from "openssl rand -hex 32") so each accepts the others' session tokens.`,
      );
    }
    // A plain Uint8Array, not a Buffer: jose checks instanceof Uint8Array, which fails across realms (jsdom tests).
    return { secret: new Uint8Array(randomBytes(32)), ephemeral: true };
  }
  if (raw.length < MIN_SESSION_SECRET_LENGTH) {
    throw new ConfigError(`UPLOAD_SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters (e.g. from "openssl rand -hex 32").`);
  }
  return { secret: new Uint8Array(Buffer.from(raw, 'utf8')), ephemeral: false };
}

/** `local` is the only provider with a dev login: a cloud bucket never gets uploads from made-up users. */
export function loadSignInSettings(env: Env, provider: string): SignInSettings {
  const wechatSettings = wechat(env);
  const alipaySettings = alipay(env);
  const devLogin = provider === 'local' ? SIGN_IN_PLATFORMS.filter((p) => (p === 'wechat' ? !wechatSettings : !alipaySettings)) : [];
  const { secret, ephemeral } = sessionSecret(env);
  return {
    ...(wechatSettings ? { wechat: wechatSettings } : {}),
    ...(alipaySettings ? { alipay: alipaySettings } : {}),
    devLogin,
    sessionSecret: secret,
    ephemeralSessionSecret: ephemeral,
    sessionTtlSeconds: integer(env, 'UPLOAD_SESSION_TTL_SECONDS', SIGN_IN_DEFAULTS.sessionTtlSeconds, 60, MAX_SESSION_TTL_SECONDS, 'seconds'),
    userIdSecret: read(env, 'UPLOAD_USER_ID_SECRET') ?? SIGN_IN_DEFAULTS.userIdSecret,
    allowAnonymous: boolean(env, 'UPLOAD_ALLOW_ANONYMOUS'),
  };
}

/** Platforms a login code is accepted for, really or by the dev login. */
export function signInPlatforms(settings: SignInSettings): SignInPlatform[] {
  return SIGN_IN_PLATFORMS.filter((p) => settings[p] !== undefined || settings.devLogin.includes(p));
}
