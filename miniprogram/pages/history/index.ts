// The history page: uploads that finished on this phone, newest first, each with
// copy and preview, and a confirmed way to clear the list. Re-read on every show
// because uploads finishing on the upload page add to it.
import type { HistoryEntry } from '../../core/history';
import { formatBytes, formatTime } from '../../i18n';
import { getServices } from '../../services';

interface EntryView {
  key: string;
  url: string;
  name: string;
  sizeText: string;
  timeText: string;
  isImage: boolean;
}

function entryView(entry: HistoryEntry): EntryView {
  return {
    key: entry.key,
    url: entry.url,
    name: entry.name,
    sizeText: formatBytes(entry.size),
    timeText: formatTime(entry.finishedAt),
    isImage: entry.kind === 'image',
  };
}

Component({
  data: {
    t: {} as Record<string, string>,
    entries: [] as EntryView[],
  },

  methods: {
    onLoad() {
      const t = getServices().messages;
      this.setData({
        t: {
          emptyTitle: t.historyEmptyTitle,
          emptyHint: t.historyEmptyHint,
          clear: t.historyClear,
          copyLink: t.copyLink,
          preview: t.preview,
        },
      });
      this.refresh();
    },

    onShow() {
      const { platform, messages } = getServices();
      platform.setPageTitle(messages.historyTitle);
      platform.setTabTitles(messages.tabs);
      this.refresh();
    },

    refresh() {
      this.setData({ entries: getServices().history.list().map(entryView) });
    },

    async onCopy(e: WechatMiniprogram.BaseEvent) {
      const { platform, messages } = getServices();
      const url = String(e.currentTarget.dataset.url ?? '');
      if (!url) return;
      try {
        await platform.copyText(url);
      } catch {
        platform.toast(messages.copyFailed, 'error');
      }
    },

    onPreview(e: WechatMiniprogram.BaseEvent) {
      const url = String(e.currentTarget.dataset.url ?? '');
      if (!url) return;
      const urls = (this.data.entries as EntryView[]).filter((entry) => entry.isImage).map((entry) => entry.url);
      getServices().platform.previewImages(urls, url);
    },

    async onClear() {
      const { platform, messages, history } = getServices();
      const count = this.data.entries.length;
      if (count === 0) return;
      const confirmed = await platform.confirm({
        title: messages.historyClearConfirmTitle,
        content: messages.historyClearConfirm(count),
        confirmText: messages.confirmClear,
        cancelText: messages.keepIt,
      });
      if (!confirmed) return;
      history.clear();
      this.refresh();
      platform.toast(messages.historyCleared, 'success');
    },
  },
});
