// The upload page (written with Component(), which WeChat supports for pages and
// the simulator can load). It asks the signer for its limits, lets the person pick
// photos or chat files, hands them to the engine and renders the engine's state.
import type { PickedFile } from '../../core/types';
import type { UploadLimits } from '../../../typings/ticket';
import type { CardLabels } from '../../components/upload-card/index';
import { PlatformError } from '../../platform/types';
import { toFailure } from '../../core/failure';
import { signerProblem } from '../../core/ticket-client';
import { getServices, type Services } from '../../services';
import { cardView, diffCards, diffFields, summaryView, type CardView, type Patch, type SummaryView } from './view';

/**
 * Progress events are merged into one setData per this interval: WeChat sends every
 * setData across threads, and dozens per second from several files would freeze the page.
 */
export const UI_FLUSH_MS = 50;

type LimitsState = 'loading' | 'ready' | 'error';

interface Runtime {
  services: Services;
  limits?: UploadLimits;
  unsubscribe: Array<() => void>;
  flushTimer?: ReturnType<typeof setTimeout>;
}

/** Per-page state that is not rendered (the typings give Component() no place for it). */
const runtimes = new WeakMap<object, Runtime>();

const EMPTY_SUMMARY: SummaryView = {
  hasItems: false,
  percent: 0,
  countText: '',
  failedText: '',
  canRetryAll: false,
  canCancelAll: false,
  canClear: false,
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reasons that mean "the signer did not answer": say where we looked and what to check. */
const UNREACHABLE: ReadonlyArray<string> = ['signerUnreachable', 'network', 'timeout'];

/** Why the limits could not be loaded, in plain words. */
function signerErrorText(err: unknown, services: Services): string {
  const problem = signerProblem(err);
  const { messages, config } = services;
  if (UNREACHABLE.includes(problem.reason)) return messages.signerUnreachable(config.signerUrl);
  return toFailure(problem, messages.lang).message;
}

Component({
  data: {
    t: {} as Record<string, string>,
    cardLabels: {} as CardLabels,
    limitsState: 'loading' as LimitsState,
    limitsText: '',
    signerErrorText: '',
    busy: false,
    canAdd: false,
    canChatFiles: false,
    items: [] as CardView[],
    summary: EMPTY_SUMMARY,
    rejections: [] as Array<{ name: string; message: string }>,
    rejectedTitle: '',
  },

  methods: {
    onLoad() {
      const services = getServices();
      const runtime: Runtime = { services, unsubscribe: [] };
      runtimes.set(this, runtime);
      const t = services.messages;
      const render = () => this.scheduleRender();
      runtime.unsubscribe.push(services.engine.on('change', render), services.engine.on('settled', render));
      this.setData({
        t: {
          addPhotos: t.addPhotos,
          takePhoto: t.takePhoto,
          addChatFiles: t.addChatFiles,
          retryAll: t.retryAll,
          cancelAll: t.cancelAll,
          clearList: t.clearList,
          emptyTitle: t.emptyTitle,
          emptyHint: t.emptyHint,
          retryConnect: t.retryConnect,
          dismiss: t.dismiss,
        },
        cardLabels: { cancel: t.cancel, retry: t.retry, remove: t.remove, copyLink: t.copyLink, preview: t.preview },
        canChatFiles: typeof services.platform.chooseChatFiles === 'function',
      });
      this.renderNow();
      return this.loadLimits();
    },

    onShow() {
      const runtime = runtimes.get(this);
      if (!runtime) return;
      const { platform, messages } = runtime.services;
      platform.setPageTitle(messages.uploadTitle);
      platform.setTabTitles(messages.tabs);
    },

    onUnload() {
      const runtime = runtimes.get(this);
      if (!runtime) return;
      runtime.unsubscribe.forEach((off) => off());
      if (runtime.flushTimer !== undefined) clearTimeout(runtime.flushTimer);
      runtimes.delete(this);
    },

    /** Limits come from the signer; until they do, nothing can be added. */
    async loadLimits() {
      const runtime = runtimes.get(this);
      if (!runtime) return;
      const { engine, messages } = runtime.services;
      this.setData({ limitsState: 'loading', limitsText: messages.limitsLoading, signerErrorText: '', canAdd: false });
      try {
        runtime.limits = await engine.loadLimits();
        this.setData({ limitsState: 'ready', limitsText: messages.limitsHint(runtime.limits), canAdd: !this.data.busy });
      } catch (err) {
        this.setData({ limitsState: 'error', signerErrorText: signerErrorText(err, runtime.services) });
      }
    },

    onReconnect() {
      return this.loadLimits();
    },

    onAddPhotos() {
      return this.pickWith((s, count) => s.platform.chooseMedia({ count, source: 'album' }));
    },

    onTakePhoto() {
      return this.pickWith((s, count) => s.platform.chooseMedia({ count, source: 'camera' }));
    },

    onAddChatFiles() {
      return this.pickWith((s, count) => (s.platform.chooseChatFiles ? s.platform.chooseChatFiles({ count }) : Promise.resolve([])));
    },

    async pickWith(choose: (services: Services, count: number) => Promise<PickedFile[]>) {
      const runtime = runtimes.get(this);
      if (!runtime || !runtime.limits || !this.data.canAdd) return;
      const { platform, engine, messages } = runtime.services;
      this.setData({ busy: true, canAdd: false });
      try {
        let files: PickedFile[];
        try {
          files = await choose(runtime.services, runtime.limits.maxFiles);
        } catch (err) {
          const permission = err instanceof PlatformError && err.kind === 'permission';
          platform.toast(permission ? messages.pickPermission : messages.pickFailed(messageOf(err)), 'error');
          return;
        }
        if (files.length === 0) return; // the person closed the picker
        const adding = engine.add(files);
        this.scheduleRender();
        const { rejected } = await adding;
        this.setData({
          rejections: rejected.map((r) => ({ name: r.file.name, message: r.message })),
          rejectedTitle: rejected.length > 0 ? messages.rejectedTitle(rejected.length) : '',
        });
      } catch (err) {
        platform.toast(messages.addFailed(messageOf(err)), 'error');
      } finally {
        this.setData({ busy: false, canAdd: this.data.limitsState === 'ready' });
        this.scheduleRender();
      }
    },

    onDismissRejections() {
      this.setData({ rejections: [], rejectedTitle: '' });
    },

    onCardCancel(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.withEngine((engine) => engine.cancel(e.detail.id));
    },

    onCardRetry(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.withEngine((engine) => engine.retry(e.detail.id));
    },

    onCardRemove(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.withEngine((engine) => engine.remove(e.detail.id));
    },

    onRetryAll() {
      this.withEngine((engine) => engine.retryAllFailed());
    },

    onCancelAll() {
      this.withEngine((engine) => engine.cancelAll());
    },

    onClear() {
      if (!this.data.summary.canClear) return;
      this.withEngine((engine) => engine.items().forEach((item) => engine.remove(item.id)));
    },

    async onCardCopy(e: WechatMiniprogram.CustomEvent<{ id: string; url: string }>) {
      const runtime = runtimes.get(this);
      if (!runtime || !e.detail.url) return;
      try {
        // WeChat shows its own "copied" toast on success.
        await runtime.services.platform.copyText(e.detail.url);
      } catch {
        runtime.services.platform.toast(runtime.services.messages.copyFailed, 'error');
      }
    },

    onCardPreview(e: WechatMiniprogram.CustomEvent<{ id: string; url: string }>) {
      const runtime = runtimes.get(this);
      if (!runtime || !e.detail.url) return;
      const urls = (this.data.items as CardView[]).filter((card) => card.canPreview).map((card) => card.objectUrl);
      runtime.services.platform.previewImages(urls.length > 0 ? urls : [e.detail.url], e.detail.url);
    },

    withEngine(act: (engine: Services['engine']) => void) {
      const runtime = runtimes.get(this);
      if (!runtime) return;
      act(runtime.services.engine);
      this.scheduleRender();
    },

    scheduleRender() {
      const runtime = runtimes.get(this);
      if (!runtime || runtime.flushTimer !== undefined) return;
      runtime.flushTimer = setTimeout(() => {
        runtime.flushTimer = undefined;
        this.renderNow();
      }, UI_FLUSH_MS);
    },

    /** One setData with only what changed since the last render. */
    renderNow() {
      const runtime = runtimes.get(this);
      if (!runtime) return;
      const { engine, messages } = runtime.services;
      const items = engine.items();
      const cards = items.map((item) => cardView(item, messages));
      const summary = summaryView(items, engine.progress(), messages);
      const patch: Patch = {
        ...diffCards(this.data.items as CardView[], cards),
        ...diffFields('summary', this.data.summary as SummaryView, summary),
      };
      if (Object.keys(patch).length > 0) this.setData(patch);
    },
  },
});
