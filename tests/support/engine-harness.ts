// One engine over a scripted transport, a pinned clock, a recorded sleep and an event log.
import { createUploadEngine, type EngineOptions } from '../../miniprogram/shared/core/engine';
import type { UploadItem } from '../../miniprogram/shared/core/types';
import { FakeTransport, SIGNER, T0 } from './fake-transport';
import { createManualTimers } from './fake-timers';

export function setup(options: Partial<EngineOptions> = {}) {
  let nowMs = T0;
  const clock = { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
  const fake = new FakeTransport(clock.now);
  const sleeps: number[] = [];
  // The stall watch runs on a clock the test moves (nothing waits on real time).
  const stallClock = createManualTimers();
  const engine = createUploadEngine({
    signerUrl: SIGNER,
    transport: fake,
    now: clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    timers: stallClock.timers,
    ...options,
  });
  const log: string[] = [];
  const settled: UploadItem[] = [];
  engine.on('change', (item) => log.push(`change ${item.file.name} ${item.status} ${item.percent}`));
  engine.on('settled', (item) => {
    log.push(`settled ${item.file.name} ${item.status}`);
    settled.push(item);
  });
  const item = (id: string): UploadItem => {
    const found = engine.items().find((i) => i.id === id);
    if (!found) throw new Error(`no item ${id}`);
    return found;
  };
  return { engine, fake, clock, stallClock, sleeps, log, settled, item };
}
