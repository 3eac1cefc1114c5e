// One large file uploaded in parts: start (or resume) the upload with the signer, PUT
// each part straight to the store, and complete. Resuming asks the store which parts
// it holds (via the signer's ListParts), so at most the parts in flight when the
// connection dropped or the app was killed are sent again. Parts share the engine's
// queue with every other upload, so together they stay within the platform's request
// budget; the signer calls (start, sign, complete) use the room the engine leaves.
// Pausing is the run stopping (the engine aborts the parts in flight); a cut while the
// app is in the background pauses the file instead of failing it (PartsCutByBackground).
import { partRange, type PartPlan } from '../contract/index';
import { problem, type Problem } from './failure';
import type { MultipartClient } from './multipart-client';
import type { MultipartState, SavedUpload } from './multipart-state';
import { TransportError, type FilePartRequest, type HttpResponse, type UploadTask } from './ports';
import type { ConcurrencyQueue } from './queue';
import type { Timers } from './stall-watchdog';
import { classifyTransportError, type AttemptOutcome, type RetryPolicy } from './retry';
import { isExpiryOrSkew, isSlowOrCutBody, parseStoreError } from './store-errors';
import { askSigner, StoppedWhileWaiting, type AskSignerDeps } from './signer-retry';
import { SignerError } from './ticket-client';
import type { PickedFile } from './types';

/** Part URLs signed per request ahead of need: one round trip serves many parts. */
const SIGN_AHEAD = 20;
/** A part URL with less than this left is signed again before use: a part takes time to send. */
const PART_URL_MARGIN_MS = 30_000;
/** Fresh URLs one part may get after the store said its URL expired. */
const PART_RESIGNS = 2;
/** The signer's answers meaning "this upload is gone": start the file again. */
export const UPLOAD_GONE: readonly string[] = ['UploadExpired', 'InvalidUploadToken'];
/**
 * The signer's 403 Forbidden on a step of a saved upload: it was started under another sign-in
 * (or anonymously, before one worked), so this caller can neither finish nor abort it. It is
 * as lost to this phone as a gone one: the file starts again under the current sign-in.
 */
const startedByAnother = (error: unknown) => error instanceof SignerError && error.problem.status === 403 && error.problem.code === 'Forbidden';
/** The saved upload can never be finished (or abandoned) from here: forget it. */
export const uploadLost = (error: unknown): boolean =>
  (error instanceof SignerError && UPLOAD_GONE.includes(error.problem.code ?? '')) || startedByAnother(error) || error instanceof DroppedByStore;

export interface PartsContext {
  client: MultipartClient;
  putPart(request: FilePartRequest): UploadTask;
  queue: ConcurrencyQueue;
  state: MultipartState;
  policy: RetryPolicy;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  timeoutMs?: number;
  /** Drives the estimate of the part in flight (its clock and the redraw tick). */
  timers: Timers;
  /** Whether the app is in the background, and how many times it went there (a cut spans a hide). */
  visibility: { hidden(): boolean; hides(): number };
}

export interface PartsRun {
  isCurrent(): boolean;
  /** Waits `ms`, or less: it resolves as soon as the file stops (paused, cancelled), so nothing holds a slot for a file gone. */
  sleep(ms: number): Promise<void>;
  /**
   * `shownBytes`: what the bar shows (stored parts plus the estimate of those in flight);
   * `storedBytes`: the parts the store has accepted, what a pause keeps.
   */
  progress(shownBytes: number, totalBytes: number, storedBytes: number): void;
  /** Parts in flight, so cancelling the file aborts them. */
  readonly tasks: Set<UploadTask>;
}

/** The file failed for this reason (the saved upload stays, so a retry resumes). */
export class PartsFailure extends Error {
  constructor(readonly problem: Problem) {
    super(`parts: ${problem.reason}`);
    this.name = 'PartsFailure';
  }
}

/**
 * A part PUT the store answered 404 NoSuchUpload: the store itself no longer has the upload
 * (a lifecycle rule or the dev bucket's sweep aborted it), what the signer calls UploadExpired.
 */
class DroppedByStore extends PartsFailure {
  constructor(problem: Problem) {
    super(problem);
    this.name = 'DroppedByStore';
  }
}

/** A part was cut while the app was in the background: the file pauses, and goes on when the app shows again. */
export class PartsCutByBackground extends Error {
  constructor() {
    super('parts: cut in the background');
    this.name = 'PartsCutByBackground';
  }
}

/**
 * A part goes as one plain request (WeChat: the request API), which reports no upload
 * progress, only its end, so a bar fed by finished parts alone would stand still for a
 * whole part (8 MiB on a slow link is minutes). The part in flight is estimated instead, honestly: at the throughput each
 * connection reached on the parts this run already sent (none sent yet: no estimate),
 * for as long as it has been sending, capped below the part's size (it is not stored
 * until the store says so), and the bar never moves back (a part that fails keeps what
 * was shown until real progress passes it).
 */
