// The Alipay history page: binds the template to the shared controller
// (miniprogram/shared/ui/history-controller.ts) and nothing more.
import {
  createHistoryController,
  initialHistoryData,
  type HistoryController,
  type HistoryPageData,
} from '../../shared/miniprogram/shared/ui/index';
import { getServices } from '../../services';

const controllers = new WeakMap<object, HistoryController>();

interface TapEvent {
  currentTarget?: { dataset?: Record<string, unknown> };
  target?: { dataset?: Record<string, unknown> };
}

const datasetOf = (e: TapEvent) => e.currentTarget?.dataset ?? e.target?.dataset ?? {};
/** The link a tapped element carries in data-url. */
const urlOf = (e: TapEvent) => String(datasetOf(e).url ?? '');
/** The object key in data-key: a private bucket's link is signed again from it when missing or stale. */
const keyOf = (e: TapEvent) => (datasetOf(e).key ? String(datasetOf(e).key) : undefined);

Page({
  data: initialHistoryData(),

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

  onCopy(e: TapEvent) {
    return controllers.get(this)?.copy(urlOf(e), keyOf(e));
  },
  onPreview(e: TapEvent) {
    controllers.get(this)?.preview(urlOf(e), keyOf(e));
  },
  onDelete(e: TapEvent) {
    controllers.get(this)?.delete(keyOf(e) ?? '');
  },
  onClear() {
    return controllers.get(this)?.clear();
  },
});
