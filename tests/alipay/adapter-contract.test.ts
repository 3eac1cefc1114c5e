// The shared adapter contract against the Alipay adapter over a fake `my` that
// behaves as Alipay documents (string statusCode as in the IDE, `{error, errorMessage}`
// failures, error 19 for HTTP errors on my.request).
import { describeAdapterContract } from '../support/adapter-contract';
import { createFakeMy } from '../support/fake-my';
import { createAlipayPlatform } from '../../alipay/platform/alipay';

describeAdapterContract('alipay (my)', () => {
  const { my, device } = createFakeMy();
  const g = globalThis as Record<string, unknown>;
  g.my = my;
  return { platform: createAlipayPlatform(), device, teardown: () => void delete g.my };
});
