// The history page's behaviour, written once for every platform: uploads that
// finished on this phone, newest first under 今天 / 昨天 / date headers as chat apps
// date messages, each with copy, preview and its own delete, and a quiet, confirmed
// way to clear the list. Re-read on every show because uploads finishing on the
// upload page add to it. Entries of a private bucket keep only their key: their
// links are signed when shown and again when used, if they are near expiry.
import type { HistoryEntry } from '../core/index';
import type { UploadEngineApi } from '../core/index';
import { LinkError } from '../core/index';
import { clockTime, dayLabel, formatBytes, type UiMessages } from './i18n';
import type { AppServices } from './app-services';
import type { PageHost } from './upload-controller';
import { fileBadge } from './upload-view';
import { middleEllipsis } from './middle-ellipsis';
import { displayName } from './display-name';

/** A history row's name line at 375 px (thumbnail, 复制链接 and × beside it): ~18 narrow characters. */
export const ENTRY_NAME_BUDGET = 18;

export interface EntryView {
  key: string;
  /** '' while a private link is being signed or when signing failed (see linkText). */
  url: string;
  name: string;
  /** `name` shortened in the middle: the end tells camera shots apart. */
  shortName: string;
  sizeText: string;
  /** "10:03": the day is in the header above. */
  timeText: string;
  /** 今天 / 昨天 / 11月20日 */
  dayText: string;
  /** The first entry of its day: the day header is drawn above it. */
  firstOfDay: boolean;
  isImage: boolean;
  /** Shown in the thumbnail square when there is no picture (a file, or a private link still signing). */
  badge: string;
  /** A private bucket's object: the link is signed from the key. */
  signed: boolean;
  /** Shown instead of the link while it is missing: "fetching…" or why it failed. */
  linkText: string;
}

export interface HistoryPageData {
  t: Record<string, string>;
  entries: EntryView[];
  countText: string;
}

export function initialHistoryData(): HistoryPageData {
  return { t: {}, entries: [], countText: '' };
}

type EntryWords = Pick<UiMessages, 'lang' | 'linkLoading' | 'today' | 'yesterday' | 'date'>;

export function entryView(entry: HistoryEntry, t: EntryWords, now: number, previous?: HistoryEntry): EntryView {
  const signed = entry.signed === true;
  const dayText = dayLabel(entry.finishedAt, now, t);
  // "照片 1 · 昨天 10:03" for a photo the platform gave only a temp name, worded against today.
  const name = displayName(entry, t.lang, now);
  return {
    key: entry.key,
    url: signed ? '' : entry.url,
    name,
    shortName: middleEllipsis(name, ENTRY_NAME_BUDGET),
    sizeText: formatBytes(entry.size),
    timeText: clockTime(entry.finishedAt),
    dayText,
    firstOfDay: !previous || dayLabel(previous.finishedAt, now, t) !== dayText,
    isImage: entry.kind === 'image',
    badge: fileBadge(entry.name),
    signed,
    linkText: signed ? t.linkLoading : '',
  };
}

export type HistoryController = ReturnType<typeof createHistoryController>;

type HistoryServices = Pick<AppServices, 'platform' | 'history' | 'messages' | 'now'> & {
  engine?: Pick<UploadEngineApi, 'objectLinks'> & Partial<Pick<UploadEngineApi, 'on'>>;
};

/** Uploads finishing together (a batch's last photos) are listed in one refresh. */
const SETTLED_REFRESH_MS = 50;

