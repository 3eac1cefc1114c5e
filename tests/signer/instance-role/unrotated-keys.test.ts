// A metadata service hands out the same keys until it rotates them on its own schedule,
// so a refresh inside the margin can bring nothing newer. The cache then keeps serving
// them and asks again only after a pause, not on every request.
import { cachingCredentialSource, RETRY_AFTER_FAILURE_MS } from '../../../cloud-signer/src/sts/caching';
import type { TemporaryCredentials } from '../../../cloud-signer/src/sts/types';

const T0 = Date.parse('2030-03-01T08:00:00Z');
const MARGIN_MS = 10 * 60_000;
const at = (ms: number) => new Date(T0 + ms);

test('keys not yet rotated are served without a metadata call per request, then asked for again', async () => {
  const sameKeys: TemporaryCredentials = { accessKeyId: 'K1', accessKeySecret: 'S1', securityToken: 'T1', expiration: at(8 * 60_000) };
  const fetch = jest.fn(async () => sameKeys);
  const source = cachingCredentialSource(fetch, { refreshMarginMs: MARGIN_MS });

  // First fetch: already inside the margin (8 min left, 10 min margin).
  await expect(source.get(at(0))).resolves.toBe(sameKeys);
  expect(fetch).toHaveBeenCalledTimes(1);

  // Fifty requests over the next 14 s: still those keys, and no further call.
  for (let i = 0; i < 50; i++) await expect(source.get(at(i * 280))).resolves.toBe(sameKeys);
  expect(fetch).toHaveBeenCalledTimes(1);

  // After the pause the service is asked again (it may have rotated by now).
  const rotated: TemporaryCredentials = { ...sameKeys, accessKeyId: 'K2', expiration: at(68 * 60_000) };
  fetch.mockResolvedValueOnce(rotated);
  await expect(source.get(at(RETRY_AFTER_FAILURE_MS))).resolves.toBe(rotated);
  expect(fetch).toHaveBeenCalledTimes(2);
});
