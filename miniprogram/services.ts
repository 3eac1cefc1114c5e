// Builds the app's long-lived objects once, when a page first needs them (never
// at import time, so tests and DevTools can load any module freely). Tests
// inject their own with setServices().
// The shared builder (app-services.ts, also used by Alipay) does the work; this file
// only picks the WeChat adapter.
import { buildAppServices, type AppServiceOptions, type AppServices } from './shared/ui/index';
import { createWechatPlatform, type WechatPlatform } from './platform/wechat';
import type { SignTicket } from './shared/core/index';

export type Services = AppServices<WechatPlatform>;

export interface ServiceOverrides extends AppServiceOptions<WechatPlatform> {
  platform?: WechatPlatform;
}

/**
 * signing: 'client' only: crypto-js and the dialects, required on first use so the
 * default app never touches miniprogram_npm (which exists only after `npm run pack:mp`).
 */
function loadClientSigner(): SignTicket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./shared/signing/crypto-js/index') as { signWithCryptoJs: SignTicket }).signWithCryptoJs;
}

export function buildServices(overrides: ServiceOverrides = {}): Services {
  return buildAppServices(overrides.platform ?? createWechatPlatform(), { loadClientSigner, ...overrides });
}

let current: Services | undefined;

export function getServices(): Services {
  if (!current) current = buildServices();
  return current;
}

/** Tests: replace (or with undefined, forget) the app's services. */
export function setServices(services: Services | undefined): void {
  current = services;
}
