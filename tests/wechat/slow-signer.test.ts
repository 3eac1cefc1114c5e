// Issue 9 F on the page: a signer that does not answer in time (the platform's request
// timeout: "request:fail timeout") is slow, not unreachable. The page says so, and its
// reconnect button tries again.
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, tap, textOf, type OpenPage } from '../support/open-page';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';

const zh = uiMessages('zh');
let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

it('a /healthz that times out says the service is slow (not "cannot reach"), and reconnecting works', async () => {
  session = await openPage('pages/upload/index', { before: (wx) => (wx.health = { errMsg: 'timeout' }) });
  const { page, wx } = session;
  const said = textOf(page.querySelector('.signer-error-text'));
  expect(said).toBe('上传服务响应太慢，迟迟没有回应，请稍后重试');
  expect(said).not.toContain('连不上');
  expect(page.querySelector('.btn-reconnect')).toBeDefined();

  wx.health = { limits: TEST_LIMITS };
  tap(page, '.btn-reconnect');
  await waitFor(() => textOf(page.querySelector('.limits')) === zh.limitsHint(TEST_LIMITS), 'the limits show after reconnecting');
  expect(page.querySelector('.signer-error')).toBeUndefined();
});
