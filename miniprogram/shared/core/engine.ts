// The upload engine: checks files against the signer's limits, asks for tickets
// (one request per batch), uploads N at a time with retries and fresh tickets, and
// makes sure every file ends done, failed (with why) or cancelled. It orchestrates;
// item state lives in items.ts, decisions in retry.ts, signer calls in ticket-client.ts.
import type { UploadLimits, UploadTicket } from '../../../typings/ticket';
import type { MultipartLimits } from '../../../typings/multipart';
import type { EngineEvents, Lang, PickedFile, Rejection, SavedUploadSummary, UploadEngineApi, UploadItem } from './types';
import { TransportError, type FileUploadRequest, type KeyValueStore, type Transport } from './ports';
import { createMultipartClient } from './multipart-client';
import { partRange } from '../contract/index';
import { MultipartState, savedFile } from './multipart-state';
import { PartsCutByBackground, PartsFailure, uploadInParts, uploadLost, type PartsContext } from './multipart-transfer';
import { TRANSFER_SLOTS, withRequestBudget } from './request-budget';
import { ConcurrencyQueue } from './queue';
import { Emitter } from './emitter';
import { CANCELLED, ItemStore, type Entry, type Run } from './items';
import { decodeParts } from './multipart-state';
import { PENDING_KEY_PREFIX, PendingUploads } from './pending-uploads';
import type { UploadTask } from './ports';
import { checkBatch, checkFile } from './restrictions';
import { batchProgress } from './progress';
import { rejectionMessage } from './messages';
import { effectiveType } from './mime';
import { MAX_FILES_PER_TICKET_REQUEST } from '../contract/index';
import { problem, toFailure, type Problem } from './failure';
import { createTicketClient, SignerError, signerProblem, ticketRequestFile, type TicketBatch, type TicketSource } from './ticket-client';
import { createClientTicketSource, type ClientSigningOptions } from './client-tickets';
import { createBatchLinks, createObjectLinks, linkRetryable } from './object-links';
import { askSigner } from './signer-retry';
import { DEFAULT_STALL_POLICY, realTimers, watchUpload, type StallPolicy, type Timers, type TransferWatch, type WatchedUpload } from './stall-watchdog';
import {
  classifyResponse,
  classifyTransportError,
  nextStep,
  retryDelay,
  retryReasonOf,
  retryPolicy,
  ticketIsStale,
  type AttemptOutcome,
  type HeldTicket,
  type RetryPolicy,
} from './retry';
import type { SessionKeeper } from './session';

export interface EngineOptions {
  signerUrl: string;
  transport: Transport;
  /** 'zh' default: the language of the messages in failures and rejections. */
  lang?: Lang;
  /** Uploads at once; default 3, clamped to MAX_CONCURRENCY. */
  concurrency?: number;
  /** Bearer token for /api/*. */
  authToken?: string;
  retry?: Partial<RetryPolicy>;
  /** ms clock; tests pin it. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per request/upload, handed to the transport. */
  timeoutMs?: number;
  /**
   * POST uploads are judged by their progress: quiet this long is "slow", longer is a
   * stall that is cut and retried (stall-watchdog.ts). `false` turns the watch off.
   */
  stall?: Partial<StallPolicy> | false;
  /** The timers the stall watch uses; tests pass a clock they move. */
  timers?: Timers;
  /** Set for `signing: 'client'`: tickets are signed on the phone from /api/credentials grants. */
  clientSigning?: ClientSigningOptions;
  /** The signed-in session whose token goes with every /api/* call (session.ts). */
  session?: SessionKeeper;
  /** Where uploads in parts are remembered across launches (the platform's storage); none: this run only. */
  storage?: KeyValueStore;
}

export const DEFAULT_CONCURRENCY = 3;
/**
 * WeChat allows 10 concurrent network requests (request, uploadFile and downloadFile
 * share them). Uploads and parts take at most 8; the signer's calls share the other two
 * (request-budget.ts), so all together never pass the platform's limit.
 */
export const MAX_CONCURRENCY = TRANSFER_SLOTS;

export function clampConcurrency(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(requested)));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** No bytes for the whole stall window: retried like a timeout, and worded as one if it stays that way. */
const stalledOutcome = (): AttemptOutcome => ({ kind: 'transient', problem: problem('timeout', { code: 'Stalled' }) });

