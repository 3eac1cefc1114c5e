// The WeChat history page: binds the template to the shared controller
// (history-controller.ts, also used by the Alipay page). Taps carry data-url.
import { getServices } from '../../services';
import { createHistoryController, initialHistoryData, type HistoryController, type HistoryPageData } from './history-controller';

const controllers = new WeakMap<object, HistoryController>();

const urlOf = (e: WechatMiniprogram.BaseEvent) => String(e.currentTarget.dataset.url ?? '');

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
      controllers.delete(this);
    },
    refresh() {
      controllers.get(this)?.refresh();
    },
    onCopy(e: WechatMiniprogram.BaseEvent) {
      return controllers.get(this)?.copy(urlOf(e));
    },
    onPreview(e: WechatMiniprogram.BaseEvent) {
      controllers.get(this)?.preview(urlOf(e));
    },
    onClear() {
      return controllers.get(this)?.clear();
    },
  },
});
