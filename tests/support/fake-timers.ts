// A clock a test moves by hand, with the setTimeout/clearTimeout pair modules take
// as `timers`, so time-based behaviour (stall detection) is tested without waiting.
export function createManualTimers(start = 0) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers = {
    setTimeout(run: () => void, ms: number): unknown {
      const id = nextId++;
      pending.set(id, { at: now + Math.max(0, ms), run });
      return id;
    },
    clearTimeout(handle: unknown) {
      pending.delete(handle as number);
    },
    now: () => now,
  };
  /** Moves the clock forward, running every timer that comes due, in order. */
  function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = end;
  }
  return { timers, advance, now: () => now, pendingCount: () => pending.size };
}
