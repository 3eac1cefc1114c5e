// The upload page's behaviour, written once for every platform: it asks the signer
// for its limits, lets the person pick photos (or chat files where the platform has
// them), hands them to the engine and turns the engine's state into view data. A
// page (WeChat Component() or Alipay Page()) only binds its template to these
// methods and passes its own setData.
import type { PickedFile } from '../core/index';
import type { UploadLimits } from '../../../typings/ticket';
import { PlatformError } from '../core/index';
import { toFailure } from '../core/index';
import { signerProblem } from '../core/index';
import type { AppServices } from './app-services';
import { createPickLabeller, displayName } from './display-name';
import { cardView, diffCards, diffFields, summaryView, type CardView, type Patch, type SummaryView } from './upload-view';

/**
 * Progress events are merged into one setData per this interval: mini programs send
 * every setData across threads, and dozens per second from several files would freeze the page.
 */
export const UI_FLUSH_MS = 50;

export type LimitsState = 'loading' | 'ready' | 'error';

export interface CardLabels {
  cancel: string;
  retry: string;
  remove: string;
  copyLink: string;
  preview: string;
}

export interface UploadPageData {
  t: Record<string, string>;
  cardLabels: CardLabels;
  limitsState: LimitsState;
  limitsText: string;
  signerErrorText: string;
  busy: boolean;
  canAdd: boolean;
  canChatFiles: boolean;
  items: CardView[];
  summary: SummaryView;
  rejections: Array<{ name: string; message: string }>;
  rejectedTitle: string;
}

/** What the controller needs from a page: its data and its setData. */
export interface PageHost<D> {
  readonly data: D;
  setData(patch: Record<string, unknown>): void;
}

export const EMPTY_SUMMARY: SummaryView = {
  hasItems: false,
  percent: 0,
  countText: '',
  failedText: '',
  canRetryAll: false,
  canCancelAll: false,
  canClear: false,
};

