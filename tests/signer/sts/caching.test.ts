// The caching source's promises, with the clock pinned by passing `now` and STS played
// by a scripted function whose answers the test releases when it chooses.
import {
  cachingCredentialSource,
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

  test('serves from the cache until the refresh margin, then refreshes once', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);
    const first = source.get(at(0));
    await settle();
    sts.answer(credentials(1, 0));
    await first;

    const justBeforeMargin = LIFETIME_MS - REFRESH_MARGIN_MS - 1;
    await expect(source.get(at(justBeforeMargin))).resolves.toMatchObject({ accessKeyId: 'STS.1' });
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

  test('credentials that STS hands out already expired are refused, not cached', async () => {
    const sts = scriptedSts();
    const source = cachingCredentialSource(sts.fetch);
    const attempt = source.get(at(0));
    await settle();
    sts.answer(credentials(1, -LIFETIME_MS)); // expired as they arrive (a badly skewed clock)
    await expect(attempt).rejects.toThrow(/too soon to use/);

    const retry = source.get(at(0));
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
