// WeChat login: exchange the code from wx.login for the user's openid at
// `GET {apiBase}/sns/jscode2session` (WeChat's document "小程序登录 / code2Session":
// appid, secret, js_code, grant_type=authorization_code → openid, session_key, unionid).
// session_key and the secret stay here; only the openid is used, and only through an HMAC.
import { ApiFailure } from '../api-error';
import type { WechatSettings } from './settings';

/** WeChat answers in well under a second; a hung call must not hold a launch forever. */
const TIMEOUT_MS = 5000;

interface Code2SessionAnswer {
  openid?: unknown;
  errcode?: unknown;
  errmsg?: unknown;
}

/** The errcodes code2Session documents, as the answers the app can act on. */
function failureFor(errcode: number): ApiFailure {
  switch (errcode) {
    case 40029:
      return new ApiFailure(400, 'InvalidCode', 'WeChat says the login code is not valid (40029); call wx.login again for a fresh code.');
    case 40163:
      return new ApiFailure(400, 'CodeUsed', 'WeChat says the login code was already used (40163); call wx.login again for a fresh code.');
    case 45011:
      return new ApiFailure(429, 'PlatformRateLimited', 'WeChat limits logins to 100 a minute per user (45011); try again in a minute.', undefined, 60);
    case -1:
      return new ApiFailure(503, 'PlatformBusy', 'WeChat is busy (-1); try again in a moment.', undefined, 1);
    default:
      return new ApiFailure(502, 'PlatformError', `WeChat refused the login (errcode ${errcode}); check UPLOAD_WECHAT_APPID and UPLOAD_WECHAT_SECRET.`);
  }
}

const unavailable = () =>
  new ApiFailure(502, 'PlatformUnavailable', 'The signer could not reach WeChat to check the login; try again in a moment.', undefined, 5);

export type CodeExchange = (code: string) => Promise<string>;

/** Returns the openid for a login code, or throws ApiFailure with a specific code. */
export function wechatExchange(settings: WechatSettings, log: (line: string) => void): CodeExchange {
  return async (code) => {
    // Relative, so a proxy's path in UPLOAD_WECHAT_API_BASE (https://proxy.example.com/wx) is kept.
    const url = new URL('sns/jscode2session', settings.apiBase.replace(/\/*$/, '/'));
    url.search = new URLSearchParams({
      appid: settings.appId,
      secret: settings.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    let answer: Code2SessionAnswer;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      answer = (await response.json()) as Code2SessionAnswer;
    } catch (error) {
      // The URL holds the secret: log the reason only.
      log(`signer: WeChat code2Session failed: ${(error as Error).message}`);
      throw unavailable();
    }
    if (typeof answer.errcode === 'number' && answer.errcode !== 0) throw failureFor(answer.errcode);
    if (typeof answer.openid !== 'string' || answer.openid === '') {
      log('signer: WeChat code2Session answered without an openid');
      throw unavailable();
    }
    return answer.openid;
  };
}
