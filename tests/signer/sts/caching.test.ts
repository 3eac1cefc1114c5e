// The caching source's promises, with the clock pinned by passing `now` and STS played
// by a scripted function whose answers the test releases when it chooses.
import {
  BACKGROUND_LEAD_MAX_MS,
  cachingCredentialSource,
  FAILED_FETCH_PAUSE_MS,
  MIN_REMAINING_MS,
  REFRESH_MARGIN_MS,
  RETRY_AFTER_FAILURE_MS,
} from '../../../cloud-signer/src/sts/caching';
import type { TemporaryCredentials } from '../../../cloud-signer/src/sts/types';

const T0 = new Date('2026-11-22T10:00:00Z').getTime();
const LIFETIME_MS = 15 * 60_000;
const at = (ms: number) => new Date(T0 + ms);

function credentials(serial: number, issuedAtMs: number, lifetimeMs = LIFETIME_MS): TemporaryCredentials {
  return {
    accessKeyId: `STS.${serial}`,
    accessKeySecret: `secret-${serial}`,
    securityToken: `token-${serial}`,
    expiration: at(issuedAtMs + lifetimeMs),
  };
}

/** A fake STS: each call waits until the test resolves or rejects it. */
function scriptedSts() {
  const pending: { resolve(c: TemporaryCredentials): void; reject(e: Error): void }[] = [];
  const fetch = jest.fn(
    () => new Promise<TemporaryCredentials>((resolve, reject) => pending.push({ resolve, reject })),
  );
  return {
    fetch,
    answer: (c: TemporaryCredentials) => pending.shift()!.resolve(c),
    fail: (message: string) => pending.shift()!.reject(new Error(message)),
  };
}