/**
 * A watched upload's total timeout: only a backstop, since the stall watch cuts a
 * dead upload long before. A slow but steady 20 MB photo must not be cut at the
 * platforms' default 60 s.
 */
const WATCHED_UPLOAD_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * A task that cannot report progress cannot be told slow from dead, and was handed the
 * far backstop above: it is ended at the platforms' own default (wx/my.uploadFile: 60 s)
 * instead, as before progress was watched, and never called slow.
 */
export const UNWATCHABLE_UPLOAD_TIMEOUT_MS = 60_000;

/** Failures a connection cut gives: while the app is hidden they pause an upload instead. */
const CUT_REASONS: readonly string[] = ['network', 'timeout', 'signerUnreachable', 'signerSlow'];

/** A failure that leaves the ticket worth reusing on a manual retry (the store never judged it). */
const KEEPS_TICKET: readonly string[] = ['network', 'timeout', 'server'];

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

export function createUploadEngine(options: EngineOptions): UploadEngineApi {
  const lang = options.lang ?? 'zh';
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const policy = retryPolicy(options.retry);
  const { timeoutMs } = options;
  // Every signer call of this engine (and of the session, when the app shares the wrapped transport) in one budget.
  const transport = withRequestBudget(options.transport);
  const stallPolicy: StallPolicy | undefined = options.stall === false ? undefined : { ...DEFAULT_STALL_POLICY, ...options.stall };
  const timers = options.timers ?? realTimers;
  const client = createTicketClient({ signerUrl: options.signerUrl, transport, authToken: options.authToken, session: options.session, timeoutMs, now });
  // One engine, two ticket sources: the signer signs, or the app signs from a credentials grant.
  const source: TicketSource = options.clientSigning ? createClientTicketSource(client, options.clientSigning, now) : client;
  const links = createObjectLinks({ client, now, lang });
  const queue = new ConcurrencyQueue(clampConcurrency(options.concurrency));
  const events = new Emitter<EngineEvents>();
  const store = new ItemStore(events, now);
  let limits: UploadLimits | undefined;
  let loadingLimits: Promise<UploadLimits> | undefined;
  /** From /healthz: links come from /api/object-urls instead of the ticket's objectUrl. */
  let privateBucket = false;
  /** From /healthz: files above the single-request limit go up in parts, when the transport can PUT parts. */
  let multipart: MultipartLimits | undefined;
  const multipartClient = createMultipartClient(client);
  // An upload the app can no longer finish is given up on the store too (the signer takes an
  // expired token for an abort), or its parts would stay there; best effort, as any abort.
  const multipartState = new MultipartState(options.storage, (saved) => void multipartClient.abort(saved.uploadToken).catch(() => undefined));
  // Photos going in one request, remembered until they are uploaded (or given up on): an app
  // ended in the background lists them on its next launch instead of losing them silently.
  const pendingUploads = new PendingUploads(options.storage, now);
  const putPart = transport.putPart?.bind(transport);
  /** The app is in the background (hidden), and how many times it went there. */
  let hidden = false;
  let hides = 0;
  const visibility = { hidden: () => hidden, hides: () => hides };
  /** A failure a connection cut gives, with the app in the background or while it was there (the platforms drop requests after a hide). */
  const cutByBackground = (reason: string, hidesAtStart: number) => CUT_REASONS.includes(reason) && (hidden || hides !== hidesAtStart);
  /** Holds a file cut by the background until the app shows (at once when it already has), using none of its retries. */
  const waitForShow = (entry: Entry, storedBytes: number) => {
    store.pause(entry, 'background', storedBytes);
    if (!hidden) resumeEntries([entry]);
  };
  /** `sleep`, ended early when the file stops: a wait must not hold a queue slot for a file gone. */
  const sleepWhile = (run: Run) => (ms: number) => run.race(sleep(ms)).then(() => undefined);
  const partsContext: PartsContext | undefined = putPart
    ? { client: multipartClient, putPart, queue, state: multipartState, policy, now, sleep, timeoutMs, timers, visibility }
    : undefined;
  const bigEnoughForParts = (size: number) =>
    partsContext !== undefined && multipart !== undefined && limits !== undefined && size > limits.maxBytes;
  const goesInParts = (entry: Entry) => entry.item.inParts === true || bigEnoughForParts(entry.item.file.size);
  /** A file in parts is remembered by its saved upload (multipart-state.ts); any other until it ends. */
  const remember = (entries: Entry[]) => {
    for (const entry of entries) if (!(partsContext && goesInParts(entry))) pendingUploads.save(entry.item.file);
  };
  /** Stored parts' bytes per entry in parts: what a pause keeps on the bar. */
  const storedBytes = new WeakMap<Entry, number>();
  /** The limits files are checked against: multipart raises the size cap. */
  const acceptance = (current: UploadLimits): UploadLimits =>
    partsContext && multipart ? { ...current, maxBytes: Math.max(current.maxBytes, multipart.maxBytes) } : current;

  const fail = (entry: Entry, p: Problem) => store.fail(entry, toFailure(p, lang));
  const isCurrent = (entry: Entry, run: Run) => entry.run === run && run.active;

  function loadLimits(): Promise<UploadLimits> {
    if (limits) return Promise.resolve(limits);
    if (!loadingLimits) {
      loadingLimits = client.health().then(
        (health) => {
          privateBucket = health.privateBucket === true;
          multipart = health.multipart;
          return (limits = health.limits);
        },
        (error: unknown) => {
          loadingLimits = undefined; // the next add() asks again
          throw error;
        },
      );
    }
    return loadingLimits;
  }

  function hold(entry: Entry, batch: TicketBatch, index: number): void {
    if (batch.limits) limits = batch.limits;
    entry.held = { ticket: batch.tickets[index], serverOffsetMs: batch.serverOffsetMs, serverTimeMs: batch.serverTimeMs };
  }

  /** Tickets for waiting entries, in contract-sized requests one after another (uploads of the first start meanwhile). */
  async function issueTickets(entries: Entry[]): Promise<void> {
    const size = Math.min(MAX_FILES_PER_TICKET_REQUEST, limits?.maxFiles ?? MAX_FILES_PER_TICKET_REQUEST);
    for (const chunk of chunks(entries, size)) await issueChunk(chunk);
  }

  async function issueChunk(chunk: Entry[]): Promise<void> {
    let pending = chunk.map((entry) => ({ entry, run: entry.run }));
    let waits = 0;
    // Each pass either succeeds, or fails everyone, or drops the one file the signer named, or
    // waits what the signer asked (Retry-After, at most the policy's retries): bounded.
    for (;;) {
      pending = pending.filter(({ entry, run }) => isCurrent(entry, run)); // cancelled meanwhile: not asked for
      if (pending.length === 0) return;
      const hidesAtStart = hides;
      try {
        const batch = await source.tickets(pending.map(({ entry }) => ticketRequestFile(entry.item.file, entry.idempotencyKey)));
        pending.forEach(({ entry, run }, i) => {
          if (!isCurrent(entry, run)) return;
          hold(entry, batch, i);
          void queue.run(() => transfer(entry, run));
        });
        return;
      } catch (error) {
        const p = signerProblem(error);
        // Cut with the app in the background: the batch waits for it to show, as its uploads would,
        // instead of every photo failing as if the upload service could not be reached.
        if (cutByBackground(p.reason, hidesAtStart)) {
          const waiting = pending.filter(({ entry, run }) => isCurrent(entry, run) && store.pause(entry, 'background', 0)).map(({ entry }) => entry);
          if (!hidden) resumeEntries(waiting);
          return;
        }
        const index = error instanceof SignerError ? error.index : undefined;
        if (index !== undefined && index >= 0 && index < pending.length && pending.length > 1) {
          // One file is at fault: it alone fails with the signer's reason; the rest ask again without it.
          fail(pending[index].entry, p);
          pending = pending.filter((_, i) => i !== index);
          continue;
        }
        const delayMs = p.retryable ? retryDelay(policy, waits, p.retryAfterMs) : undefined;
        if (p.retryAfterMs !== undefined && delayMs !== undefined) {
          // Rate limited or briefly unavailable: the signer said when to ask again.
          waits += 1;
          await sleep(delayMs);
          continue;
        }
        for (const { entry, run } of pending) if (isCurrent(entry, run)) fail(entry, p);
        return;
      }
    }
  }

  /**
   * A single-file ticket during an upload (expired, skewed clock), asked again after a dropped
   * request or a busy signer (signer-retry.ts). False when the file ended meanwhile.
   */
  async function renewTicket(entry: Entry, run: Run): Promise<boolean> {
    const hidesAtStart = hides;
    try {
      const asking = { policy, sleep: sleepWhile(run), isCurrent: () => isCurrent(entry, run), hidden: () => hidden };
      const batch = await run.race(askSigner(asking, () => source.tickets([ticketRequestFile(entry.item.file, entry.idempotencyKey)])));
      if (batch === CANCELLED || !isCurrent(entry, run)) return false;
      hold(entry, batch, 0);
      return true;
    } catch (error) {
      if (!isCurrent(entry, run)) return false;
      const p = signerProblem(error);
      // Cut with the app in the background: waits for it to show, as an upload does.
      if (cutByBackground(p.reason, hidesAtStart)) {
        waitForShow(entry, 0);
        return false;
      }
      fail(entry, p);
      return false;
    }
  }

  /**
   * Only a multipart POST reports progress as it goes; a PUT (read whole, sent by
   * request) reports only its end, so silence there says nothing.
   */
  const watched = (ticket: UploadTicket) => stallPolicy !== undefined && ticket.method === 'POST';

  function uploadRequest(entry: Entry, ticket: UploadTicket, run: Run, watch: () => TransferWatch | undefined): FileUploadRequest {
    return {
      method: ticket.method,
      url: ticket.url,
      filePath: entry.item.file.path,
      fileName: entry.item.file.name,
      fileField: ticket.fileField,
      fields: ticket.method === 'POST' ? ticket.fields : {},
      headers: ticket.headers,
      timeoutMs: watched(ticket) ? (timeoutMs ?? WATCHED_UPLOAD_TIMEOUT_MS) : timeoutMs,
      onProgress: (progress) => {
        if (!isCurrent(entry, run)) return;
        watch()?.progress(progress.bytesSent, progress.totalBytes);
        store.progress(entry, progress);
      },
    };
  }

  async function attempt(entry: Entry, ticket: UploadTicket, run: Run): Promise<AttemptOutcome> {
    let watching: WatchedUpload | undefined;
    try {
      const task = transport.upload(uploadRequest(entry, ticket, run, () => watching?.watch));
      entry.task = task;
      if (watched(ticket) && task.reportsProgress === false) {
        const totalMs = timeoutMs ?? UNWATCHABLE_UPLOAD_TIMEOUT_MS;
        watching = watchUpload(task, { policy: { slowAfterMs: totalMs, stallAfterMs: totalMs }, timers, onSlow: () => undefined });
      } else if (watched(ticket)) {
        watching = watchUpload(task, {
          policy: stallPolicy as StallPolicy,
          timers,
          startSlow: entry.item.slow === true,
          onSlow: (slow) => isCurrent(entry, run) && store.setSlow(entry, slow),
        });
      }
      // A stall wins even over a transport whose abort() never settles its result.
      const response = await run.race(watching ? Promise.race([task.result, watching.stalled]) : task.result);
      if (response === CANCELLED) return { kind: 'aborted' };
      if (response === 'stalled') return stalledOutcome();
      return classifyResponse(response, ticket);
    } catch (error) {
      if (watching?.hasStalled()) return stalledOutcome();
      if (error instanceof TransportError) return classifyTransportError(error, ticket.url);
      // A transport that throws instead of rejecting: an adapter bug, but the file must still end.
      return { kind: 'fatal', problem: problem('unknown', { code: error instanceof Error ? error.name : undefined }) };
    } finally {
      watching?.watch.stop();
      if (entry.run === run) entry.task = undefined;
    }
  }

  /** One file's whole upload, holding one queue slot: attempts, pauses and fresh tickets. */
  async function transfer(entry: Entry, run: Run): Promise<void> {
    for (;;) {
      if (!isCurrent(entry, run)) return; // cancelled before start (or between tries): never starts
      const held = entry.held;
      const stale = !held || ticketIsStale(held, now(), policy.ticketMarginMs);
      // Out of fresh tickets, a stale one is still tried: the store has the last word on expiry.
      if (stale && (!held || entry.budget.freshTickets < policy.freshTickets)) {
        if (held) entry.budget.freshTickets += 1;
        if (!(await renewTicket(entry, run))) return;
        continue;
      }
      const current = (held as HeldTicket).ticket;
      const hidesAtStart = hides;
      store.startAttempt(entry);
      let outcome = await attempt(entry, current, run);
      if (!isCurrent(entry, run)) return;
      if (outcome.kind === 'done') {
        store.done(entry, current, privateBucket);
        return;
      }
      // Aborted while we still wanted it (the platform dropped it, e.g. app sent to background): a network failure.
      if (outcome.kind === 'aborted') outcome = { kind: 'transient', problem: problem('network') };
      // Cut with the app in the background: not the file's failure, so no retry is used.
      if (outcome.kind === 'transient' && cutByBackground(outcome.problem.reason, hidesAtStart)) {
        waitForShow(entry, 0);
        return;
      }
      const step = nextStep(outcome, entry.budget, policy);
      if (step.action === 'fail') {
        fail(entry, step.problem);
        return;
      }
      if (step.action === 'freshTicket') {
        entry.budget.freshTickets += 1;
        entry.held = undefined;
        continue;
      }
      entry.budget.retries += 1;
      // Transient only (nextStep waits for nothing else): the page says why and counts down.
      if (outcome.kind === 'transient') store.waitRetry(entry, { reason: retryReasonOf(outcome.problem), at: now() + step.delayMs });
      await run.race(sleep(step.delayMs));
    }
  }

  /**
   * A large file's whole upload in parts. It holds no queue slot itself (its parts take
   * them), so a file in parts never blocks the queue while it talks to the signer.
   */
  async function transferInParts(entry: Entry, run: Run, context: PartsContext): Promise<void> {
    if (!isCurrent(entry, run)) return;
    const hidesAtStart = hides;
    store.startAttempt(entry, true);
    const tasks = new Set<UploadTask>();
    // Cancelling the file aborts every part in flight (the parts the store holds stay, so a retry resumes).
    entry.task = { result: new Promise<never>(() => undefined), abort: () => tasks.forEach((task) => task.abort()) };
    try {
      const stored = await uploadInParts(context, entry.item.file, {
        isCurrent: () => isCurrent(entry, run),
        sleep: sleepWhile(run),
        progress: (bytesSent, totalBytes, stored) => {
          if (!isCurrent(entry, run)) return;
          storedBytes.set(entry, stored);
          store.progress(entry, { bytesSent, totalBytes });
        },
        tasks,
      });
      if (stored && isCurrent(entry, run)) store.done(entry, stored, privateBucket);
    } catch (error) {
      if (!isCurrent(entry, run)) return;
      const p = error instanceof PartsFailure ? error.problem : error instanceof PartsCutByBackground ? problem('network') : signerProblem(error);
      // The connection went with the app to the background (or came back cut): paused, not failed.
      if (cutByBackground(p.reason, hidesAtStart)) {
        waitForShow(entry, storedBytes.get(entry) ?? 0);
        return;
      }
      fail(entry, p);
    } finally {
      if (entry.run === run) entry.task = undefined;
      // Removed while a step was under way (its start, most likely, which saves the upload
      // after remove() looked): abandoned now, or it would come back as 上次没有传完.
      if (store.get(entry.item.id) !== entry) abandonSaved(entry.item.file);
    }
  }

  /** Removed for good: an upload in parts is abandoned on the store too (cancel keeps it to resume). */
  function abandonSaved(file: PickedFile): void {
    const saved = multipartState.load(file, now());
    if (!saved) return;
    multipartState.clear(file);
    multipartClient.abort(saved.uploadToken).catch(() => undefined);
  }

  /** (Re)starts entries: reusable tickets go straight to the queue, the rest share ticket requests. */
  function schedule(entries: Entry[]): void {
    const needTickets: Entry[] = [];
    for (const entry of entries) {
      if (partsContext && goesInParts(entry)) {
        void transferInParts(entry, entry.run, partsContext);
      } else if (entry.held && !ticketIsStale(entry.held, now(), policy.ticketMarginMs)) {
        const run = entry.run;
        void queue.run(() => transfer(entry, run));
      } else {
        needTickets.push(entry);
      }
    }
    if (needTickets.length > 0) void issueTickets(needTickets);
  }

  // Private buckets: a batch's links are signed together once its last file has ended.
  const batchLinks = createBatchLinks({ store, links, lang, isPrivate: () => privateBucket });
  events.on('settled', (item) => {
    // Uploaded, cancelled or refused for good: nothing for a later launch to offer. A failure a
    // retry may fix stays remembered, as it stays on the page with 点按重试.
    const over = item.status === 'done' || item.status === 'cancelled' || (item.status === 'failed' && item.error?.retryable === false);
    if (over) pendingUploads.clear(item.file);
    const entry = store.get(item.id);
    if (entry) batchLinks.settled(entry);
  });

  /** Why a file the limits now refuse fails, in the words a refused pick gets. */
  function refusal(file: PickedFile, current: UploadLimits): Problem | undefined {
    const accepting = acceptance(current);
    const reason = checkFile(file, accepting);
    if (reason === 'tooLarge') return problem('tooLarge', { context: { maxBytes: accepting.maxBytes, fileSize: file.size } });
    if (reason === 'typeNotAllowed') return problem('typeNotAllowed', { context: { fileType: effectiveType(file), allowedTypes: current.allowedTypes } });
    if (reason === 'empty') return problem('file');
    return undefined;
  }

  /**
   * Plans files that were not checked against this launch's limits (a photo an earlier launch
   * left unsent, a file added while the signer could not be reached) as add() plans a new
   * pick: refused for good when the limits no longer take it, in parts when it is now above
   * the single-request limit, else in one request.
   */
  function admit(entries: Entry[], current: UploadLimits): void {
    const going: Entry[] = [];
    for (const entry of entries) {
      const refused = refusal(entry.item.file, current);
      if (refused) {
        fail(entry, refused);
        continue;
      }
      if (bigEnoughForParts(entry.item.file.size)) store.planInParts(entry);
      going.push(entry);
    }
    remember(going);
    schedule(going);
  }

  /** `admit`, once the limits are in; without them the files fail with why (a retry asks again). */
  function admitWhenLimitsKnown(entries: Entry[]): void {
    if (limits) {
      admit(entries, limits);
      return;
    }
    const runs = entries.map((entry) => ({ entry, run: entry.run }));
    const stillWanted = () => runs.filter(({ entry, run }) => isCurrent(entry, run)).map(({ entry }) => entry);
    loadLimits().then(
      (current) => admit(stillWanted(), current),
      (error: unknown) => {
        for (const entry of stillWanted()) fail(entry, signerProblem(error));
      },
    );
  }

  function resumeEntries(entries: Entry[]): void {
    schedule(entries.filter((entry) => entry.item.status === 'paused' && store.requeue(entry)));
  }

  function retryEntries(entries: Entry[]): void {
    batchLinks.retry(entries);
    const again = entries.filter((entry) => {
      const error = entry.item.error;
      const status = entry.item.status;
      if (status !== 'failed' && status !== 'cancelled') return false;
      if (status === 'failed' && !(error && KEEPS_TICKET.includes(error.reason))) entry.held = undefined;
      return store.requeue(entry);
    });
    if (!limits) {
      // Added (or continued) while the signer could not be reached: never checked, never planned.
      admitWhenLimitsKnown(again);
      return;
    }
    remember(again);
    schedule(again);
  }

  return {
    // What a file is checked against here: a platform that can send parts takes files up
    // to the multipart cap, so the page's hint names that, not the single-request one.
    loadLimits: () => loadLimits().then(acceptance),

    async add(files) {
      let current: UploadLimits;
      try {
        current = await loadLimits();
      } catch (error) {
        // Nothing can be checked or sent without the signer; the files still appear, failed with
        // why, so the person sees it and a retry (which asks the signer again) can pick them up.
        const entries = files.map((file) => store.create(file));
        remember(entries);
        for (const entry of entries) fail(entry, signerProblem(error));
        return { accepted: entries.map((entry) => store.snapshot(entry)), rejected: [] };
      }
      const accepting = acceptance(current);
      const check = checkBatch(files, accepting);
      const rejected: Rejection[] = check.rejected.map(({ file, reason }) => ({
        file,
        reason,
        message: rejectionMessage(reason, lang, {
          maxBytes: accepting.maxBytes,
          maxFiles: current.maxFiles,
          allowedTypes: current.allowedTypes,
          fileSize: file.size,
          fileType: effectiveType(file),
        }),
      }));
      const entries = check.accepted.map((file) => store.create(file, bigEnoughForParts(file.size)));
      batchLinks.group(entries);
      remember(entries);
      schedule(entries);
      return { accepted: entries.map((entry) => store.snapshot(entry)), rejected };
    },

    cancel(id) {
      const entry = store.get(id);
      if (entry) store.cancel(entry);
    },

    cancelAll() {
      for (const entry of store.all()) store.cancel(entry);
    },

    pause(id) {
      const entry = store.get(id);
      if (!entry || !goesInParts(entry)) return;
      store.pause(entry, 'person', storedBytes.get(entry) ?? 0);
    },

    resume(id) {
      const entry = store.get(id);
      if (entry) resumeEntries([entry]);
    },

    setAppVisible(visible) {
      if (visible === !hidden) return;
      hidden = !visible;
      if (hidden) {
        hides += 1;
        return;
      }
      resumeEntries(store.all().filter((entry) => entry.item.status === 'paused' && entry.item.pausedBy === 'background'));
    },

    unfinished(): SavedUploadSummary[] {
      const listed = new Set(store.all().map((entry) => entry.item.file.path));
      // A transport that cannot send parts could not continue one (and never saved one).
      const inParts: SavedUploadSummary[] = !partsContext
        ? []
        : multipartState
            .list(now())
            .filter(({ saved }) => !listed.has(saved.path))
            .map(({ id, saved }) => {
              const plan = { size: saved.size, partSize: saved.partSize, partCount: saved.partCount };
              const bytesDone = decodeParts(saved.partsDone, saved.partCount).reduce((sum, n) => sum + partRange(plan, n).size, 0);
              return { id, file: savedFile(saved), bytesDone, totalBytes: saved.size };
            });
      for (const saved of inParts) listed.add(saved.file.path);
      const single = pendingUploads
        .list()
        .filter(({ file }) => !listed.has(file.path))
        .map(({ id, file }) => ({ id, file, bytesDone: 0, totalBytes: file.size }));
      return [...inParts, ...single];
    },

    hasSavedUpload(id) {
      const entry = store.get(id);
      return entry !== undefined && multipartState.load(entry.item.file, now()) !== undefined;
    },
    continueSaved(id) {
      if (id.startsWith(PENDING_KEY_PREFIX)) {
        // A photo of one request: sent again from its start (nothing of a half-sent POST is kept),
        // planned against this launch's limits, which may have changed since it was saved (in
        // parts now, or refused), as soon as they are known: the list is shown before they are.
        const file = pendingUploads.byId(id);
        if (!file) return undefined;
        const entry = store.create(file);
        admitWhenLimitsKnown([entry]);
        return store.snapshot(entry);
      }
      const saved = multipartState.byId(id, now());
      if (!saved || !partsContext) return undefined;
      const entry = store.create(savedFile(saved), true);
      schedule([entry]);
      return store.snapshot(entry);
    },

    async discardSaved(id) {
      if (id.startsWith(PENDING_KEY_PREFIX)) {
        pendingUploads.clearId(id); // nothing of it is on the store
        return;
      }
      const saved = multipartState.byId(id, now());
      if (!saved) return;
      try {
        await multipartClient.abort(saved.uploadToken);
      } catch (error) {
        // Kept when the signer could not be reached: forgetting it here would leave its parts on the store.
        // Gone, or started under another sign-in (which this caller can never abort): nothing left to keep.
        if (!uploadLost(error)) throw error;
      }
      multipartState.clearId(id);
    },

    retry(id) {
      const entry = store.get(id);
      if (entry) retryEntries([entry]);
    },

    retryAllFailed() {
      // Like the cards' retry buttons: a refusal that repeating cannot change (too large, wrong type)
      // stays failed rather than being sent again over the person's data plan.
      const again = (item: UploadItem) => (item.status === 'failed' && item.error?.retryable !== false) || linkRetryable(item);
      retryEntries(store.all().filter((entry) => again(entry.item)));
    },

    remove(id) {
      const entry = store.get(id);
      if (!entry) return;
      store.cancel(entry);
      store.forget(id);
      abandonSaved(entry.item.file);
    },

    items(): readonly UploadItem[] {
      return store.all().map((entry) => store.snapshot(entry));
    },

    progress: () => batchProgress(store.all().map((entry) => entry.item)),

    on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]) {
      return events.on(event, listener);
    },

    async objectLinks(keys) {
      const signed = await links.links(keys);
      return new Map(Array.from(signed, ([key, link]) => [key, link.url]));
    },
  };
}