export function createHistoryController(host: PageHost<HistoryPageData>, services: HistoryServices) {
  const { platform, history, messages: t, engine } = services;
  const now = services.now ?? (() => Date.now());
  const failureText = (error: unknown) => (error instanceof LinkError ? error.failure.message : t.linkFailed);

  /** Keys the signer left out of its last answer: refused as another sign-in's uploads (object-links.ts). */
  const notYours = new Set<string>();

  /** Signed links for the given entries, written into the view; the links by key (none on failure). */
  async function sign(entries: EntryView[]): Promise<Map<string, string>> {
    const keys = entries.filter((e) => e.signed).map((e) => e.key);
    if (keys.length === 0 || !engine) return new Map();
    let links: Map<string, string>;
    let failure = '';
    try {
      links = await engine.objectLinks(keys);
      for (const key of keys) {
        if (links.has(key)) notYours.delete(key);
        else notYours.add(key);
      }
    } catch (error) {
      links = new Map();
      failure = failureText(error);
      // No answer this time: what the signer said before no longer describes these rows.
      for (const key of keys) notYours.delete(key);
    }
    const patch: Record<string, unknown> = {};
    host.data.entries.forEach((view, i) => {
      if (!view.signed || !keys.includes(view.key)) return;
      const url = links.get(view.key) ?? '';
      if (url !== view.url) patch[`entries[${i}].url`] = url;
      // Left out of an answer that came: the signer refused it as another sign-in's upload.
      const text = url ? '' : failure || t.linkNotYours;
      if (text !== view.linkText) patch[`entries[${i}].linkText`] = text;
    });
    if (Object.keys(patch).length > 0) host.setData(patch);
    if (failure) platform.toast(failure, 'error');
    return links;
  }

  const refresh = () => {
    const at = now();
    const entries = history.list().map((entry, i, all) => entryView(entry, t, at, all[i - 1]));
    host.setData({ entries, countText: entries.length > 0 ? t.historyCount(entries.length) : '' });
    return sign(host.data.entries);
  };

  const find = (url: string, key?: string) => host.data.entries.find((e) => (key ? e.key === key : e.url === url));

  /**
   * Both platforms call onShow right after onLoad when the page opens. The refresh
   * onLoad started serves that first show: a second one would ask /api/object-urls
   * again and announce the same failure twice. Later shows (back to the tab) refresh.
   */
  let openingRefresh: Promise<Map<string, string>> | undefined;

  /**
   * Uploads keep going while this tab shows (the engine outlives the upload page's tab):
   * one that finishes now is listed now, not only when the person leaves the tab and comes back.
   */
  let offSettled: (() => void) | undefined;
  let settledTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    if (settledTimer !== undefined) return;
    settledTimer = setTimeout(() => {
      settledTimer = undefined;
      void refresh();
    }, SETTLED_REFRESH_MS);
  };

  return {
    load() {
      offSettled = engine?.on?.('settled', (item) => {
        if (item.status === 'done') refreshSoon();
      });
      host.setData({
        t: {
          emptyTitle: t.historyEmptyTitle,
          emptyHint: t.historyEmptyHint,
          clear: t.historyClear,
          copyLink: t.copyLink,
          preview: t.preview,
          deleteEntry: t.deleteEntry,
        },
      });
      openingRefresh = refresh();
      return openingRefresh;
    },
    show() {
      platform.setPageTitle(t.historyTitle);
      platform.setTabTitles(t.tabs);
      const opening = openingRefresh;
      openingRefresh = undefined;
      return opening ?? refresh();
    },
    refresh,
    unload() {
      offSettled?.();
      offSettled = undefined;
      if (settledTimer !== undefined) clearTimeout(settledTimer);
      settledTimer = undefined;
    },
    /** `key` (when the page passes it) finds a private entry whose link is missing; its tap is the retry. */
    async copy(url: string, key?: string) {
      const entry = find(url, key);
      const link = entry?.signed ? (await sign([entry])).get(entry.key) : url;
      if (!link) {
        // A general failure was toasted by sign(); one refused as another sign-in's is said here.
        if (entry && notYours.has(entry.key)) platform.toast(t.linkNotYours, 'error');
        return;
      }
      try {
        await platform.copyText(link, t.copied);
      } catch {
        platform.toast(t.copyFailed, 'error');
      }
    },
    async preview(url: string, key?: string) {
      const images = host.data.entries.filter((e) => e.isImage);
      const current = find(url, key);
      if (!current) {
        if (url) platform.previewImages([url], url);
        return;
      }
      if (!current.isImage) return; // a file has no picture to show; its row offers the link
      const signed = images.some((e) => e.signed) ? await sign(images) : new Map<string, string>();
      const urls = images.map((e) => (e.signed ? (signed.get(e.key) ?? '') : e.url)).filter((u) => u !== '');
      const shown = current.signed ? signed.get(current.key) : current.url;
      if (!shown) return;
      platform.previewImages(urls.length > 0 ? urls : [shown], shown);
    },
    /** One record, without asking: it is one row, and the photo stays in the bucket. */
    delete(key: string) {
      if (!key) return;
      history.remove(key);
      refresh();
    },
    async clear() {
      const count = host.data.entries.length;
      if (count === 0) return;
      const confirmed = await platform.confirm({
        title: t.historyClearConfirmTitle,
        content: t.historyClearConfirm(count),
        confirmText: t.confirmClear,
        cancelText: t.keepIt,
      });
      if (!confirmed) return;
      history.clear();
      refresh();
      platform.toast(t.historyCleared, 'success');
    },
  };
}
