import { ConcurrencyQueue } from '../../miniprogram/shared/core/queue';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ConcurrencyQueue', () => {
  test('runs at most `limit` jobs at once, in the order they came', async () => {
    const queue = new ConcurrencyQueue(2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map(() => deferred());
    gates.forEach((gate, i) => void queue.run(() => (started.push(i), gate.promise)));
    await flush();
    expect(started).toEqual([0, 1]);
    expect([queue.active, queue.pending]).toEqual([2, 2]);
    gates[1].resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    await flush();
    expect([queue.active, queue.pending]).toEqual([0, 0]);
  });

  test('a failing job rejects its own promise and frees its slot', async () => {
    const queue = new ConcurrencyQueue(1);
    const failing = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => undefined);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBeUndefined();
  });

  test('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyQueue(0)).toThrow(RangeError);
    expect(() => new ConcurrencyQueue(1.5)).toThrow(RangeError);
  });
});