const ESTIMATE_CAP = 0.9;

/**
 * For the same reason a part can only be ended by a total time, never for silence, and
 * the platform's default 60 s is far too short: three 8 MiB parts sharing a 3 Mbit/s
 * uplink need longer, so below that every part timed out, was sent again from its first
 * byte, and the file failed. A part gets this much, plus its bytes at the slowest pace
 * still taken for a working link, or, once parts of this run have finished, three times
 * what their pace predicts, whichever is less (a dead part on a good link ends sooner).
 */
const PART_TIMEOUT_FLOOR_MS = 60_000;
/** 16 KiB/s per part: eight parts in flight on about 1 Mbit/s. */
const SLOWEST_PART_BYTES_PER_MS = 16 * 1024 / 1000;
const PART_TIMEOUT_PACE_FACTOR = 3;
/** How often the estimate redraws the bar while parts are in flight. */
export const ESTIMATE_TICK_MS = 500;

interface PartUrl {
  url: string;
  headers: Record<string, string>;
  expiresAtMs: number;
}

const planOf = (saved: SavedUpload): PartPlan => ({ size: saved.size, partSize: saved.partSize, partCount: saved.partCount });

function classifyPart(response: HttpResponse): AttemptOutcome {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return response.headers.etag ? { kind: 'done' } : { kind: 'fatal', problem: problem('badResponse', { status }) };
  const storeError = parseStoreError(response.body);
  const code = storeError.code;
  if (status >= 500 || status === 429) return { kind: 'transient', problem: problem('server', { status, code }) };
  if (status === 408 || isSlowOrCutBody(storeError)) return { kind: 'transient', problem: problem('timeout', { status, code }) };
  if (isExpiryOrSkew(storeError)) return { kind: 'staleTicket', problem: problem('expired', { status, code }) };
  if (status === 403) return { kind: 'fatal', problem: problem('denied', { status, code }) };
  return { kind: 'fatal', problem: problem('unknown', { status, code, retryable: true }) };
}

/** The signer calls of an upload in parts, asked again after a dropped request or a busy answer (signer-retry.ts). */
const signerCalls = (ctx: PartsContext, run: PartsRun, isCurrent: () => boolean = () => run.isCurrent()): AskSignerDeps => ({
  policy: ctx.policy,
  sleep: (ms) => run.sleep(ms),
  isCurrent,
  hidden: () => ctx.visibility.hidden(),
});

interface Begun {
  saved: SavedUpload;
  done: Map<number, string>;
  /** The saved upload's complete had gone through (its answer lost): the file is stored. */
  assembled?: { key: string; objectUrl: string };
}

/**
 * Forgets a saved upload the signer called lost. One whose token ran out (UploadExpired) may
 * still be open on the store with its parts: the signer takes an expired token for an abort,
 * so it is given up there too (best effort; a store that already dropped it answers 410).
 */
function forgetLost(ctx: PartsContext, file: PickedFile, uploadToken: string, error: unknown): void {
  ctx.state.clear(file);
  if (error instanceof SignerError && error.problem.code === 'UploadExpired') void ctx.client.abort(uploadToken).catch(() => undefined);
}

/** The saved upload and the parts the store already holds, or a new upload. */
async function begin(ctx: PartsContext, file: PickedFile, run: PartsRun): Promise<Begun> {
  const asking = signerCalls(ctx, run);
  const resumable = ctx.state.load(file, ctx.now());
  if (resumable) {
    try {
      const listed = await askSigner(asking, () => ctx.client.list(resumable.uploadToken));
      if (listed.assembled) return { saved: resumable, done: new Map(), assembled: listed.assembled };
      const done = new Map<number, string>();
      for (const part of listed.parts) {
        const inPlan = part.partNumber >= 1 && part.partNumber <= resumable.partCount;
        // A part of another length is not ours to keep (a cut-off write): it is sent again.
        if (inPlan && part.size === partRange(planOf(resumable), part.partNumber).size) done.set(part.partNumber, part.etag);
      }
      return { saved: resumable, done };
    } catch (error) {
      if (!uploadLost(error)) throw error;
      forgetLost(ctx, file, resumable.uploadToken, error);
    }
  }
  const created = await askSigner(asking, () => ctx.client.create(file));
  const saved: SavedUpload = {
    uploadToken: created.uploadToken,
    key: created.key,
    objectUrl: created.objectUrl,
    partSize: created.partSize,
    partCount: created.partCount,
    size: file.size,
    expiresAtMs: ctx.now() + (Date.parse(created.expiresAt) - Date.parse(created.serverTime)),
    name: file.name,
    path: file.path,
    type: file.type,
    kind: file.kind,
    ...(file.tempName ? { tempName: true as const } : {}),
    ...(file.preparedCopy ? { preparedCopy: true as const } : {}),
    ...(file.label ? { label: file.label } : {}),
  };
  ctx.state.saveIfRoom(file, saved);
  return { saved, done: new Map() };
}

