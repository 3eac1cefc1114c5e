// A loopback stand-in for WeChat's code2Session (WeChat document "小程序登录 / code2Session":
// GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code → openid,
// session_key, unionid; errors as {errcode, errmsg} with HTTP 200: -1 busy, 40029 invalid
// code, 40163 code already used, 45011 rate limited). Codes are single-use, as WeChat's are.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const WECHAT_APPID = 'wx0123456789abcdef';
export const WECHAT_SECRET = 'wechat-app-secret-never-leaves-the-signer';
/** A session_key as WeChat returns it: the signer must never pass it on. */
export const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ==';

export interface WechatLoginStandIn {
  /** What UPLOAD_WECHAT_API_BASE is set to. */
  apiBase: string;
  /** Login codes the stand-in accepts, each once, mapped to the openid it stands for. */
  codes: Map<string, string>;
  /** Codes answered with this errcode whatever else they are (-1, 40029, 45011…). */
  failing: Map<string, number>;
  /** Every query the stand-in received. */
  calls: URLSearchParams[];
  close(): Promise<void>;
}

const reply = (res: http.ServerResponse, body: object) => {
  // WeChat answers errors with HTTP 200 and text/plain JSON.
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(JSON.stringify(body));
};

/** `pathPrefix`: served under it too, as behind a proxy (UPLOAD_WECHAT_API_BASE=https://proxy/wx). */
export async function startWechatLogin(pathPrefix = ''): Promise<WechatLoginStandIn> {
  const codes = new Map<string, string>();
  const failing = new Map<string, number>();
  const used = new Set<string>();
  const calls: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname !== `${pathPrefix}/sns/jscode2session` || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const q = url.searchParams;
    calls.push(q);
    if (q.get('appid') !== WECHAT_APPID || q.get('secret') !== WECHAT_SECRET) {
      reply(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      return;
    }
    if (q.get('grant_type') !== 'authorization_code') {
      reply(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const code = q.get('js_code') ?? '';
    const errcode = failing.get(code);
    if (errcode !== undefined) {
      reply(res, { errcode, errmsg: errcode === -1 ? 'system error' : 'error' });
      return;
    }
    if (used.has(code)) {
      reply(res, { errcode: 40163, errmsg: 'code been used' });
      return;
    }
    const openid = codes.get(code);
    if (openid === undefined) {
      reply(res, { errcode: 40029, errmsg: 'invalid code' });
      return;
    }
    used.add(code);
    reply(res, { openid, session_key: SESSION_KEY, unionid: `union-${openid}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}${pathPrefix}`,
    codes,
    failing,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
