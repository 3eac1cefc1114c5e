// The WeChat history page: binds the template to the shared controller
// (history-controller.ts, also used by the Alipay page). Taps carry data-url.
import { getServices } from '../../services';
import { createHistoryController, initialHistoryData, type HistoryController, type HistoryPageData } from '../../shared/ui/index';

const controllers = new WeakMap<object, HistoryController>();

const urlOf = (e: WechatMiniprogram.BaseEvent) => String(e.currentTarget.dataset.url ?? '');
/** A private bucket's entry is found by key: its url is '' until its link is signed. */
const keyOf = (e: WechatMiniprogram.BaseEvent) => (e.currentTarget.dataset.key ? String(e.currentTarget.dataset.key) : undefined);

Component({
  data: initialHistoryData(),

  methods: {
    onLoad() {
      const host = this as unknown as { data: HistoryPageData; setData(patch: Record<string, unknown>): void };
      const controller = createHistoryController(host, getServices());
      controllers.set(this, controller);
      controller.load();
    },
    onShow() {
      controllers.get(this)?.show();
    },
    onUnload() {
      controllers.get(this)?.unload();
      controllers.delete(this);
    },
    refresh() {
      controllers.get(this)?.refresh();
    },
    onCopy(e: WechatMiniprogram.BaseEvent) {
      return controllers.get(this)?.copy(urlOf(e), keyOf(e));
    },
    onPreview(e: WechatMiniprogram.BaseEvent) {
      controllers.get(this)?.preview(urlOf(e), keyOf(e));
    },
    onDelete(e: WechatMiniprogram.BaseEvent) {
      controllers.get(this)?.delete(keyOf(e) ?? '');
    },
    onClear() {
      return controllers.get(this)?.clear();
    },
  },
});
