// What the pages need from a platform on top of the engine's Platform: a confirm
// dialog and the page/tab titles (set at runtime so they follow the phone's language).
// Both the WeChat and the Alipay adapters implement it; the shared page controllers
// depend on this interface only.
import type { Platform } from './types';

export interface ConfirmOptions {
  title: string;
  content: string;
  confirmText?: string;
  cancelText?: string;
}

export interface AppPlatform extends Platform {
  /** Resolves true only when the person confirmed. */
  confirm(options: ConfirmOptions): Promise<boolean>;
  setPageTitle(title: string): void;
  setTabTitles(titles: string[]): void;
}
