// Alipay login: exchange the code from my.getAuthCode({scopes: 'auth_base'}) for the
// user's id with `alipay.system.oauth.token` (Alipay's document "换取授权访问令牌",
// grant_type=authorization_code) through the official alipay-sdk, which signs the
// request with the app's RSA2 key and here verifies the answer with Alipay's public key.
// The access token it returns is never used or kept: the user id is all a ticket needs.
import type { AlipaySdk as AlipaySdkClass } from 'alipay-sdk';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ApiFailure } from '../api-error';
import { ConfigError } from '../config';
import type { AlipaySettings } from './settings';
import type { CodeExchange } from './wechat';

const METHOD = 'alipay.system.oauth.token';
const TIMEOUT_MS = 5000;

interface OauthAnswer {
  userId?: unknown;
  openId?: unknown;
  code?: unknown;
  subCode?: unknown;
}

/** The sub_codes Alipay documents for a bad code, as the answers the app can act on. */
function failureFor(subCode: string): ApiFailure {
  if (subCode === 'isv.code-invalid' || subCode === 'isv.grant-type-invalid') {
    return new ApiFailure(400, 'InvalidCode', `Alipay says the login code is not valid or was already used (${subCode}); call my.getAuthCode again.`);
  }
  if (subCode === 'aop.ACQ.SYSTEM_ERROR' || subCode.endsWith('SYSTEM_ERROR') || subCode === 'isp.unknow-error') {
    return new ApiFailure(503, 'PlatformBusy', `Alipay is busy (${subCode}); try again in a moment.`, undefined, 1);
  }
  return new ApiFailure(502, 'PlatformError', `Alipay refused the login (${subCode}); check UPLOAD_ALIPAY_APPID and the keys.`);
}

const unavailable = () =>
  new ApiFailure(502, 'PlatformUnavailable', 'The signer could not get a verified answer from Alipay; try again in a moment.', undefined, 5);

/**
 * An error answer's signature is not checked: it grants nothing, and anyone able to forge
 * it could as well drop the connection. Every success is verified before it is believed.
 */
function errorAnswerOf(raw: unknown): { subCode: string } | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Record<string, { sub_code?: unknown } | undefined>;
    const body = parsed.error_response ?? parsed[`${METHOD.replaceAll('.', '_')}_response`];
    return typeof body?.sub_code === 'string' ? { subCode: body.sub_code } : undefined;
  } catch {
    return undefined;
  }
}

/** Returns Alipay's user id (or open_id for apps on the newer id scheme) for a login code. */
export function alipayExchange(settings: AlipaySettings, log: (line: string) => void): CodeExchange {
  // Loaded only when Alipay sign-in is configured: the SDK pulls in crypto-js, urllib and more.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AlipaySdk } = require('alipay-sdk') as { AlipaySdk: typeof AlipaySdkClass };
  const sdk = new AlipaySdk({
    appId: settings.appId,
    privateKey: settings.privateKey,
    alipayPublicKey: settings.alipayPublicKey,
    keyType: settings.keyType,
    gateway: settings.gateway,
    timeout: TIMEOUT_MS,
  });
  checkKeys(sdk, settings, AlipaySdk);
  return async (code) => {
    let answer: OauthAnswer;
    try {
      answer = (await sdk.exec(METHOD, { grant_type: 'authorization_code', code }, { validateSign: true })) as OauthAnswer;
    } catch (error) {
      const refusal = errorAnswerOf((error as { responseDataRaw?: unknown }).responseDataRaw);
      if (refusal !== undefined) throw failureFor(refusal.subCode);
      // A failed verification's message quotes the answer (with its access token): cut that off.
      log(`signer: Alipay ${METHOD} failed: ${(error as Error).message.replace(/,? *validateStr[\s\S]*$/, '').slice(0, 200)}`);
      throw unavailable();
    }
    if (typeof answer.subCode === 'string') throw failureFor(answer.subCode);
    const id = typeof answer.userId === 'string' && answer.userId !== '' ? answer.userId : answer.openId;
    if (typeof id !== 'string' || id === '') {
      log(`signer: Alipay ${METHOD} answered without user_id or open_id`);
      throw unavailable();
    }
    return id;
  };
}

/**
 * The keys as the SDK will use them (it re-wraps them in the PEM armour of the key type),
 * checked before the signer listens: one it cannot read would fail every login as a 502
 * "try again in a moment", its log saying only "DECODER routines::unsupported". Named by
 * variable, never quoted.
 */
function checkKeys(sdk: AlipaySdkClass, settings: AlipaySettings, AlipaySdk: typeof AlipaySdkClass): void {
  const formatted = sdk.config as unknown as { privateKey: string; alipayPublicKey?: string };
  const readable = (pem: string) => {
    try {
      createPrivateKey(pem);
      return true;
    } catch {
      return false;
    }
  };
  if (!readable(formatted.privateKey)) {
    const other = settings.keyType === 'PKCS1' ? 'PKCS8' : 'PKCS1';
    const asOther = new AlipaySdk({ appId: settings.appId, privateKey: settings.privateKey, keyType: other }).config as unknown as { privateKey: string };
    throw new ConfigError(
      readable(asOther.privateKey)
        ? `UPLOAD_ALIPAY_PRIVATE_KEY is a ${other} key, not ${settings.keyType}: set UPLOAD_ALIPAY_KEY_TYPE=${other}.`
        : 'UPLOAD_ALIPAY_PRIVATE_KEY is not an RSA private key the signer can read: paste the app private key from the Alipay key tool ' +
            '(PEM, or its one-line body; in .env write line breaks as \\n), with UPLOAD_ALIPAY_KEY_TYPE=PKCS8 for its PKCS8 keys.',
    );
  }
  try {
    createPublicKey(formatted.alipayPublicKey ?? '');
  } catch {
    throw new ConfigError(
      'UPLOAD_ALIPAY_PUBLIC_KEY is not a public key the signer can read: paste the Alipay public key (支付宝公钥) the open platform shows, PEM or its one-line body.',
    );
  }
}
