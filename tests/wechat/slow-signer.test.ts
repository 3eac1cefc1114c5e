// Issue 9 F on the page: a signer that does not answer in time (the platform's request
// timeout: "request:fail timeout") is slow, not unreachable. The page says so, and its
// reconnect button tries again. Issue 13: the person reads words they can act on; where the
// app waited and what to check (a firewall, a wrong LAN address) go to the developer's console.
import { uiMessages } from '../../miniprogram/shared/ui/i18n';
import { openPage, SIGNER_URL, tap, textOf, type OpenPage } from '../support/open-page';
import { TEST_LIMITS, waitFor } from '../support/scripted-wx';

const zh = uiMessages('zh');
let session: OpenPage | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
  jest.restoreAllMocks();
});

it('a /healthz that times out says the service is slow (not "cannot reach"), and reconnecting works', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  session = await openPage('pages/upload/index', { before: (wx) => (wx.health = { errMsg: 'timeout' }) });
  const { page, wx } = session;
  const said = textOf(page.querySelector('.notice-text'));
  expect(said).toBe(zh.signerSlow);
  expect(said).not.toContain('连不上');
  expect(said).not.toMatch(/127\.0\.0\.1|http|电脑/);
  // The developer still learns where the app waited and what to check if it lasts.
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`${SIGNER_URL}.*(firewall|LAN)`)), expect.anything());
  expect(uiMessages('en').signerSlow).toBe('The upload service is not answering; the network may be slow. Tap Reconnect in a moment.');
  expect(page.querySelector('.btn-reconnect')).toBeDefined();

  wx.health = { limits: TEST_LIMITS };
  tap(page, '.btn-reconnect');
  await waitFor(() => textOf(page.querySelector('.limits')) === zh.limitsHint(TEST_LIMITS), 'the limits show after reconnecting');
  expect(page.querySelector('.notice')).toBeUndefined();
});
