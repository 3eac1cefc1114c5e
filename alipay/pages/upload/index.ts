// The Alipay upload page: binds the template to the shared controller
// (miniprogram/shared/ui/upload-controller.ts) and nothing more. Alipay pages put
// handlers on the page object; the tile component calls back through onXxx props.
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

  // Called by upload-card through its onXxx props, with the tile's id.
  onCardTap(id: string) {
    return controllers.get(this)?.tap(id);
  },
  onCardHold(id: string) {
    return controllers.get(this)?.hold(id);
  },
  onCardCorner(id: string) {
    controllers.get(this)?.corner(id);
  },
  onCardAction(id: string) {
    controllers.get(this)?.toggle(id);
  },
  // 继续上传 / 放弃 rows: the id rides in data-id.
  onContinueSaved(e: { currentTarget: { dataset: { id: string } } }) {
    return controllers.get(this)?.continueSaved(e.currentTarget.dataset.id);
  },
  onDiscardSaved(e: { currentTarget: { dataset: { id: string } } }) {
    return controllers.get(this)?.discardSaved(e.currentTarget.dataset.id);
  },
});
