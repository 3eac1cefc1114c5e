import { DEFAULT_RETRY_POLICY, nextStep, retryDelay, retryPolicy, ticketIsStale } from '../../miniprogram/shared/core/retry';
import { problem } from '../../miniprogram/shared/core/failure';
import { Emitter } from '../../miniprogram/shared/core/emitter';
import { FakeTransport, T0 } from '../support/fake-transport';

describe('retry policy', () => {
  const transient = { kind: 'transient' as const, problem: problem('network') };
  const stale = { kind: 'staleTicket' as const, problem: problem('expired') };

  test('transient failures wait the listed delays, then fail retryable', () => {
    const policy = retryPolicy({ delays: [10, 20] });
    expect(nextStep(transient, { retries: 0, freshTickets: 0 }, policy)).toEqual({ action: 'wait', delayMs: 10 });
    expect(nextStep(transient, { retries: 1, freshTickets: 0 }, policy)).toEqual({ action: 'wait', delayMs: 20 });
    expect(nextStep(transient, { retries: 2, freshTickets: 0 }, policy)).toEqual({ action: 'fail', problem: { reason: 'network', retryable: true } });
  });

  test('stale tickets are renewed up to the budget; fatal problems fail at once', () => {
    expect(nextStep(stale, { retries: 0, freshTickets: 1 }, DEFAULT_RETRY_POLICY)).toEqual({ action: 'freshTicket' });
    expect(nextStep(stale, { retries: 0, freshTickets: 2 }, DEFAULT_RETRY_POLICY)).toMatchObject({ action: 'fail', problem: { reason: 'expired' } });
    const fatal = { kind: 'fatal' as const, problem: problem('tooLarge') };
    expect(nextStep(fatal, { retries: 0, freshTickets: 0 }, DEFAULT_RETRY_POLICY)).toEqual({ action: 'fail', problem: { reason: 'tooLarge', retryable: false } });
  });

  test("a signer's or store's Retry-After is waited for up to a minute, and never shorter than the policy's pause", () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, 0, 60_000)).toBe(60_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 0, 60_001)).toBeUndefined(); // longer than a minute: not waited for
    expect(retryDelay(DEFAULT_RETRY_POLICY, 2, 2_000)).toBe(8_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 3, 2_000)).toBeUndefined(); // the three retries are spent
  });

  test('defaults are frozen data', () => {
    expect(DEFAULT_RETRY_POLICY.delays).toEqual([1000, 3000, 8000]);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  test('a ticket is stale when the signer clock says it has less than the margin left', () => {
    const ticket = new FakeTransport(() => T0).ticket('a.jpg'); // expires T0 + 10 min
    const tenMinutes = 600_000;
    const held = { ticket, serverOffsetMs: 0, serverTimeMs: T0 };
    expect(ticketIsStale(held, T0, 30_000)).toBe(false);
    expect(ticketIsStale(held, T0 + tenMinutes - 30_000, 30_000)).toBe(true);
    // Phone an hour ahead: local time is past expiry, the signer's is not.
    expect(ticketIsStale({ ...held, serverOffsetMs: -3_600_000, serverTimeMs: T0 }, T0 + 3_600_000, 30_000)).toBe(false);
  });

  test('a short-lived ticket is not stale on arrival: the margin is at most half its lifetime', () => {
    const fake = new FakeTransport(() => T0);
    fake.ticketTtlMs = 20_000;
    const held = { ticket: fake.ticket('a.jpg'), serverOffsetMs: 0, serverTimeMs: T0 };
    expect(ticketIsStale(held, T0, 30_000)).toBe(false);
    expect(ticketIsStale(held, T0 + 10_000, 30_000)).toBe(true);
  });
});

describe('emitter', () => {
  test('a throwing listener neither stops the others nor the caller, and unsubscribe works', () => {
    const errors: unknown[] = [];
    const events = new Emitter<{ ping: (n: number) => void }>((error) => errors.push(error));
    const seen: number[] = [];
    events.on('ping', () => {
      throw new Error('listener bug');
    });
    const off = events.on('ping', (n) => seen.push(n));
    events.emit('ping', 1);
    off();
    events.emit('ping', 2);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
