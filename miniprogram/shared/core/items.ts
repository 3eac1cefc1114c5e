// The one place where an upload item changes state. Every transition goes through
// `move`, which refuses the ones that make no sense (a cancelled or failed item can
// never become done, a done item never changes) and emits `change` only when the
// status or the integer percent moved, so pages calling setData are not flooded.
import type { UploadTicket } from '../../../typings/ticket';
import type { EngineEvents, LinkState, PickedFile, RetryWait, UploadFailure, UploadItem, UploadStatus } from './types';
import type { TransferProgress, UploadTask } from './ports';
import type { HeldTicket, RetryBudget } from './retry';
import { Emitter } from './emitter';

export const CANCELLED: unique symbol = Symbol('cancelled');

/** One run of an item through the queue; cancelling it wakes every await of that run at once. */
export class Run {
  private isActive = true;
  private wake: () => void = () => undefined;
  private readonly stopped = new Promise<typeof CANCELLED>((resolve) => {
    this.wake = () => resolve(CANCELLED);
  });

  get active(): boolean {
    return this.isActive;
  }

  stop(): void {
    this.isActive = false;
    this.wake();
  }

  /** `promise`, or CANCELLED as soon as the run is stopped (so no slot waits on a dead transfer or a long backoff). */
  race<T>(promise: Promise<T>): Promise<T | typeof CANCELLED> {
    return Promise.race([promise, this.stopped]);
  }
}

export interface Entry {
  readonly item: UploadItem;
  /**
   * Sent with every ticket request for this file (its idempotencyKey): a request asked again
   * after its answer was lost, or the person's retry, is not counted twice against the
   * signer's daily quota, and the file keeps the key the signer picked for it.
   */
  readonly idempotencyKey: string;
  held?: HeldTicket;
  run: Run;
  task?: UploadTask;
  budget: RetryBudget;
}

const ALLOWED: Readonly<Record<UploadStatus, readonly UploadStatus[]>> = Object.freeze({
  waiting: ['uploading', 'paused', 'failed', 'cancelled'],
  // uploading -> uploading is a new attempt (retry or fresh ticket)
  uploading: ['uploading', 'paused', 'done', 'failed', 'cancelled'],
  // resumed (back in line), or cancelled while paused
  paused: ['waiting', 'cancelled'],
  done: [],
  failed: ['waiting'],
  cancelled: ['waiting'],
});

const SETTLED: readonly UploadStatus[] = ['done', 'failed', 'cancelled'];
/** States that end the current run: every await of it wakes and nothing of it reports later. */
const STOPS_RUN: readonly UploadStatus[] = [...SETTLED, 'paused'];

/** Percent stays below 100 until the store has answered: "100%" on a card means stored. */
const LAST_PERCENT_BEFORE_DONE = 99;

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * 22 characters of 64 (132 bits), as the contract allows (IDEMPOTENCY_KEY). Math.random is
 * enough: the signer keeps a key per signed-in caller, so it only has to differ from that
 * person's other files of the last few minutes, and guessing it gains nothing.
 */
export function newIdempotencyKey(random: () => number = Math.random): string {
  let key = '';
  for (let i = 0; i < 22; i++) key += KEY_ALPHABET[Math.floor(random() * 64) & 63];
  return key;
}

export class ItemStore {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  constructor(
    private readonly events: Emitter<EngineEvents>,
    private readonly now: () => number,
  ) {}

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  all(): Entry[] {
    return Array.from(this.entries.values());
  }

  snapshot(entry: Entry): UploadItem {
    return { ...entry.item };
  }

  create(file: PickedFile, inParts = false): Entry {
    this.counter += 1;
    const item: UploadItem = {
      ...(inParts ? { inParts: true as const } : {}),
      id: `u${this.now().toString(36)}-${this.counter}`,
      file,
      status: 'waiting',
      bytesSent: 0,
      totalBytes: file.size,
      percent: 0,
      attempts: 0,
    };
    const entry: Entry = { item, idempotencyKey: newIdempotencyKey(), run: new Run(), budget: { retries: 0, freshTickets: 0 } };
    this.entries.set(item.id, entry);
    this.events.emit('change', this.snapshot(entry));
    return entry;
  }

