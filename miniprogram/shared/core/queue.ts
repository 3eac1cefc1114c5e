// Runs async jobs at most `limit` at a time, first come first served (uppy's
// RateLimitedQueue idea, without the rate part). A job that throws does not
// stop the queue: its promise rejects for whoever awaits it.

type Job = () => Promise<void>;

export class ConcurrencyQueue {
  private readonly waiting: Job[] = [];
  private running = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`queue limit must be a positive integer, got ${limit}`);
  }

  /** How many jobs may run at once. */
  get size(): number {
    return this.limit;
  }

  get active(): number {
    return this.running;
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** Queues `job`; resolves or rejects with it once it has run. */
  run(job: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push(() => job().then(resolve, reject));
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.limit && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running += 1;
      // `then` keeps a synchronous throw inside the job from escaping the pump.
      Promise.resolve()
        .then(job)
        .catch(() => undefined) // the caller's promise already carries the error
        .then(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }
}
