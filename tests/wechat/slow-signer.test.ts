// Issue 9 F on the page: a signer that does not answer in time (the platform's request
// timeout: "request:fail timeout") is slow, not unreachable. The page says so, and its
// reconnect button tries again.
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, SIGNER_URL, tap, textOf, type OpenPage } from '../support/open-page';
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
  // The first contact's timeout is also what a firewall that drops packets, or a wrong LAN
  // address, looks like: the page says where it waited and what to check if it lasts.
  expect(said).toBe(`上传服务（${SIGNER_URL}）迟迟没有回应，网络可能很慢。如果一直这样，请确认服务已启动、手机和电脑在同一网络，然后重试。`);
  expect(said).not.toContain('连不上');
  expect(uiMessages('en').signerSlow(SIGNER_URL)).toBe(
    `The upload service (${SIGNER_URL}) is not answering; the network may be slow. If this keeps happening, check that it is running and that the phone is on the same network, then retry.`,
  );
  expect(page.querySelector('.btn-reconnect')).toBeDefined();

  wx.health = { limits: TEST_LIMITS };
  tap(page, '.btn-reconnect');
  await waitFor(() => textOf(page.querySelector('.limits')) === zh.limitsHint(TEST_LIMITS), 'the limits show after reconnecting');
  expect(page.querySelector('.signer-error')).toBeUndefined();
});
