// A loopback stand-in for the Alipay OpenAPI gateway, for `alipay.system.oauth.token`
// (Alipay documents "换取授权访问令牌" and "自行实现签名": every common and business
// parameter but `sign`, sorted by name, joined as k=v with &, signed RSA-SHA256 with the
// app's private key; the answer `{"<method>_response":{…},"sign":"…"}` is signed by
// Alipay over the exact JSON text of the response object). It verifies each request with
// the app's public key and signs each answer with its own key pair, generated per test
// run and never written anywhere.
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const ALIPAY_APPID = '2021000000000001';

export interface RsaPair {
  privatePem: string;
  publicPem: string;
}

/** A fresh 2048-bit pair: PKCS1 private key (the SDK's default keyType), SPKI public key. */
export function rsaPair(): RsaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface AlipayGatewayStandIn {
  /** What UPLOAD_ALIPAY_GATEWAY is set to. */
  gateway: string;
  /** The app's pair: its private key goes to the signer, the stand-in checks with the public one. */
  app: RsaPair;
  /** Alipay's pair: the signer gets the public key to verify answers. */
  alipay: RsaPair;
  /** Auth codes accepted, each once, mapped to the user_id. */
  codes: Map<string, string>;
  /** Sign answers with this key instead (a forged answer). */
  signAnswersWith?: string;
  /** Every request's parameters, and whether its signature was valid. */
  calls: { params: Record<string, string>; signatureValid: boolean }[];
  close(): Promise<void>;
}

const METHOD = 'alipay.system.oauth.token';
const RESPONSE_KEY = 'alipay_system_oauth_token_response';

function signContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export async function startAlipayGateway(): Promise<AlipayGatewayStandIn> {
  const standIn: AlipayGatewayStandIn = {
    gateway: '',
    app: rsaPair(),
    alipay: rsaPair(),
    codes: new Map(),
    calls: [],
    close: async () => undefined,
  };
  const used = new Set<string>();
  const answer = (res: http.ServerResponse, key: string, body: object) => {
    const inner = JSON.stringify(body);
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(standIn.signAnswersWith ?? standIn.alipay.privatePem, 'base64');
    res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' });
    res.end(`{"${key}":${inner},"sign":"${sign}"}`);
  };
  const refuse = (res: http.ServerResponse, subCode: string, subMsg: string) =>
    answer(res, 'error_response', { code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const params: Record<string, string> = {};
      url.searchParams.forEach((v, k) => (params[k] = v));
      new URLSearchParams(Buffer.concat(chunks).toString('utf8')).forEach((v, k) => (params[k] = v));
      const signatureValid =
        typeof params.sign === 'string' &&
        createVerify('RSA-SHA256').update(signContent(params), 'utf8').verify(standIn.app.publicPem, params.sign, 'base64');
      standIn.calls.push({ params, signatureValid });
      if (url.pathname !== '/gateway.do') {
        res.writeHead(404).end();
        return;
      }
      if (params.app_id !== ALIPAY_APPID) return refuse(res, 'isv.invalid-app-id', '无效的AppID参数');
      if (params.sign_type !== 'RSA2' || !signatureValid) return refuse(res, 'isv.invalid-signature', '验签出错');
      if (params.method !== METHOD || params.grant_type !== 'authorization_code') return refuse(res, 'isv.invalid-method', '不存在的方法名');
      const userId = standIn.codes.get(params.code ?? '');
      if (userId === undefined || used.has(params.code)) return refuse(res, 'isv.code-invalid', '授权码code无效');
      used.add(params.code);
      answer(res, RESPONSE_KEY, {
        user_id: userId,
        access_token: 'authusrB-access-token-stays-on-the-signer',
        expires_in: 1296000,
        refresh_token: 'authusrB-refresh-token',
        re_expires_in: 2592000,
        auth_start: '2026-11-22 10:00:00',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  standIn.gateway = `http://127.0.0.1:${port}/gateway.do`;
  standIn.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return standIn;
}