export function initialUploadData(): UploadPageData {
  return {
    t: {},
    cardLabels: { cancel: '', retry: '', remove: '', copyLink: '', preview: '' },
    limitsState: 'loading',
    limitsText: '',
    signerErrorText: '',
    busy: false,
    canAdd: false,
    canChatFiles: false,
    items: [],
    summary: EMPTY_SUMMARY,
    rejections: [],
    rejectedTitle: '',
  };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reasons that mean "the signer did not answer": say where we looked and what to check. */
const UNREACHABLE: ReadonlyArray<string> = ['signerUnreachable', 'network', 'timeout'];

function signerErrorText(err: unknown, services: AppServices): string {
  const problem = signerProblem(err);
  if (UNREACHABLE.includes(problem.reason)) return services.messages.signerUnreachable(services.config.signerUrl);
  if (problem.reason === 'signerSlow') return services.messages.signerSlow(services.config.signerUrl);
  return toFailure(problem, services.messages.lang).message;
}

export type UploadController = ReturnType<typeof createUploadController>;

export function createUploadController(host: PageHost<UploadPageData>, services: AppServices) {
  const { engine, platform, messages: t } = services;
  const now = services.now ?? (() => Date.now());
  /** Temp-named picks are numbered across this page's picks: 照片 1, 照片 2… */
  const label = createPickLabeller();
  let limits: UploadLimits | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: Array<() => void> = [];
  let alive = true;

  /** One setData with only what changed since the last render. */
  const renderNow = () => {
    if (!alive) return;
    const items = engine.items();
    const at = now();
    const cards = items.map((item) => cardView(item, t, at));
    const summary = summaryView(items, engine.progress(), t);
    const patch: Patch = { ...diffCards(host.data.items, cards), ...diffFields('summary', host.data.summary, summary) };
    if (Object.keys(patch).length > 0) host.setData(patch);
  };

  const scheduleRender = () => {
    if (!alive || flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      renderNow();
    }, UI_FLUSH_MS);
  };

  /**
   * Private buckets: signed links expire, so the links of items with `link` are
   * re-signed from their keys when near expiry (cached otherwise: no request). A link
   * that cannot be re-signed is used as it is; it may still work.
   */
  const privateKeys = () =>
    new Map(engine.items().filter((item) => item.link && item.key && item.objectUrl).map((item) => [item.objectUrl as string, item.key as string]));
  const freshLinks = async (urls: string[], byUrl: Map<string, string>): Promise<string[]> => {
    try {
      const signed = await engine.objectLinks(urls.map((url) => byUrl.get(url)).filter((key): key is string => key !== undefined));
      return urls.map((url) => signed.get(byUrl.get(url) ?? '') ?? url);
    } catch {
      return urls;
    }
  };
  /** Calls `use` with usable links: at once for public links, after re-signing for private ones. */
  const withFreshLinks = (urls: string[], use: (fresh: string[]) => void | Promise<void>): void | Promise<void> => {
    const byUrl = privateKeys();
    if (!urls.some((url) => byUrl.has(url))) return use(urls);
    return freshLinks(urls, byUrl).then(use);
  };

  const withEngine = (act: () => void) => {
    act();
    scheduleRender();
  };

  /** Limits come from the signer; until they do, nothing can be added. */
  const loadLimits = async () => {
    host.setData({ limitsState: 'loading', limitsText: t.limitsLoading, signerErrorText: '', canAdd: false });
    try {
      limits = await engine.loadLimits();
      host.setData({ limitsState: 'ready', limitsText: t.limitsHint(limits), canAdd: !host.data.busy });
    } catch (err) {
      host.setData({ limitsState: 'error', signerErrorText: signerErrorText(err, services) });
    }
  };

  const pickWith = async (choose: (count: number) => Promise<PickedFile[]>) => {
    if (!limits || !host.data.canAdd) return;
    host.setData({ busy: true, canAdd: false });
    try {
      let files: PickedFile[];
      try {
        files = await choose(limits.maxFiles);
      } catch (err) {
        const permission = err instanceof PlatformError && err.kind === 'permission';
        platform.toast(permission ? t.pickPermission : t.pickFailed(messageOf(err)), 'error');
        return;
      }
      if (files.length === 0) return; // the person closed the picker
      const adding = engine.add(label(files, now()));
      scheduleRender();
      const { rejected } = await adding;
      host.setData({
        rejections: rejected.map((r) => ({ name: displayName(r.file, t.lang, now()), message: r.message })),
        rejectedTitle: rejected.length > 0 ? t.rejectedTitle(rejected.length) : '',
      });
    } catch (err) {
      platform.toast(t.addFailed(messageOf(err)), 'error');
    } finally {
      host.setData({ busy: false, canAdd: host.data.limitsState === 'ready' });
      scheduleRender();
    }
  };

  return {
    load() {
      unsubscribe = [engine.on('change', scheduleRender), engine.on('settled', scheduleRender)];
      const canChatFiles = typeof platform.chooseChatFiles === 'function';
      host.setData({
        t: {
          addPhotos: t.addPhotos,
          takePhoto: t.takePhoto,
          addChatFiles: t.addChatFiles,
          retryAll: t.retryAll,
          cancelAll: t.cancelAll,
          clearList: t.clearList,
          emptyTitle: t.emptyTitle,
          // Only point to a chat-file picker the platform has.
          emptyHint: canChatFiles ? t.emptyHint : t.emptyHintPhotos,
          retryConnect: t.retryConnect,
          dismiss: t.dismiss,
        },
        cardLabels: { cancel: t.cancel, retry: t.retry, remove: t.remove, copyLink: t.copyLink, preview: t.preview },
        canChatFiles,
      });
      renderNow();
      return loadLimits();
    },
    show() {
      platform.setPageTitle(t.uploadTitle);
      platform.setTabTitles(t.tabs);
    },
    unload() {
      alive = false;
      unsubscribe.forEach((off) => off());
      if (flushTimer !== undefined) clearTimeout(flushTimer);
    },
    reconnect: loadLimits,
    addPhotos: () => pickWith((count) => platform.chooseMedia({ count, source: 'album' })),
    takePhoto: () => pickWith((count) => platform.chooseMedia({ count, source: 'camera' })),
    addChatFiles: () => pickWith((count) => (platform.chooseChatFiles ? platform.chooseChatFiles({ count }) : Promise.resolve([]))),
    dismissRejections() {
      host.setData({ rejections: [], rejectedTitle: '' });
    },
    cancel: (id: string) => withEngine(() => engine.cancel(id)),
    retry: (id: string) => withEngine(() => engine.retry(id)),
    remove: (id: string) => withEngine(() => engine.remove(id)),
    retryAll: () => withEngine(() => engine.retryAllFailed()),
    cancelAll: () => withEngine(() => engine.cancelAll()),
    clear() {
      if (!host.data.summary.canClear) return;
      withEngine(() => engine.items().forEach((item) => engine.remove(item.id)));
    },
    copy(url: string) {
      if (!url) return;
      return withFreshLinks([url], async ([fresh]) => {
        try {
          await platform.copyText(fresh);
        } catch {
          platform.toast(t.copyFailed, 'error');
        }
      });
    },
    preview(url: string) {
      if (!url) return;
      const shown = host.data.items.filter((card) => card.canPreview).map((card) => card.objectUrl);
      const urls = shown.length > 0 ? shown : [url];
      return withFreshLinks(urls, (fresh) => platform.previewImages(fresh, fresh[urls.indexOf(url)] ?? url));
    },
    renderNow,
  };
}