  /** Planned in parts after all (a file continued from an earlier launch, once this launch's limits are known). */
  planInParts(entry: Entry): void {
    if (entry.item.inParts === true) return;
    entry.item.inParts = true;
    this.events.emit('change', this.snapshot(entry));
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  /** Back in line after failed/cancelled: a new run, a fresh retry budget. */
  requeue(entry: Entry): boolean {
    return this.move(entry, 'waiting', (item) => {
      entry.run = new Run();
      entry.budget = { retries: 0, freshTickets: 0 };
      delete item.error;
      delete item.finishedAt;
      delete item.pausedBy;
    });
  }

  /** `keepProgress`: an upload in parts resumes from the parts the store holds, so its bar does not drop to 0 meanwhile. */
  startAttempt(entry: Entry, keepProgress = false): boolean {
    return this.move(entry, 'uploading', (item) => {
      item.attempts += 1;
      if (keepProgress) return;
      item.bytesSent = 0;
      item.percent = 0;
    });
  }

  /**
   * Stops the run and aborts its requests in flight, keeping what the store holds: the
   * bar shows the bytes of the stored parts (`storedBytes`), not the estimate of those cut.
   */
  pause(entry: Entry, by: 'person' | 'background', storedBytes: number): boolean {
    return this.move(entry, 'paused', (item) => {
      item.pausedBy = by;
      const fraction = item.totalBytes > 0 ? Math.min(1, storedBytes / item.totalBytes) : 0;
      item.bytesSent = Math.round(fraction * item.totalBytes);
      item.percent = Math.min(LAST_PERCENT_BEFORE_DONE, Math.floor(fraction * 100));
      delete item.slow;
      entry.task?.abort();
      entry.task = undefined;
    });
  }

  /** Normalises whatever the platform reports (its total includes multipart overhead) to the file's own size. */
  progress(entry: Entry, progress: TransferProgress): void {
    const item = entry.item;
    if (item.status !== 'uploading' || !entry.run.active) return;
    const total = progress.totalBytes > 0 ? progress.totalBytes : item.totalBytes;
    const fraction = Math.min(1, Math.max(0, progress.bytesSent / total));
    const before = item.percent;
    item.bytesSent = Math.round(fraction * item.totalBytes);
    item.percent = Math.min(LAST_PERCENT_BEFORE_DONE, Math.floor(fraction * 100));
    if (item.percent !== before) this.events.emit('change', this.snapshot(entry));
  }

  /**
   * No bytes for a while (true), or moving again (false). Kept through the pause
   * after a stalled try, so the card keeps saying why it waits until bytes move.
   */
  setSlow(entry: Entry, slow: boolean): void {
    const item = entry.item;
    if (item.status !== 'uploading' || !entry.run.active || (item.slow === true) === slow) return;
    if (slow) item.slow = true;
    else delete item.slow;
    this.events.emit('change', this.snapshot(entry));
  }

  /** A failed try waits `wait` before the next: the page says why and counts down to `wait.at`. */
  waitRetry(entry: Entry, wait: RetryWait): void {
    const item = entry.item;
    if (item.status !== 'uploading' || !entry.run.active) return;
    item.retrying = { ...wait };
    this.events.emit('change', this.snapshot(entry));
  }

  /** `signedLink`: a private bucket, whose link is signed afterwards (the ticket's objectUrl would answer 403). */
  done(entry: Entry, ticket: Pick<UploadTicket, 'key' | 'objectUrl'>, signedLink = false): boolean {
    return this.move(entry, 'done', (item) => {
      item.bytesSent = item.totalBytes;
      item.percent = 100;
      item.key = ticket.key;
      if (signedLink) item.link = { state: 'signing' };
      else item.objectUrl = ticket.objectUrl;
    });
  }

  /** A done item's private link: being signed (again), signed, or failed. Status stays done. */
  setLink(entry: Entry, link: LinkState, url?: string): void {
    const item = entry.item;
    if (item.status !== 'done' || !item.link) return;
    item.link = link;
    if (url !== undefined) item.objectUrl = url;
    else if (link.state !== 'ready') delete item.objectUrl;
    this.events.emit('change', this.snapshot(entry));
  }

  fail(entry: Entry, failure: UploadFailure): boolean {
    return this.move(entry, 'failed', (item) => {
      item.error = failure;
      item.bytesSent = 0;
      item.percent = 0;
    });
  }

  /** Stops the run and aborts the transfer in the same step, so nothing of this run can report later. */
  cancel(entry: Entry): boolean {
    return this.move(entry, 'cancelled', (item) => {
      item.bytesSent = 0;
      item.percent = 0;
      delete item.pausedBy;
      entry.task?.abort();
    });
  }

  private move(entry: Entry, to: UploadStatus, apply: (item: UploadItem) => void): boolean {
    const item = entry.item;
    if (!ALLOWED[item.status].includes(to)) return false;
    const before = { status: item.status, percent: item.percent };
    if (STOPS_RUN.includes(to)) entry.run.stop();
    // Any move ends a retry's wait: the next try started, or the file stopped waiting.
    const waited = item.retrying !== undefined;
    delete item.retrying;
    apply(item);
    item.status = to;
    if (SETTLED.includes(to)) {
      item.finishedAt = this.now();
      entry.task = undefined;
      delete item.slow;
    }
    if (waited || before.status !== item.status || before.percent !== item.percent) this.events.emit('change', this.snapshot(entry));
    if (SETTLED.includes(to)) this.events.emit('settled', this.snapshot(entry));
    return true;
  }
}
