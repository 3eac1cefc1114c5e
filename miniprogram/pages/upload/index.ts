// The WeChat upload page (written with Component(), which WeChat supports for pages
// and the simulator can load). It only binds the template to the shared controller
// (upload-controller.ts, also used by the Alipay page): tile events carry the id.
import { getServices } from '../../services';
import { createUploadController, initialUploadData, type UploadController, type UploadPageData } from '../../shared/ui/index';

export { UI_FLUSH_MS } from '../../shared/ui/index';

/** Per-page controllers (the typings give Component() no place for non-rendered state). */
const controllers = new WeakMap<object, UploadController>();

type CardEvent = WechatMiniprogram.CustomEvent<{ id: string }>;
/** A 继续上传 / 放弃 button: the row's id rides in data-id. */
type RowEvent = WechatMiniprogram.BaseEvent<Record<string, never>, { id: string }>;

Component({
  data: initialUploadData(),

  methods: {
    onLoad() {
      const host = this as unknown as { data: UploadPageData; setData(patch: Record<string, unknown>): void };
      const controller = createUploadController(host, getServices());
      controllers.set(this, controller);
      return controller.load();
    },
    onShow() {
      controllers.get(this)?.show();
    },
    onUnload() {
      controllers.get(this)?.unload();
      controllers.delete(this);
    },

    onReconnect() {
      return controllers.get(this)?.reconnect();
    },
    onAdd() {
      return controllers.get(this)?.add();
    },
    onToggleOriginal() {
      controllers.get(this)?.toggleOriginal();
    },
    onDismissRejections() {
      controllers.get(this)?.dismissRejections();
    },
    onRetryAll() {
      controllers.get(this)?.retryAll();
    },
    onCancelAll() {
      controllers.get(this)?.cancelAll();
    },
    onClear() {
      controllers.get(this)?.clear();
    },

    onCardTap(e: CardEvent) {
      return controllers.get(this)?.tap(e.detail.id);
    },
    onCardHold(e: CardEvent) {
      return controllers.get(this)?.hold(e.detail.id);
    },
    onCardCorner(e: CardEvent) {
      controllers.get(this)?.corner(e.detail.id);
    },
    onCardAction(e: CardEvent) {
      controllers.get(this)?.toggle(e.detail.id);
    },
    onContinueSaved(e: RowEvent) {
      return controllers.get(this)?.continueSaved(e.currentTarget.dataset.id);
    },
    onDiscardSaved(e: RowEvent) {
      return controllers.get(this)?.discardSaved(e.currentTarget.dataset.id);
    },
  },
});
