// The Alipay app's long-lived objects, built once when a page first needs them
// (never at import time). The shared builder does the work; this file only picks
// the Alipay adapter. Tests inject their own with setServices().
import { buildAppServices, type AppServiceOptions, type AppServices } from './shared/miniprogram/shared/ui/index';
import { createAlipayPlatform, type AlipayPlatform } from './platform/alipay';

export type Services = AppServices<AlipayPlatform>;

export function buildServices(options: AppServiceOptions<AlipayPlatform> & { platform?: AlipayPlatform } = {}): Services {
  return buildAppServices(options.platform ?? createAlipayPlatform(), options);
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
