// POST /api/sessions {"platform":"wechat"|"alipay","code":"…"} → {token, expiresAt, user:{id}}.
// The code from wx.login / my.getAuthCode is exchanged with the platform (or, on the dev
// bucket without platform credentials, accepted by the dev login) for the platform's
// user id, which only ever leaves as the HMAC folder name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionResponse } from '../../../typings/ticket';
import { ApiFailure, sendJson } from '../api-error';
import type { Caller } from '../guard/caller';
import { checkJsonContentType, readJsonBody } from '../json-body';
import { SESSIONS_PATH } from '../../../miniprogram/shared/contract/index';

export { SESSIONS_PATH };
import { alipayExchange } from './alipay';
import type { SessionTokens } from './session-tokens';
import { SIGN_IN_PLATFORMS, type SignInPlatform, type SignInSettings } from './settings';
import { userFolder } from './user-folder';
import { wechatExchange, type CodeExchange } from './wechat';

/** WeChat's codes are 32 characters, Alipay's about the same; anything far longer is not a code. */
const MAX_CODE_LENGTH = 256;
const DEV_NAME = /^dev:([A-Za-z0-9._-]{1,64})$/;
/** Every dev login without a `dev:<name>` code is this one person, so history survives a relaunch. */
const DEV_LOCAL_USER = 'dev:local';

export interface SessionsDeps {
  settings: SignInSettings;
  sessions: SessionTokens;
  /** True when UPLOAD_AUTH_TOKENS is set: a dev login then needs one too (it is not a real identity). */
  tokensConfigured: boolean;
  now: () => Date;
  log: (line: string) => void;
  /** Replaces the platform exchanges (tests of the route alone). */
  exchanges?: Partial<Record<SignInPlatform, CodeExchange>>;
}

function checkRequest(body: unknown): { platform: SignInPlatform; code: string } {
  const { platform, code } = (typeof body === 'object' && body !== null ? body : {}) as { platform?: unknown; code?: unknown };
  if (typeof platform !== 'string' || !SIGN_IN_PLATFORMS.includes(platform as SignInPlatform)) {
    throw new ApiFailure(400, 'UnknownPlatform', 'Send {"platform":"wechat"|"alipay","code":"…"} with the code from wx.login or my.getAuthCode.');
  }
  if (typeof code !== 'string' || code.trim() === '') {
    throw new ApiFailure(400, 'InvalidCode', 'The login code is missing or empty; send the code from wx.login or my.getAuthCode.');
  }
  if (code.length > MAX_CODE_LENGTH || /[\u0000-\u001f\u007f]/.test(code)) {
    throw new ApiFailure(400, 'InvalidCode', 'That is not a login code from wx.login or my.getAuthCode.');
  }
  return { platform: platform as SignInPlatform, code };
}

function devLoginUser(code: string): string {
  if (code.startsWith('dev:')) {
    const name = DEV_NAME.exec(code)?.[1];
    if (name === undefined) throw new ApiFailure(400, 'InvalidCode', 'A dev login code is "dev:<name>" with 1-64 letters, digits, ".", "_" or "-".');
    return `dev:${name}`;
  }
  return DEV_LOCAL_USER;
}

export function sessionsRoute(deps: SessionsDeps): (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void> {
  const { settings } = deps;
  const exchanges: Partial<Record<SignInPlatform, CodeExchange>> = {
    ...(settings.wechat ? { wechat: wechatExchange(settings.wechat, deps.log) } : {}),
    ...(settings.alipay ? { alipay: alipayExchange(settings.alipay, deps.log) } : {}),
    ...deps.exchanges,
  };

  return async (req, res, caller) => {
    checkJsonContentType(req);
    const { platform, code } = checkRequest(await readJsonBody(req));
    let platformUserId: string;
    const exchange = exchanges[platform];
    if (exchange !== undefined) {
      platformUserId = await exchange(code);
    } else if (settings.devLogin.includes(platform)) {
      if (deps.tokensConfigured && caller.kind !== 'service') {
        throw new ApiFailure(401, 'Unauthorized', 'This signer has UPLOAD_AUTH_TOKENS set: the dev login needs "Authorization: Bearer <token>" too.');
      }
      platformUserId = devLoginUser(code);
    } else {
      throw new ApiFailure(400, 'PlatformNotConfigured', `This signer has no ${platform === 'wechat' ? 'WeChat' : 'Alipay'} sign-in configured.`);
    }
    const user = userFolder(settings.userIdSecret, platform, platformUserId);
    const now = deps.now();
    const { token, expiresAt } = await deps.sessions.issue(user, platform, now);
    const body: SessionResponse = { serverTime: now.toISOString(), token, expiresAt: expiresAt.toISOString(), user: { id: user } };
    sendJson(res, 200, body);
  };
}
