// The Alipay upload page: binds the template to the shared controller
// (miniprogram/shared/ui/upload-controller.ts) and nothing more. Alipay pages put
// handlers on the page object; the card component calls back through onXxx props.
import {
  createUploadController,
  initialUploadData,
  type UploadController,
  type UploadPageData,
} from '../../shared/miniprogram/shared/ui/index';
import { getServices } from '../../services';

/** Per-page controllers (Page() typings give no place for non-rendered state). */
const controllers = new WeakMap<object, UploadController>();

Page({
  data: initialUploadData(),

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

  // Called by upload-card through its onXxx props, with the card's id (and link).
  onCardCancel(id: string) {
    controllers.get(this)?.cancel(id);
  },
  onCardRetry(id: string) {
    controllers.get(this)?.retry(id);
  },
  onCardRemove(id: string) {
    controllers.get(this)?.remove(id);
  },
  onCardCopy(_id: string, url: string) {
    return controllers.get(this)?.copy(url);
  },
  onCardPreview(_id: string, url: string) {
    controllers.get(this)?.preview(url);
  },
});