/** Uploads `file` in parts; resolves with where it is stored, or undefined when cancelled. */
export async function uploadInParts(ctx: PartsContext, file: PickedFile, run: PartsRun): Promise<{ key: string; objectUrl: string } | undefined> {
  try {
    return await uploadOnce(ctx, file, run);
  } catch (error) {
    if (error instanceof StoppedWhileWaiting) return undefined;
    // The signer no longer knows the upload mid-way (restarted without UPLOAD_SESSION_SECRET,
    // or the upload outlived its token): its parts cannot be finished, so the file starts
    // again at once, and only once, instead of failing for good with the signer's words.
    if (!uploadLost(error) || !run.isCurrent()) throw error;
    const saved = ctx.state.load(file, ctx.now());
    if (saved) forgetLost(ctx, file, saved.uploadToken, error);
    else ctx.state.clear(file);
    return uploadOnce(ctx, file, run).catch((again: unknown) => {
      if (again instanceof StoppedWhileWaiting) return undefined;
      throw again;
    });
  }
}

async function uploadOnce(ctx: PartsContext, file: PickedFile, run: PartsRun): Promise<{ key: string; objectUrl: string } | undefined> {
  const { saved, done, assembled } = await begin(ctx, file, run);
  if (assembled) {
    // Paused meanwhile: the saved upload stays, so the next resume hears `assembled` again
    // (a removed file's is abandoned by the engine).
    if (!run.isCurrent()) return undefined;
    ctx.state.clear(file);
    return { key: assembled.key, objectUrl: assembled.objectUrl };
  }
  if (!run.isCurrent()) return undefined;
  const plan = planOf(saved);
  const sizeOf = (n: number) => partRange(plan, n).size;
  let sent = 0;
  for (const n of done.keys()) sent += sizeOf(n);
  if (done.size > 0) ctx.state.saveParts(file, saved, done.keys());

  // The estimate of the parts in flight (see ESTIMATE_CAP): when each started, and the measured pace.
  const flying = new Map<number, number>();
  let measuredBytes = 0;
  let measuredMs = 0;
  let shown = sent;
  const estimate = () => {
    if (measuredBytes === 0 || measuredMs <= 0) return 0;
    const perMs = measuredBytes / measuredMs;
    let bytes = 0;
    const at = ctx.timers.now();
    for (const [n, started] of flying) bytes += Math.min(sizeOf(n) * ESTIMATE_CAP, perMs * (at - started));
    return Math.floor(bytes);
  };
  const report = () => {
    shown = Math.max(shown, Math.min(file.size, sent + estimate()));
    run.progress(shown, file.size, sent);
  };
  let tick: unknown;
  const ticking = () => {
    if (tick !== undefined || flying.size === 0 || measuredBytes === 0) return;
    tick = ctx.timers.setTimeout(() => {
      tick = undefined;
      if (stopped()) return;
      report();
      ticking();
    }, ESTIMATE_TICK_MS);
  };
  report();

  const pending: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) if (!done.has(n)) pending.push(n);
  const urls = new Map<number, PartUrl>();
  const fresh = (u: PartUrl | undefined) => u !== undefined && u.expiresAtMs - ctx.now() > PART_URL_MARGIN_MS;
  let signing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const stopped = () => failure !== undefined || !run.isCurrent();

  /** A usable URL for part `n`, signing it together with the next parts that need one (one request at a time). */
  const urlFor = async (n: number): Promise<PartUrl> => {
    const next = signing.then(async () => {
      // Another lane's signing failed for good meanwhile (or the file stopped): not asked again, with a budget of its own.
      if (stopped()) throw failure ?? new StoppedWhileWaiting();
      if (fresh(urls.get(n))) return;
      const wanted = [n, ...pending.filter((m) => m !== n && !done.has(m) && !fresh(urls.get(m)))].slice(0, SIGN_AHEAD);
      let signed: Awaited<ReturnType<MultipartClient['sign']>>;
      try {
        signed = await askSigner(signerCalls(ctx, run, () => !stopped()), () => ctx.client.sign(saved.uploadToken, wanted));
      } catch (error) {
        // Marked here, before the lanes queued behind this signing run: none of them asks again.
        failure ??= error;
        throw error;
      }
      const offsetMs = Date.parse(signed.serverTime) - ctx.now();
      for (const part of signed.parts) {
        urls.set(part.partNumber, { url: part.url, headers: part.headers, expiresAtMs: Date.parse(part.expiresAt) - offsetMs });
      }
    });
    signing = next.catch(() => undefined);
    await next;
    const url = urls.get(n);
    if (!url) throw new PartsFailure(problem('badResponse'));
    return url;
  };

  /** How long part `n`'s request may take (see PART_TIMEOUT_FLOOR_MS); an engine's own timeout wins (tests). */
  const partTimeoutMs = (n: number): number => {
    if (ctx.timeoutMs !== undefined) return ctx.timeoutMs;
    const size = sizeOf(n);
    const slowest = size / SLOWEST_PART_BYTES_PER_MS;
    const paced = measuredBytes > 0 ? (size / (measuredBytes / measuredMs)) * PART_TIMEOUT_PACE_FACTOR : slowest;
    return Math.ceil(PART_TIMEOUT_FLOOR_MS + Math.min(slowest, paced));
  };

  const sendPart = async (n: number): Promise<void> => {
    let retries = 0;
    let resigns = 0;
    for (;;) {
      if (stopped()) return;
      const target = await urlFor(n);
      if (stopped()) return;
      const { offset, size } = partRange(plan, n);
      const hidesAtStart = ctx.visibility.hides();
      const startedAt = ctx.timers.now();
      const task = ctx.putPart({ url: target.url, headers: target.headers, filePath: file.path, offset, length: size, timeoutMs: partTimeoutMs(n) });
      run.tasks.add(task);
      flying.set(n, startedAt);
      ticking();
      let outcome: AttemptOutcome;
      let etag = '';
      try {
        const response = await task.result;
        outcome = classifyPart(response);
        etag = response.headers.etag ?? '';
      } catch (error) {
        outcome = error instanceof TransportError ? classifyTransportError(error, target.url) : { kind: 'fatal', problem: problem('unknown') };
      } finally {
        run.tasks.delete(task);
        flying.delete(n);
      }
      if (outcome.kind === 'done') {
        done.set(n, etag);
        sent += size;
        measuredBytes += size;
        measuredMs += Math.max(1, ctx.timers.now() - startedAt);
        ctx.state.saveParts(file, saved, done.keys());
        report();
        return;
      }
      if (stopped()) return;
      if (outcome.kind === 'fatal' && outcome.problem.code === 'NoSuchUpload') throw new DroppedByStore(outcome.problem);
      if (outcome.kind === 'aborted' || outcome.kind === 'transient') {
        // The platforms cut requests a few seconds after the app is hidden: not a failure of the file.
        if (ctx.visibility.hidden()) throw new PartsCutByBackground();
        // Cut while hidden and the app is back: sent again at once, not counted against the retries.
        if (ctx.visibility.hides() !== hidesAtStart) continue;
      }
      // Dropped by the platform while we still wanted it (app sent to background): a network failure.
      if (outcome.kind === 'aborted') outcome = { kind: 'transient', problem: problem('network') };
      if (outcome.kind === 'staleTicket' && resigns < PART_RESIGNS) {
        resigns += 1;
        urls.delete(n);
        continue;
      }
      if (outcome.kind === 'transient' && retries < ctx.policy.delays.length) {
        await ctx.sleep(ctx.policy.delays[retries]);
        retries += 1;
        continue;
      }
      throw new PartsFailure(outcome.kind === 'fatal' ? outcome.problem : { ...outcome.problem, retryable: true });
    }
  };

  // The file queues one part per lane and the lane's next part only when that one has
  // ended, behind whatever was queued meanwhile: a photo added during a 128-part video
  // goes up once a part ends, not after every part has started. Alone, the file still
  // fills the queue.
  let next = 0;
  const lane = async () => {
    while (next < pending.length && !stopped()) {
      const n = pending[next++];
      await ctx.queue.run(async () => {
        if (stopped()) return;
        try {
          await sendPart(n);
        } catch (error) {
          failure ??= error;
          // One part failed for good: the others in flight stop now, their bytes would be sent again anyway.
          for (const task of run.tasks) task.abort();
        }
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.queue.size, pending.length) }, lane));
  if (tick !== undefined) ctx.timers.clearTimeout(tick);
  if (failure !== undefined) throw failure;
  if (!run.isCurrent()) return undefined;
  const parts = [...done.entries()].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
  // Asked again after a lost answer too: the signer answers a repeated complete of an upload it
  // already assembled with the same 200 (it finds the object), so that costs a request, not the file.
  const completed = await askSigner(signerCalls(ctx, run), () => ctx.client.complete(saved.uploadToken, parts));
  // Paused while the complete ran: its answer goes nowhere, so the saved upload stays and
  // the resume hears from the list that the object is made (`assembled`), instead of
  // finding nothing saved and sending the whole file again.
  if (!run.isCurrent()) return undefined;
  ctx.state.clear(file);
  return { key: completed.key, objectUrl: completed.objectUrl };
}
