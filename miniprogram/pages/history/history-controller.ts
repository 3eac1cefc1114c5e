// The history page's behaviour, written once for every platform: uploads that
// finished on this phone, newest first, each with copy and preview, and a confirmed
// way to clear the list. Re-read on every show because uploads finishing on the
// upload page add to it.
import type { HistoryEntry } from '../../core/history';
import { formatBytes, formatTime } from '../../i18n';
import type { AppServices } from '../../app-services';
import type { PageHost } from '../upload/upload-controller';

export interface EntryView {
  key: string;
  url: string;
  name: string;
  sizeText: string;
  timeText: string;
  isImage: boolean;
}

export interface HistoryPageData {
  t: Record<string, string>;
  entries: EntryView[];
}

export function initialHistoryData(): HistoryPageData {
  return { t: {}, entries: [] };
}

export function entryView(entry: HistoryEntry): EntryView {
  return {
    key: entry.key,
    url: entry.url,
    name: entry.name,
    sizeText: formatBytes(entry.size),
    timeText: formatTime(entry.finishedAt),
    isImage: entry.kind === 'image',
  };
}

export type HistoryController = ReturnType<typeof createHistoryController>;

export function createHistoryController(host: PageHost<HistoryPageData>, services: Pick<AppServices, 'platform' | 'history' | 'messages'>) {
  const { platform, history, messages: t } = services;
  const refresh = () => host.setData({ entries: history.list().map(entryView) });
  return {
    load() {
      host.setData({
        t: { emptyTitle: t.historyEmptyTitle, emptyHint: t.historyEmptyHint, clear: t.historyClear, copyLink: t.copyLink, preview: t.preview },
      });
      refresh();
    },
    show() {
      platform.setPageTitle(t.historyTitle);
      platform.setTabTitles(t.tabs);
      refresh();
    },
    refresh,
    async copy(url: string) {
      if (!url) return;
      try {
        await platform.copyText(url);
      } catch {
        platform.toast(t.copyFailed, 'error');
      }
    },
    preview(url: string) {
      if (!url) return;
      const urls = host.data.entries.filter((entry) => entry.isImage).map((entry) => entry.url);
      platform.previewImages(urls.length > 0 ? urls : [url], url);
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
