// The upload page's behaviour, written once for every platform: it asks the signer
// for its limits, lets the person add photos (album, camera, or chat files where the
// platform has them) through the "+" tile, prepares them (compressed unless 原图,
// without their position), hands them to the engine and turns the engine's state
// into view data. Uploads in parts can be paused and resumed per tile, and those an
// earlier launch left unfinished are listed at load (继续上传 / 放弃). A page (WeChat
// Component() or Alipay Page()) only binds its template to these methods and passes
// its own setData.
import type { PickedFile, UploadItem } from '../core/index';
import type { UploadLimits } from '../../../typings/ticket';
import { PlatformError, signerProblem, toFailure } from '../core/index';
import type { AppServices } from './app-services';
import { createPickLabeller, displayName } from './display-name';
import { cardView, diffCards, diffFields, retrySeconds, summaryView, type CardView, type Patch, type SummaryView } from './upload-view';
import { middleEllipsis } from './middle-ellipsis';
import { pickerOptions, type PickerOptions } from './picker-options';
import { preparedCopy, preparePhotos } from './photo-prep';
import { resumeRowView, type ResumeRowView } from './resume-view';
import type { SavedUploadSummary } from '../core/index';

/**
 * Progress events are merged into one setData per this interval: mini programs send
 * every setData across threads, and dozens per second from several files would freeze the page.
 */
export const UI_FLUSH_MS = 50;
/** A rejection's name line spans the page: about 40 narrow characters at 375 px. */
const REJECTION_NAME_BUDGET = 40;

export type LimitsState = 'loading' | 'ready' | 'error';

export interface CardLabels {
  cancel: string;
  remove: string;
}

export type { ResumeRowView };

export interface UploadPageData {
  t: Record<string, string>;
  cardLabels: CardLabels;
  limitsState: LimitsState;
  limitsText: string;
  signerErrorText: string;
  busy: boolean;
  canAdd: boolean;
  /** The "+" tile is in the grid until the signer's per-batch limit is reached. */
  showAdd: boolean;
  /** 原图: send photos uncompressed. Off by default, as in WeChat's own photo sending. */
  original: boolean;
  items: CardView[];
  summary: SummaryView;
  rejections: Array<{ name: string; shortName: string; message: string }>;
  rejectedTitle: string;
  /** Uploads in parts an earlier launch left unfinished: 继续上传 or 放弃 each. */
  resumable: ResumeRowView[];
}

/** What the controller needs from a page: its data and its setData. */
export interface PageHost<D> {
  readonly data: D;
  setData(patch: Record<string, unknown>): void;
}

export const EMPTY_SUMMARY: SummaryView = {
  hasItems: false,
  percent: 0,
  countText: '',
  failedText: '',
  pausedText: '',
  cancelledText: '',
  sizeText: '',
  canRetryAll: false,
  canCancelAll: false,
  canClear: false,
};

export function initialUploadData(): UploadPageData {
  return {
    t: {},
    cardLabels: { cancel: '', remove: '' },
    limitsState: 'loading',
    limitsText: '',
    signerErrorText: '',
    busy: false,
    canAdd: false,
    showAdd: true,
    original: false,
    items: [],
    summary: EMPTY_SUMMARY,
    rejections: [],
    rejectedTitle: '',
    resumable: [],
  };
}

/**
 * Developer detail (addresses, raw platform errors) goes to the console (DevTools, 真机调试),
 * never onto the screen. Reached through globalThis: the Alipay typings declare no console.
 */
const devLog = (message: string, detail?: unknown) =>
  (globalThis as { console?: { warn(...args: unknown[]): void } }).console?.warn(`[upload] ${message}`, detail ?? '');

/** Reasons that mean "the signer did not answer". */
const UNREACHABLE: ReadonlyArray<string> = ['signerUnreachable', 'network', 'timeout'];

function signerErrorText(err: unknown, services: AppServices): string {
  const problem = signerProblem(err);
  if (UNREACHABLE.includes(problem.reason)) {
    devLog(`the signer at ${services.config.signerUrl} did not answer; is it running and reachable from this phone?`, err);
    return services.messages.signerDown;
  }
  if (problem.reason === 'signerSlow') {
    devLog(`the signer at ${services.config.signerUrl} did not answer in time; if it lasts, check it runs and this phone can reach it (firewall, LAN address)`, err);
    return services.messages.signerSlow;
  }
  return toFailure(problem, services.messages.lang).message;
}

type Picker = 'camera' | 'album' | 'chat';

export type UploadController = ReturnType<typeof createUploadController>;

