// What a scripted phone (fake-wx.ts, fake-my.ts) is told to do and what it records,
// in platform-neutral words. Each fake turns a script into its own platform's
// native shapes (WeChat `errMsg` text, Alipay `{error, errorMessage}` codes), so
// the adapter contract (adapter-contract.ts) is written once for both platforms.
// Type-neutral on purpose: no `wx` or `my` typings, so both test worlds compile it.

/** How the next network call ends. */
export type NetworkScript =
  /** The server answers (any status); `progress` is reported first, as [sent, total] pairs. */
  | { answer: { status: number; body: string; headers?: Record<string, string> }; progress?: Array<[number, number]> }
  /** The platform fails the call as it documents for this cause. `timeout` fires when the call's own timeout elapses. */
  | { fail: 'timeout' | 'domain' | 'network' | 'missingFile' }
  /** Never answers: the call runs until the adapter aborts it (or its timeout fires). */
  | 'hang';

export type PickScript = Array<{ path: string; size: number }> | 'cancel' | 'denied';

export interface UploadRecord {
  url: string;
  filePath: string;
  fileField: string;
  formData: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface RequestRecord {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Text bodies as sent; binary bodies as their byte length. */
  body: string | number | undefined;
  timeoutMs?: number;
}

/** The steering wheel and the logbook of a scripted phone. */
export interface DeviceFake {
  scriptUpload(...scripts: NetworkScript[]): void;
  scriptRequest(...scripts: NetworkScript[]): void;
  scriptPick(...scripts: PickScript[]): void;
  readonly uploads: UploadRecord[];
  readonly requests: RequestRecord[];
  readonly picks: Array<{ count: number; source: string }>;
  /** Calls of the platform's abort() on a task. */
  readonly aborts: number;
  clipboard(): string;
  /** Each preview as the URL list and the URL shown first. */
  readonly previews: Array<{ urls: string[]; current: string }>;
  readonly toasts: string[];
}

/** A FIFO of scripts; the default applies when none is queued. */
export class ScriptQueue<T> {
  private readonly queue: T[] = [];
  constructor(private readonly fallback: T) {}
  push(...items: T[]) {
    this.queue.push(...items);
  }
  next(): T {
    return this.queue.length > 0 ? this.queue.shift()! : this.fallback;
  }
}

export const OK_ANSWER: NetworkScript = { answer: { status: 200, body: '' } };

/**
 * The state both fakes keep alike: the script queues the device's steering wheel
 * fills, the logbook it records into, and the clipboard (set by the fake's own API).
 */
export function createDeviceState() {
  const uploadScripts = new ScriptQueue<NetworkScript>(OK_ANSWER);
  const requestScripts = new ScriptQueue<NetworkScript>(OK_ANSWER);
  const pickScripts = new ScriptQueue<PickScript>('cancel');
  const clipboard = { text: '' };
  const device = {
    scriptUpload: (...s: NetworkScript[]) => uploadScripts.push(...s),
    scriptRequest: (...s: NetworkScript[]) => requestScripts.push(...s),
    scriptPick: (...s: PickScript[]) => pickScripts.push(...s),
    uploads: [] as UploadRecord[],
    requests: [] as RequestRecord[],
    picks: [] as Array<{ count: number; source: string }>,
    aborts: 0,
    clipboard: () => clipboard.text,
    previews: [] as Array<{ urls: string[]; current: string }>,
    toasts: [] as string[],
  };
  return { device, uploadScripts, requestScripts, pickScripts, clipboard };
}

/** How long a fake waits before answering, so answers are never synchronous (as on a phone). */
export const ANSWER_DELAY_MS = 1;

export type FailCause = 'timeout' | 'domain' | 'network' | 'missingFile' | 'abort';
export type ScriptAnswer = { status: number; body: string; headers?: Record<string, string> };

export interface TaskHooks {
  /** The timeout the call asked for (or the platform default). */
  timeoutMs: number;
  /** End the call with the platform's native failure for this cause. */
  fail(cause: FailCause): void;
  /** End the call with the platform's native answer. */
  respond(answer: ScriptAnswer): void;
  progress?(sent: number, total: number): void;
  /** After success or failure, whichever came first (and only once). */
  complete?(): void;
}

/** Plays one network script: answers once, honours the timeout, and abort() ends it as aborted. */
export function playNetworkScript(script: NetworkScript, hooks: TaskHooks): { abort(): void } {
  let finished = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const end = (fn: () => void) => {
    if (finished) return;
    finished = true;
    timers.forEach(clearTimeout);
    fn();
    hooks.complete?.();
  };
  timers.push(setTimeout(() => end(() => hooks.fail('timeout')), hooks.timeoutMs));
  if (script !== 'hang') {
    if ('fail' in script) {
      const cause = script.fail;
      if (cause !== 'timeout') timers.push(setTimeout(() => end(() => hooks.fail(cause)), ANSWER_DELAY_MS));
    } else {
      timers.push(
        setTimeout(() => {
          if (finished) return;
          for (const [sent, total] of script.progress ?? []) hooks.progress?.(sent, total);
          end(() => hooks.respond(script.answer));
        }, ANSWER_DELAY_MS),
      );
    }
  }
  return { abort: () => end(() => hooks.fail('abort')) };
}
