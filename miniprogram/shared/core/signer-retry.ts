// When a signer call made in the middle of an upload is simply asked again. A file that is
// already going (a fresh ticket for it, its upload in parts: start, part URLs, list, complete)
// must not fail for one dropped request or one busy answer, any more than a part PUT does:
// such calls wait the retry policy's pauses (or the signer's Retry-After) and go again.
// A batch's first ticket request is not one of them: there the person is told at once that
// the signer cannot be reached (engine.ts, issueChunk).
import { retryDelay, type RetryPolicy } from './retry';
import { SignerError } from './ticket-client';

/** A request that got no answer: with the app in the background, the platform's cut. */
const NO_ANSWER: readonly string[] = ['signerUnreachable', 'signerSlow'];

/** Signer problems the same call may get past: the network, a slow, busy or rate-limiting signer, a store hiccup behind it. */
const ASK_AGAIN: readonly string[] = ['server', 'rateLimited', 'signerUnreachable', 'signerSlow'];

/** The pause before asking again after `error`, the `used`-th retry; undefined when it is not worth asking again. */
export function askAgainDelay(policy: RetryPolicy, used: number, error: unknown): number | undefined {
  if (!(error instanceof SignerError) || !ASK_AGAIN.includes(error.problem.reason)) return undefined;
  return retryDelay(policy, used, error.problem.retryAfterMs);
}

/** Thrown by askSigner when the file stopped (paused, cancelled, removed) while it waited to ask again. */
export class StoppedWhileWaiting extends Error {
  constructor() {
    super('the file stopped while a signer call waited to be asked again');
    this.name = 'StoppedWhileWaiting';
  }
}

export interface AskSignerDeps {
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  /** False once the file stopped (paused, cancelled, removed). */
  isCurrent: () => boolean;
  /** The app is in the background: a request that got no answer then was the platform's cut, which the engine waits out (no retry spent). */
  hidden: () => boolean;
}

/** `call()`, asked again after the policy's pauses while its failure is one worth asking again for. */
export async function askSigner<T>(deps: AskSignerDeps, call: () => Promise<T>): Promise<T> {
  for (let retries = 0; ; retries += 1) {
    try {
      return await call();
    } catch (error) {
      const cut = deps.hidden() && error instanceof SignerError && NO_ANSWER.includes(error.problem.reason);
      const delay = cut ? undefined : askAgainDelay(deps.policy, retries, error);
      if (delay === undefined) throw error;
      await deps.sleep(delay);
      if (!deps.isCurrent()) throw new StoppedWhileWaiting();
    }
  }
}