export function createUploadController(host: PageHost<UploadPageData>, services: AppServices) {
  const { engine, platform, messages: t, config } = services;
  const now = services.now ?? (() => Date.now());
  /** Temp-named picks are numbered across this page's picks: 照片 1, 照片 2… */
  const label = createPickLabeller();
  let limits: UploadLimits | undefined;
  let pickers: PickerOptions | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: Array<() => void> = [];
  let alive = true;

  /** Photos in the list that count against the per-batch limit (a cancelled one can be retried, so it counts). */
  const listed = () => engine.items().length;
  const room = () => (limits ? Math.max(0, limits.maxFiles - listed()) : 0);

  /** One setData with only what changed since the last render. */
  const renderNow = () => {
    if (!alive) return;
    const items = engine.items();
    const at = now();
    const cards = items.map((item) => cardView(item, t, at));
    const summary = summaryView(items, engine.progress(), t);
    const patch: Patch = { ...diffCards(host.data.items, cards), ...diffFields('summary', host.data.summary, summary) };
    const showAdd = !limits || room() > 0;
    if (showAdd !== host.data.showAdd) patch.showAdd = showAdd;
    if (Object.keys(patch).length > 0) host.setData(patch);
    tickCountdowns(items, at);
  };

  /**
   * While a failed try waits to be tried again, its tile counts down (3 秒后重试, 2…): the
   * engine says nothing during the wait, so the page renders again when the next whole
   * second of the soonest countdown passes, and stops once none is waiting.
   */
  const tickCountdowns = (items: readonly UploadItem[], at: number) => {
    if (tickTimer !== undefined) clearTimeout(tickTimer);
    tickTimer = undefined;
    const untilNext = items
      .filter((item) => item.status === 'uploading' && item.retrying && retrySeconds(item.retrying.at, at) > 0)
      .map((item) => ((item.retrying as { at: number }).at - at) % 1000 || 1000);
    if (untilNext.length === 0) return;
    tickTimer = setTimeout(() => {
      tickTimer = undefined;
      renderNow();
    }, Math.min(...untilNext));
  };

  const scheduleRender = () => {
    if (!alive || flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      renderNow();
    }, UI_FLUSH_MS);
  };

  /**
   * Private buckets: signed links expire, so the links of items with `link` are
   * re-signed from their keys when near expiry (cached otherwise: no request). A link
   * that cannot be re-signed is used as it is; it may still work.
   */
  const privateKeys = () =>
    new Map(engine.items().filter((item) => item.link && item.key && item.objectUrl).map((item) => [item.objectUrl as string, item.key as string]));
  const freshLinks = async (urls: string[], byUrl: Map<string, string>): Promise<string[]> => {
    try {
      const signed = await engine.objectLinks(urls.map((url) => byUrl.get(url)).filter((key): key is string => key !== undefined));
      return urls.map((url) => signed.get(byUrl.get(url) ?? '') ?? url);
    } catch {
      return urls;
    }
  };
  /** Calls `use` with usable links: at once for public links, after re-signing for private ones. */
  const withFreshLinks = (urls: string[], use: (fresh: string[]) => void | Promise<void>): void | Promise<void> => {
    const byUrl = privateKeys();
    if (!urls.some((url) => byUrl.has(url))) return use(urls);
    return freshLinks(urls, byUrl).then(use);
  };

  const withEngine = (act: () => void) => {
    act();
    scheduleRender();
  };

  /**
   * A prepared copy (USER_DATA_PATH/outgoing) is only needed while its upload may still
   * send it: deleted when it is done, fails for good (refused: a retry cannot help), or
   * leaves the list, and when the page unloads (see unload). A failure a retry may fix
   * keeps it, so 重试 sends the same bytes, and so does a saved upload in parts.
   */
  const discardCopy = (item: UploadItem | undefined) => {
    const copy = item && preparedCopy(item.file);
    if (copy) platform.removeTempFile(copy);
  };
  /**
   * Done with here, but a copy whose upload in parts stays saved is kept: 继续上传 on a later
   * launch sends that very file, and that launch's cleanup (loadResumable) keeps it as long
   * as the upload is saved. The copy and the saved upload end together.
   */
  const discardUnlessSaved = (item: UploadItem) => {
    if (!engine.hasSavedUpload(item.id)) discardCopy(item);
  };
  const endedForGood = (item: UploadItem) => item.status === 'done' || (item.status === 'failed' && item.error?.retryable === false);
  const stillSending = (item: UploadItem) => item.status === 'waiting' || item.status === 'uploading' || item.status === 'paused';
  const removeItem = (id: string) => {
    discardCopy(engine.items().find((item) => item.id === id));
    engine.remove(id);
  };

  // ---- 继续上传: what an earlier launch left unfinished ----
  let saved: SavedUploadSummary[] = [];
  const gone = new Set<string>();
  const busyRows = new Set<string>();
  const renderResumable = () => {
    if (!alive) return;
    const at = now();
    host.setData({ resumable: saved.map((s) => resumeRowView(s, t, at, gone.has(s.id), busyRows.has(s.id))) });
  };
  /** Lists them, each checked against the phone: the temp file it was sending must still be there, as large. */
  const loadResumable = async () => {
    saved = engine.unfinished();
    // What a killed run left in USER_DATA_PATH goes, but not what 继续上传 will send.
    void platform.removeLeftoverTempFiles(new Set(saved.map((s) => s.file.path)));
    gone.clear();
    await Promise.all(
      saved.map(async (s) => {
        const size = await platform.fileSize(s.file.path).catch(() => -1);
        if (size !== s.file.size) gone.add(s.id);
      }),
    );
    renderResumable();
  };
  const dropRow = (id: string) => {
    saved = saved.filter((s) => s.id !== id);
    busyRows.delete(id);
    renderResumable();
  };

  /** Limits come from the signer; until they do, nothing can be added. */
  const loadLimits = async () => {
    host.setData({ limitsState: 'loading', limitsText: t.limitsLoading, signerErrorText: '', canAdd: false });
    try {
      limits = await engine.loadLimits();
      pickers = pickerOptions(limits.allowedTypes);
      host.setData({ limitsState: 'ready', limitsText: t.limitsHint(limits), canAdd: !host.data.busy });
      renderNow();
    } catch (err) {
      host.setData({ limitsState: 'error', signerErrorText: signerErrorText(err, services) });
    }
  };

  /** The pickers that can give something the signer accepts, in the order the sheet lists them. */
  const availablePickers = (): Picker[] => {
    if (!pickers) return [];
    const list: Picker[] = pickers.mediaTypes.length > 0 ? ['camera', 'album'] : [];
    if (typeof platform.chooseChatFiles === 'function') list.push('chat');
    return list;
  };

  const choose = (picker: Picker, count: number): Promise<PickedFile[]> => {
    const options = pickers as PickerOptions;
    if (picker === 'chat') {
      if (!platform.chooseChatFiles) return Promise.resolve([]);
      return platform.chooseChatFiles({ count, type: options.chatType, ...(options.extensions ? { extensions: options.extensions } : {}) });
    }
    return platform.chooseMedia({ count, source: picker, mediaTypes: options.mediaTypes });
  };

  const pickWith = async (picker: Picker) => {
    if (!limits || !host.data.canAdd || room() === 0) return;
    host.setData({ busy: true, canAdd: false });
    try {
      let files: PickedFile[];
      try {
        files = await choose(picker, room());
      } catch (err) {
        const permission = err instanceof PlatformError && err.kind === 'permission';
        if (!permission) devLog('the picker failed', err);
        // Named by the picker the person chose: "没能打开相册" after 拍照 sends them the wrong way.
        const failed = picker === 'camera' ? t.pickFailedCamera : picker === 'chat' ? t.pickFailedChat : t.pickFailed;
        platform.toast(permission ? t.pickPermission : failed, 'error');
        return;
      }
      if (files.length === 0) return; // the person closed the picker
      const prepared = await preparePhotos(label(files, now()), { original: host.data.original, removeLocation: config.removeLocation !== false, log: devLog }, platform);
      const adding = engine.add(prepared.files);
      scheduleRender();
      const { rejected } = await adding;
      // Photos whose position could not be removed are held back, and said so with the files refused.
      const notAdded = [...prepared.uncleaned.map(({ file }) => ({ file, message: t.metadataNotRemoved })), ...rejected];
      host.setData({
        rejections: notAdded.map((r) => {
          const name = displayName(r.file, t.lang, now());
          return { name, shortName: middleEllipsis(name, REJECTION_NAME_BUDGET), message: r.message };
        }),
        rejectedTitle: notAdded.length > 0 ? t.rejectedTitle(notAdded.length) : '',
      });
    } catch (err) {
      devLog('adding the files failed', err);
      platform.toast(t.addFailed, 'error');
    } finally {
      // The grid has its new photos from now on, even before their tiles render: ending `busy`
      // without saying so would flash 还没有照片 until then.
      host.setData({ busy: false, canAdd: host.data.limitsState === 'ready', 'summary.hasItems': engine.items().length > 0 });
      scheduleRender();
    }
  };

  const PICKER_LABEL: Record<Picker, string> = { camera: t.takePhoto, album: t.chooseAlbum, chat: t.chooseChatFiles };
  /** A service that takes only videos: 拍照 would promise a photo the camera will not take. */
  const VIDEO_PICKER_LABEL: Record<Picker, string> = { ...PICKER_LABEL, camera: t.recordVideo, album: t.chooseAlbumVideo };
  const pickerLabel = (picker: Picker) => {
    const onlyVideos = pickers !== undefined && pickers.mediaTypes.length === 1 && pickers.mediaTypes[0] === 'video';
    return (onlyVideos ? VIDEO_PICKER_LABEL : PICKER_LABEL)[picker];
  };

  const cardOf = (id: string) => host.data.items.find((card) => card.id === id);

  const copy = (url: string) => {
    if (!url) return;
    return withFreshLinks([url], async ([fresh]) => {
      try {
        await platform.copyText(fresh, t.copied);
      } catch {
        platform.toast(t.copyFailed, 'error');
      }
    });
  };

  const preview = (url: string) => {
    if (!url) return;
    const shown = host.data.items.filter((card) => card.canPreview).map((card) => card.objectUrl);
    const urls = shown.length > 0 ? shown : [url];
    return withFreshLinks(urls, (fresh) => platform.previewImages(fresh, fresh[urls.indexOf(url)] ?? url));
  };

  /** A sheet of actions; each label runs its action when chosen. */
  const sheet = async (actions: Array<[string, () => unknown]>) => {
    const index = await platform.actionSheet(actions.map(([label]) => label));
    if (index !== undefined && actions[index]) await actions[index][1]();
  };

  return {
    load() {
      const settled = (item: UploadItem) => {
        if (endedForGood(item)) discardUnlessSaved(item);
        scheduleRender();
      };
      unsubscribe = [engine.on('change', scheduleRender), engine.on('settled', settled)];
      const canChatFiles = typeof platform.chooseChatFiles === 'function';
      host.setData({
        t: {
          add: t.add,
          original: t.original,
          preparing: t.preparing,
          retryAll: t.retryAll,
          cancelAll: t.cancelAll,
          clearList: t.clearList,
          emptyTitle: t.emptyTitle,
          // Only point to a chat-file picker the platform has.
          emptyHint: canChatFiles ? t.emptyHint : t.emptyHintPhotos,
          retryConnect: t.retryConnect,
          dismiss: t.dismiss,
          resumeTitle: t.resumeTitle,
          continueUpload: t.continueUpload,
          discard: t.discard,
        },
        cardLabels: { cancel: t.cancel, remove: t.remove },
      });
      renderNow();
      return Promise.all([loadLimits(), loadResumable()]).then(() => undefined);
    },
    show() {
      platform.setPageTitle(t.uploadTitle);
      platform.setTabTitles(t.tabs);
    },
    unload() {
      alive = false;
      unsubscribe.forEach((off) => off());
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      if (tickTimer !== undefined) clearTimeout(tickTimer);
      // Nothing of this page left on the phone's disk: copies of files no longer sending go now
      // (a later 重试 would read the picked file's copy no more), the rest once they end; those
      // of saved uploads in parts stay for 继续上传 (discardUnlessSaved).
      const sending = new Set<string>();
      for (const item of engine.items()) {
        if (stillSending(item)) sending.add(item.id);
        else discardUnlessSaved(item);
      }
      if (sending.size === 0) return;
      const off = engine.on('settled', (item) => {
        if (!sending.delete(item.id)) return;
        discardUnlessSaved(item);
        if (sending.size === 0) off();
      });
    },
    reconnect: loadLimits,
    /** The "+" tile: straight to the one picker there is, or a sheet to choose between them. */
    async add() {
      if (!host.data.canAdd) return;
      const list = availablePickers();
      if (list.length === 0) return;
      if (list.length === 1) return pickWith(list[0]);
      const index = await platform.actionSheet(list.map(pickerLabel));
      if (index !== undefined && list[index]) return pickWith(list[index]);
    },
    addPhotos: () => pickWith('album'),
    takePhoto: () => pickWith('camera'),
    addChatFiles: () => pickWith('chat'),
    toggleOriginal() {
      // The pick being prepared goes as 原图 was when it was chosen: switching now would show 原图
      // on over photos going compressed (or off over originals).
      if (host.data.busy) return;
      host.setData({ original: !host.data.original });
    },
    dismissRejections() {
      host.setData({ rejections: [], rejectedTitle: '' });
    },
    /** A tap on a tile does what its state suggests: preview, retry, resume, or tell why it failed. */
    tap(id: string) {
      const card = cardOf(id);
      if (!card) return;
      if (card.canResume) return withEngine(() => engine.resume(id));
      if (card.status === 'done') {
        if (card.canPreview) return preview(card.objectUrl);
        if (card.canCopy) return sheet([[t.copyLink, () => copy(card.objectUrl)]]);
        if (card.canRetry) return withEngine(() => engine.retry(id)); // a private link that could not be signed
        return;
      }
      if (card.status === 'cancelled') return withEngine(() => engine.retry(id));
      if (card.status === 'failed') {
        if (!card.canRetry) return platform.toast(card.errorText, 'error');
        return platform
          .confirm({ title: t.failedTitle, content: card.errorText, confirmText: t.retry, cancelText: t.cancel })
          .then((again) => (again ? withEngine(() => engine.retry(id)) : undefined));
      }
    },
    /** A long press offers what a tile can do beyond its tap: copy the link, preview, remove. */
    hold(id: string) {
      const card = cardOf(id);
      if (!card) return;
      const actions: Array<[string, () => unknown]> = [];
      if (card.canCopy) actions.push([t.copyLink, () => copy(card.objectUrl)]);
      if (card.canPreview) actions.push([t.preview, () => preview(card.objectUrl)]);
      if (card.canRetry) actions.push([t.retry, () => withEngine(() => engine.retry(id))]);
      if (card.canPause) actions.push([t.pause, () => withEngine(() => engine.pause(id))]);
      if (card.canResume) actions.push([t.resume, () => withEngine(() => engine.resume(id))]);
      actions.push(card.canCancel ? [t.cancel, () => withEngine(() => engine.cancel(id))] : [t.remove, () => withEngine(() => removeItem(id))]);
      return sheet(actions);
    },
    /** The × corner: cancels a photo still going, removes any other from the list. */
    corner(id: string) {
      const card = cardOf(id);
      if (!card) return;
      withEngine(() => (card.canCancel ? engine.cancel(id) : removeItem(id)));
    },
    /** The tile's 暂停 / 继续 button (files in parts only). */
    toggle(id: string) {
      const card = cardOf(id);
      if (!card) return;
      if (card.canPause) withEngine(() => engine.pause(id));
      else if (card.canResume) withEngine(() => engine.resume(id));
    },
    pause: (id: string) => withEngine(() => engine.pause(id)),
    resume: (id: string) => withEngine(() => engine.resume(id)),
    /** 继续上传: the row leaves the list and its file joins the grid, going on from the parts the store holds. */
    continueSaved(id: string) {
      const row = host.data.resumable.find((r) => r.id === id);
      if (!row || !row.canContinue) return;
      const item = engine.continueSaved(id);
      if (!item) {
        platform.toast(t.continueFailed, 'error');
        return loadResumable();
      }
      dropRow(id);
      scheduleRender();
    },
    /** 放弃: asks first, then abandons the upload on the store and forgets it here. */
    async discardSaved(id: string) {
      const row = host.data.resumable.find((r) => r.id === id);
      if (!row || row.busy) return;
      // "已传的部分会被删除" only where parts were sent: a photo of one request has none.
      const sent = (saved.find((s) => s.id === id)?.bytesDone ?? 0) > 0;
      const content = sent ? t.discardConfirm : t.discardConfirmUnsent;
      const sure = await platform.confirm({ title: t.discardConfirmTitle, content, confirmText: t.discard, cancelText: t.keepIt });
      if (!sure) return;
      busyRows.add(id);
      renderResumable();
      try {
        await engine.discardSaved(id);
        dropRow(id);
      } catch (err) {
        devLog('abandoning the upload failed', err);
        busyRows.delete(id);
        renderResumable();
        platform.toast(t.discardFailed, 'error');
      }
    },
    cancel: (id: string) => withEngine(() => engine.cancel(id)),
    retry: (id: string) => withEngine(() => engine.retry(id)),
    remove: (id: string) => withEngine(() => removeItem(id)),
    retryAll: () => withEngine(() => engine.retryAllFailed()),
    cancelAll: () => withEngine(() => engine.cancelAll()),
    clear() {
      if (!host.data.summary.canClear) return;
      withEngine(() => engine.items().forEach((item) => removeItem(item.id)));
    },
    copy,
    preview,
    renderNow,
  };
}
