// Builds the app's long-lived objects once, when a page first needs them (never
// at import time, so tests and DevTools can load any module freely). Tests
// inject their own with setServices().
import { appConfig, type AppConfig } from './config';
import { createUploadEngine } from './core/engine';
import { createUploadHistory, historyEntryFrom, type UploadHistory } from './core/history';
import type { UploadEngineApi } from './core/types';
import { uiMessages, type UiMessages } from './i18n';
import { createWechatPlatform, type WechatPlatform } from './platform/wechat';

export interface Services {
  config: AppConfig;
  platform: WechatPlatform;
  engine: UploadEngineApi;
  history: UploadHistory;
  messages: UiMessages;
}

export interface ServiceOverrides {
  config?: AppConfig;
  platform?: WechatPlatform;
  /** Builds the engine; tests pass a fake or a real engine over a scripted transport. */
  createEngine?: (platform: WechatPlatform, config: AppConfig) => UploadEngineApi;
  now?: () => number;
}

export function buildServices(overrides: ServiceOverrides = {}): Services {
  const config = overrides.config ?? appConfig;
  const platform = overrides.platform ?? createWechatPlatform();
  const now = overrides.now ?? (() => Date.now());
  const lang = platform.language();
  const engine = overrides.createEngine
    ? overrides.createEngine(platform, config)
    : createUploadEngine({
        signerUrl: config.signerUrl,
        transport: platform,
        lang,
        concurrency: config.concurrency,
        authToken: config.authToken,
      });
  const history = createUploadHistory(platform.storage);
  // Recorded here rather than in a page so an upload that finishes while another
  // page is showing still lands in the history, exactly once.
  engine.on('settled', (item) => {
    const entry = historyEntryFrom(item, now);
    if (entry) history.add(entry);
  });
  return { config, platform, engine, history, messages: uiMessages(lang) };
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
