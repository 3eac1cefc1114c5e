// Everything a page needs from the phone, as one interface. Only files in
// platform/ touch `wx` or `my`, and never at import time: a platform object is
// made by a function the app calls once it runs.
import type { PickedFile, Lang } from '../core/types';
import type { Transport } from '../core/transport';

export type PlatformName = 'wechat' | 'alipay';

export type PickSource = 'album' | 'camera';

export type PlatformErrorKind =
  | 'permission' // the person (or the system) refused album/camera access
  | 'unsupported' // the API does not exist on this platform or base library
  | 'unknown';

/** A picker/clipboard/storage failure. A cancelled picker is NOT an error: it resolves []. */
export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly raw?: unknown,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export interface Platform extends Transport {
  readonly name: PlatformName;
  /** Photos (and on WeChat videos) from the album or camera. Cancel resolves []. */
  chooseMedia(options: { count: number; source: PickSource }): Promise<PickedFile[]>;
  /** Files from chats (WeChat only; undefined elsewhere). Cancel resolves []. */
  chooseChatFiles?(options: { count: number }): Promise<PickedFile[]>;
  copyText(text: string): Promise<void>;
  previewImages(urls: string[], current: string): void;
  toast(message: string, kind?: 'success' | 'error' | 'info'): void;
  storage: KeyValueStore;
  language(): Lang;
  /**
   * `length` cryptographically secure random bytes (WeChat: getRandomValues). Client-side
   * signing names object keys with them; never Math.random. Undefined where the
   * platform has no such source (client-side signing is then refused plainly).
   */
  secureRandom?(length: number): Promise<Uint8Array>;
}
