// Opens a page of the real mini program in miniprogram-simulate, with the real
// services (WeChat adapter + real engine) over the scripted `wx`. Each open starts
// from a fresh module registry (jest.resetModules): the simulator requires the page
// again, and everything the test injects comes from that same registry, so
// `instanceof` checks and module state match what the page sees.
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { Services } from '../../miniprogram/services';
import { installScriptedWx, type ScriptedWx } from './scripted-wx';

export const MINIPROGRAM = path.resolve(__dirname, '../../miniprogram');
export const SIGNER_URL = 'http://127.0.0.1:3999';
/** The pages' clock, pinned (local time, any zone): photos picked now read "照片 1 · 今天 10:03". */
export const PAGE_NOW = new Date(2026, 10, 22, 10, 3).getTime();

export type Rendered = ReturnType<typeof simulate.render>;

export interface OpenPage {
  page: Rendered;
  wx: ScriptedWx;
  services: Services;
  /** The page's own methods (lifecycles are ours to call in the simulator). */
  instance: Record<string, any>;
  close(): void;
}

export async function openPage(pagePath: string, options: { language?: string; concurrency?: number; now?: () => number; before?: (wx: ScriptedWx) => void; retryDelays?: number[] } = {}): Promise<OpenPage> {
  jest.resetModules();
  const wx = installScriptedWx();
  if (options.language) {
    const target = (globalThis as any).wx;
    target.getAppBaseInfo = () => ({ SDKVersion: '3.5.0', language: options.language });
  }
  options.before?.(wx);
  const servicesModule: typeof import('../../miniprogram/services') = require('../../miniprogram/services');
  const engineModule: typeof import('../../miniprogram/shared/core/engine') = require('../../miniprogram/shared/core/engine');
  const services = servicesModule.buildServices({
    config: { signerUrl: SIGNER_URL, concurrency: options.concurrency ?? 3, authToken: '' },
    now: options.now ?? (() => PAGE_NOW),
    // No automatic retries unless asked: a failure shows at once and the retry button is the test's to tap.
    createEngine: (platform, config) =>
      engineModule.createUploadEngine({
        signerUrl: config.signerUrl,
        transport: platform,
        lang: platform.language(),
        concurrency: config.concurrency,
        // A pinned clock is the engine's too, as the app's one clock is: a retry's countdown is its time against the page's.
        ...(options.now ? { now: options.now } : {}),
        retry: { delays: options.retryDelays ?? [] },
        // Uploads in parts are remembered where the app remembers them (for 继续上传).
        storage: platform.storage,
      }),
  });
  servicesModule.setServices(services);
  const id = simulate.load(path.join(MINIPROGRAM, pagePath), { rootPath: MINIPROGRAM });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  const instance = page.instance as unknown as Record<string, any>;
  await instance.onLoad();
  instance.onShow?.();
  return {
    page,
    wx,
    services,
    instance,
    close: () => {
      instance.onUnload?.();
      page.detach();
      servicesModule.setServices(undefined);
      wx.restore();
    },
  };
}

/** The trimmed text of a rendered node (or '' when it is not rendered). */
export const textOf = (node: { dom?: unknown } | undefined): string =>
  ((node?.dom as HTMLElement | undefined)?.textContent ?? '').trim();

/** Whether the rendered element carries a class (the simulator prefixes classes with the component's tag). */
export const hasClass = (node: { dom?: unknown } | undefined, name: string): boolean =>
  ((node?.dom as HTMLElement | undefined)?.className ?? '').split(/\s+/).some((c) => c.endsWith(`--${name}`));

export function tap(page: Rendered, selector: string): void {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`${selector} is not rendered`);
  node.dispatchEvent('tap');
}
