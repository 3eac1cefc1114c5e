// A slow upload is told from a dead one by its progress: bytes that keep moving
// keep it alive however long it takes; silence first says "slow", then cuts it.
import { DEFAULT_STALL_POLICY, watchTransfer } from '../../miniprogram/shared/core/stall-watchdog';
import { createManualTimers } from '../support/fake-timers';

function watch() {
  const clock = createManualTimers();
  const events: string[] = [];
  const w = watchTransfer({
    policy: DEFAULT_STALL_POLICY,
    timers: clock.timers,
    onSlow: (slow) => events.push(slow ? `slow@${clock.now()}` : `moving@${clock.now()}`),
    onStall: () => events.push(`stall@${clock.now()}`),
  });
  return { clock, events, w };
}

it('an upload that never sends a byte is called slow at 5 s and cut at 15 s', () => {
  const { clock, events } = watch();
  clock.advance(60_000);
  expect(events).toEqual(['slow@5000', 'stall@15000']);
  expect(clock.pendingCount()).toBe(0);
});

it('a slow but steady upload is never cut, however long it takes', () => {
  const { clock, events, w } = watch();
  // 10 minutes, a few bytes every 4 s: always under the notice.
  for (let t = 1; t <= 150; t += 1) {
    clock.advance(4_000);
    w.progress(t * 1000);
  }
  expect(events).toEqual([]);
  w.stop();
  expect(clock.pendingCount()).toBe(0);
});

it('goes quiet, is told slow, then moves again and the notice goes away', () => {
  const { clock, events, w } = watch();
  w.progress(100);
  clock.advance(9_000);
  w.progress(200);
  clock.advance(14_000);
  expect(events).toEqual(['slow@5000', 'moving@9000', 'slow@14000']);
  clock.advance(1_000);
  expect(events).toEqual(['slow@5000', 'moving@9000', 'slow@14000', 'stall@24000']);
});

it('sitting at 99% (every byte sent, no answer) stalls: a repeated count is not progress', () => {
  const { clock, events, w } = watch();
  w.progress(1000);
  for (let i = 0; i < 10; i += 1) {
    clock.advance(2_000);
    w.progress(1000);
  }
  clock.advance(60_000);
  expect(events).toEqual(['slow@5000', 'stall@15000']);
});

it('says nothing after stop()', () => {
  const { clock, events, w } = watch();
  clock.advance(6_000);
  w.stop();
  w.progress(5);
  clock.advance(60_000);
  expect(events).toEqual(['slow@5000']);
});

it('a watch started slow (the try before stalled) reports moving at the first bytes', () => {
  const clock = createManualTimers();
  const events: boolean[] = [];
  const w = watchTransfer({ policy: DEFAULT_STALL_POLICY, timers: clock.timers, startSlow: true, onSlow: (s) => events.push(s), onStall: () => undefined });
  clock.advance(6_000);
  expect(events).toEqual([]);
  w.progress(1);
  expect(events).toEqual([false]);
  w.stop();
});

it('after every byte was handed over, a slow link gets longer for its answer: the send buffer still drains on the wire', () => {
  const { clock, events, w } = watch();
  // Two minutes at a steady pace to "100%": the platform counts bytes written to the socket,
  // and on a slow, buffered uplink hundreds of KB are still on their way when it says so.
  for (let t = 1; t <= 30; t += 1) {
    clock.advance(4_000);
    w.progress(t * 100_000, 3_000_000);
  }
  clock.advance(30_000);
  expect(events).toEqual(['slow@125000']);
  // Half the sending time at most: then it is given up like any other silence.
  clock.advance(30_000);
  expect(events).toEqual(['slow@125000', 'stall@180000']);
});

it('the answer waits 2 minutes at most, however long the sending took', () => {
  const { clock, events, w } = watch();
  // Ten minutes to "100%": half of that would be five minutes of silence.
  for (let t = 1; t <= 150; t += 1) {
    clock.advance(4_000);
    w.progress(t * 100_000, 15_000_000);
  }
  clock.advance(119_999);
  expect(events).toEqual(['slow@605000']);
  clock.advance(1);
  expect(events).toEqual(['slow@605000', 'stall@720000']);
});

it('a fast link that goes quiet after its last byte is still cut at the usual 15 s', () => {
  const { clock, events, w } = watch();
  clock.advance(500);
  w.progress(3_000_000, 3_000_000);
  clock.advance(15_000);
  expect(events).toEqual(['slow@5500', 'stall@15500']);
});
