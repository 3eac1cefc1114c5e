// The shared adapter contract against the WeChat adapter over a scripted `wx` in
// WeChat's documented shapes (errMsg text, every HTTP status through success).
import { describeAdapterContract } from '../support/adapter-contract';
import { createFakeWx } from '../support/fake-wx';
import { createWechatPlatform } from '../../miniprogram/platform/wechat';

describeAdapterContract('wechat (wx)', () => {
  const { wx, device } = createFakeWx();
  const g = globalThis as Record<string, unknown>;
  const saved = g.wx;
  g.wx = wx;
  return { platform: createWechatPlatform(), device, teardown: () => void (g.wx = saved) };
});
