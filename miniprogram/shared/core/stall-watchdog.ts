// Tells a slow upload from a dead one by its progress, not by its total time: a
// 20 MB photo over a weak uplink may take minutes and is fine as long as bytes
// keep moving, while one that has sent nothing for a while (or sits at 99% with
// no answer) will not recover and should be cut and tried again. Timers are
// passed in, so tests move a fake clock instead of waiting.

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** ms clock of the same timers (how long an upload has been sending). */
  now(): number;
}

export interface StallPolicy {
  /** No new bytes for this long: the person is told the network is slow and the upload is waiting. */
  slowAfterMs: number;
  /** No new bytes for this long: the attempt is given up (aborted) and retried or failed. */
  stallAfterMs: number;
}

/**
 * 15 s without a byte: long enough for a phone switching cells or leaving a lift,
 * short enough that a person is not left watching a frozen bar (WeChat's own
 * default would wait 60 s per try). The notice comes a third of the way there.
 */
export const DEFAULT_STALL_POLICY: Readonly<StallPolicy> = Object.freeze({ slowAfterMs: 5_000, stallAfterMs: 15_000 });

export const realTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/**
 * Once the platform says every byte is sent, it has only written them to the socket: on a
 * slow, buffered uplink (a phone's cellular link often holds hundreds of KB) they are still
 * draining onto the wire. The answer then gets up to this share of the time spent sending,
 * never less than the stall window and never more than ANSWER_WAIT_MAX_MS. A fast link that
 * goes quiet after its last byte is still cut at the usual window.
 */
export const ANSWER_WAIT_SHARE_OF_SENDING = 0.5;
export const ANSWER_WAIT_MAX_MS = 120_000;

export interface TransferWatch {
  /** The transport's latest count of bytes sent (of `totalBytes`, when known); only a larger count is progress. */
  progress(bytesSent: number, totalBytes?: number): void;
  /** The attempt ended (answer, failure or abort): no more callbacks. */
  stop(): void;
}

export interface WatchOptions {
  policy: StallPolicy;
  timers: Timers;
  /** true when the upload has gone quiet for slowAfterMs, false when bytes move again. */
  onSlow(slow: boolean): void;
  /** Called once, after stallAfterMs without progress; the watch is stopped by then. */
  onStall(): void;
  /** Start as slow (the try before stalled): the first bytes then report onSlow(false). */
  startSlow?: boolean;
}

/** Starts watching at once: an upload that never sends its first byte stalls too. */
export function watchTransfer(options: WatchOptions): TransferWatch {
  const { policy, timers } = options;
  let stopped = false;
  let slow = options.startSlow === true;
  let best = 0;
  let quietMs = policy.stallAfterMs;
  const startedAt = timers.now();
  let slowTimer: unknown;
  let stallTimer: unknown;

  const clear = () => {
    timers.clearTimeout(slowTimer);
    timers.clearTimeout(stallTimer);
  };
  const arm = () => {
    clear();
    slowTimer = timers.setTimeout(() => {
      if (stopped || slow) return;
      slow = true;
      options.onSlow(true);
    }, policy.slowAfterMs);
    stallTimer = timers.setTimeout(() => {
      if (stopped) return;
      stopped = true;
      clear();
      options.onStall();
    }, quietMs);
  };

  arm();
  return {
    progress(bytesSent, totalBytes) {
      if (stopped || !(bytesSent > best)) return;
      best = bytesSent;
      if (totalBytes !== undefined && totalBytes > 0 && bytesSent >= totalBytes) {
        const sendingMs = timers.now() - startedAt;
        quietMs = Math.max(policy.stallAfterMs, Math.min(ANSWER_WAIT_MAX_MS, sendingMs * ANSWER_WAIT_SHARE_OF_SENDING));
      }
      arm();
      if (slow) {
        slow = false;
        options.onSlow(false);
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clear();
    },
  };
}

/** One upload attempt under watch: `stalled` resolves when the watch gave up on it (and aborted it). */
export interface WatchedUpload {
  watch: TransferWatch;
  stalled: Promise<'stalled'>;
  /** True once the watch gave up: the abort that follows is a stall, not a network error. */
  hasStalled(): boolean;
}

/** Watches `task` from now; a stall aborts it and resolves `stalled` (even if its abort never settles it). */
export function watchUpload(task: { abort(): void }, options: Omit<WatchOptions, 'onStall'>): WatchedUpload {
  let gaveUp = false;
  let resolveStalled: (value: 'stalled') => void = () => undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    resolveStalled = resolve;
  });
  const watch = watchTransfer({
    ...options,
    onStall: () => {
      gaveUp = true;
      resolveStalled('stalled');
      task.abort();
    },
  });
  return { watch, stalled, hasStalled: () => gaveUp };
}
