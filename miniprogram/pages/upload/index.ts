// The WeChat upload page (written with Component(), which WeChat supports for pages
// and the simulator can load). It only binds the template to the shared controller
// (upload-controller.ts, also used by the Alipay page): card events carry the id.
import { getServices } from '../../services';
import { createUploadController, initialUploadData, type UploadController, type UploadPageData } from '../../shared/ui/index';

export { UI_FLUSH_MS } from '../../shared/ui/index';

/** Per-page controllers (the typings give Component() no place for non-rendered state). */
const controllers = new WeakMap<object, UploadController>();

type CardEvent = WechatMiniprogram.CustomEvent<{ id: string; url?: string }>;

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
    onAddPhotos() {
      return controllers.get(this)?.addPhotos();
    },
    onTakePhoto() {
      return controllers.get(this)?.takePhoto();
    },
    onAddChatFiles() {
      return controllers.get(this)?.addChatFiles();
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

    onCardCancel(e: CardEvent) {
      controllers.get(this)?.cancel(e.detail.id);
    },
    onCardRetry(e: CardEvent) {
      controllers.get(this)?.retry(e.detail.id);
    },
    onCardRemove(e: CardEvent) {
      controllers.get(this)?.remove(e.detail.id);
    },
    onCardCopy(e: CardEvent) {
      // WeChat shows its own "copied" toast on success.
      return controllers.get(this)?.copy(e.detail.url ?? '');
    },
    onCardPreview(e: CardEvent) {
      controllers.get(this)?.preview(e.detail.url ?? '');
    },
  },
});