/** Lets already-settled promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('cachingCredentialSource', () => {
  test('N concurrent callers before the first answer share one STS call', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);

    const callers = Array.from({ length: 50 }, () => source.get(at(0)));
    await settle();
    expect(sts.fetch).toHaveBeenCalledTimes(1);
    sts.answer(credentials(1, 0));
    const answers = await Promise.all(callers);

    expect(answers.every((a) => a.accessKeyId === 'STS.1')).toBe(true);
    expect(sts.fetch).toHaveBeenCalledTimes(1);
  });

  test('serves from the cache until the background lead point; inside the margin callers wait for one refresh', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);
    const first = source.get(at(0));
    await settle();
    sts.answer(credentials(1, 0));
    await first;

    // 15 min credentials, 5 min margin: the background lead starts half way to the margin.
    const justBeforeLead = (LIFETIME_MS - REFRESH_MARGIN_MS) / 2 - 1;
    await expect(source.get(at(justBeforeLead))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    expect(sts.fetch).toHaveBeenCalledTimes(1);

    const inMargin = LIFETIME_MS - REFRESH_MARGIN_MS + 1;
    const during = [source.get(at(inMargin)), source.get(at(inMargin)), source.get(at(inMargin))];
    await settle();
    expect(sts.fetch).toHaveBeenCalledTimes(2);
    sts.answer(credentials(2, inMargin));
    expect((await Promise.all(during)).map((c) => c.accessKeyId)).toEqual(['STS.2', 'STS.2', 'STS.2']);
  });

  test('a failed refresh keeps serving the still-valid old credentials, says so once, and backs off', async () => {
    const sts = scriptedSts();
    const onStaleServe = jest.fn();
    const source = cachingCredentialSource(sts.fetch, { onStaleServe });
    const first = source.get(at(0));
    await settle();
    sts.answer(credentials(1, 0));
    await first;

    const inMargin = LIFETIME_MS - REFRESH_MARGIN_MS + 1000;
    const during = [source.get(at(inMargin)), source.get(at(inMargin))];
    await settle();
    sts.fail('Alibaba Cloud STS AssumeRole failed (Throttling): slow down');
    expect((await Promise.all(during)).map((c) => c.accessKeyId)).toEqual(['STS.1', 'STS.1']);
    expect(onStaleServe).toHaveBeenCalledTimes(1);
    expect(onStaleServe.mock.calls[0][0].message).toMatch(/Throttling/);
    expect(onStaleServe.mock.calls[0][1]).toEqual(at(LIFETIME_MS));

    // Within the back-off window STS is not asked again; after it, it is.
    await expect(source.get(at(inMargin + RETRY_AFTER_FAILURE_MS - 1))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    expect(sts.fetch).toHaveBeenCalledTimes(2);
    const later = source.get(at(inMargin + RETRY_AFTER_FAILURE_MS));
    await settle();
    expect(sts.fetch).toHaveBeenCalledTimes(3);
    sts.answer(credentials(3, inMargin + RETRY_AFTER_FAILURE_MS));
    await expect(later).resolves.toMatchObject({ accessKeyId: 'STS.3' });
  });

  test('once the old credentials are (nearly) expired, a failed refresh is an error, never the old ones', async () => {
    const sts = scriptedSts();
    const onStaleServe = jest.fn();
    const source = cachingCredentialSource(sts.fetch, { onStaleServe });
    const first = source.get(at(0));
    await settle();
    sts.answer(credentials(1, 0));
    await first;

    // Less than MIN_REMAINING_MS left counts as expired: a request signed now would arrive too late.
    for (const now of [LIFETIME_MS - MIN_REMAINING_MS + 1, LIFETIME_MS, LIFETIME_MS + 3600_000]) {
      const attempt = source.get(at(now));
      await settle();
      sts.fail('AWS STS AssumeRole failed (AccessDenied): no');
      await expect(attempt).rejects.toThrow(/AccessDenied/);
    }
    expect(onStaleServe).not.toHaveBeenCalled();
  });

  test('with nothing usable left, a failed fetch answers every caller of the next moment without asking again', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);
    const first = source.get(at(0));
    await settle();
    sts.fail('connect ECONNREFUSED 169.254.169.254:80');
    await expect(first).rejects.toThrow(/ECONNREFUSED/);

    // A burst of requests inside the pause: the same failure at once, no call of their own.
    for (const ms of [0, 1, FAILED_FETCH_PAUSE_MS / 2, FAILED_FETCH_PAUSE_MS - 1]) {
      await expect(source.get(at(ms))).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(sts.fetch).toHaveBeenCalledTimes(1);

    // After it, one caller asks again, and the answer serves everyone from then on.
    const later = source.get(at(FAILED_FETCH_PAUSE_MS));
    await settle();
    expect(sts.fetch).toHaveBeenCalledTimes(2);
    sts.answer(credentials(1, FAILED_FETCH_PAUSE_MS));
    await expect(later).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    await expect(source.get(at(FAILED_FETCH_PAUSE_MS + 1))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    expect(sts.fetch).toHaveBeenCalledTimes(2);
  });

  test('credentials that STS hands out already expired are refused, not cached', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);
    const attempt = source.get(at(0));
    await settle();
    sts.answer(credentials(1, -LIFETIME_MS)); // expired as they arrive (a badly skewed clock)
    await expect(attempt).rejects.toThrow(/too soon to use/);

    const retry = source.get(at(FAILED_FETCH_PAUSE_MS));
    await settle();
    expect(sts.fetch).toHaveBeenCalledTimes(2);
    sts.answer(credentials(2, 0));
    await expect(retry).resolves.toMatchObject({ accessKeyId: 'STS.2' });
  });

  test('a fetch that throws synchronously rejects every waiting caller instead of escaping', async () => {
    const source = cachingCredentialSource(() => {
      throw new Error('SDK misconfigured');
    });
    await expect(Promise.all([source.get(at(0)), source.get(at(0))])).rejects.toThrow('SDK misconfigured');
  });
});

describe('cachingCredentialSource: background refresh before the margin', () => {
  const MIN = 60_000;

  /** `promise`'s value if it settles before already-queued work has run, else 'waited'. */
  const atOnce = <T>(promise: Promise<T>) => Promise.race([promise, settle().then(() => 'waited' as const)]);

  /** A source holding STS.1, fetched at 0, and the scripted STS behind it. */
  async function primedSource(lifetimeMs: number, refreshMarginMs: number, onStaleServe = jest.fn()) {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch, { refreshMarginMs, onStaleServe });
    const first = source.get(at(0));
    await settle();
    sts.answer(credentials(1, 0, lifetimeMs));
    await first;
    return { sts, source, onStaleServe };
  }

  test.each([
    // UPLOAD_TICKET_TTL_SECONDS=600 makes the margin 10 min: half of the 5 min before it.
    { lifetimeMin: 15, marginMin: 10, leadMin: 2.5 },
    { lifetimeMin: 15, marginMin: 5, leadMin: 5 },
    // Long-lived credentials: BACKGROUND_LEAD_MAX_MS before the margin, not half way.
    { lifetimeMin: 60, marginMin: 5, leadMin: 55 - BACKGROUND_LEAD_MAX_MS / MIN },
  ])('$lifetimeMin min credentials, $marginMin min margin: no STS call until $leadMin min after fetch', async ({ lifetimeMin, marginMin, leadMin }) => {
    const { sts, source } = await primedSource(lifetimeMin * MIN, marginMin * MIN);

    for (const now of [0, leadMin * MIN - 1]) {
      await expect(atOnce(source.get(at(now)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    }
    expect(sts.fetch).toHaveBeenCalledTimes(1);
    await expect(atOnce(source.get(at(leadMin * MIN)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    expect(sts.fetch).toHaveBeenCalledTimes(2);
  });

  test('at the lead point callers get the old credentials at once while one STS call runs, then the new ones', async () => {
    const { sts, source } = await primedSource(15 * MIN, 10 * MIN);
    const lead = 2.5 * MIN;

    await expect(atOnce(source.get(at(lead)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    expect(sts.fetch).toHaveBeenCalledTimes(1 + 1);
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => atOnce(source.get(at(lead + i * 1000)))));
    expect(during.every((c) => c !== 'waited' && c.accessKeyId === 'STS.1')).toBe(true);
    expect(sts.fetch).toHaveBeenCalledTimes(2);

    sts.answer(credentials(2, lead));
    await settle();
    await expect(atOnce(source.get(at(lead + 30_000)))).resolves.toMatchObject({ accessKeyId: 'STS.2' });
    expect(sts.fetch).toHaveBeenCalledTimes(2);
  });

  test('a failed background refresh is reported once, backs off, and rejects nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { sts, source, onStaleServe } = await primedSource(15 * MIN, 10 * MIN);
      const lead = 2.5 * MIN;

      await expect(atOnce(source.get(at(lead)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
      await expect(atOnce(source.get(at(lead)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
      sts.fail('Tencent Cloud STS AssumeRole failed (RequestLimitExceeded): slow down');
      await settle();
      await settle();
      expect(unhandled).toEqual([]);
      expect(onStaleServe).toHaveBeenCalledTimes(1);
      expect(onStaleServe.mock.calls[0][0].message).toMatch(/RequestLimitExceeded/);
      expect(onStaleServe.mock.calls[0][1]).toEqual(at(15 * MIN));

      await expect(atOnce(source.get(at(lead + RETRY_AFTER_FAILURE_MS - 1)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
      expect(sts.fetch).toHaveBeenCalledTimes(2);
      await expect(atOnce(source.get(at(lead + RETRY_AFTER_FAILURE_MS)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
      expect(sts.fetch).toHaveBeenCalledTimes(3);
      sts.answer(credentials(3, lead + RETRY_AFTER_FAILURE_MS));
      await settle();
      await expect(source.get(at(lead + RETRY_AFTER_FAILURE_MS + 1))).resolves.toMatchObject({ accessKeyId: 'STS.3' });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a hung background refresh delays nobody before the margin; inside it callers wait for that same call', async () => {
    const { sts, source } = await primedSource(15 * MIN, 10 * MIN);
    const marginStart = 5 * MIN;

    for (const now of [2.5 * MIN, 4 * MIN, marginStart - 1]) {
      await expect(atOnce(source.get(at(now)))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
    }
    expect(sts.fetch).toHaveBeenCalledTimes(2);

    // A ticket signed now could outlive STS.1, so this caller waits, joining the running call.
    const inMargin = source.get(at(marginStart + 1));
    await expect(atOnce(inMargin)).resolves.toBe('waited');
    expect(sts.fetch).toHaveBeenCalledTimes(2);
    sts.answer(credentials(2, marginStart));
    await expect(inMargin).resolves.toMatchObject({ accessKeyId: 'STS.2' });
  });
});
