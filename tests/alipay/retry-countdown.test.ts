// While a failed upload waits to be tried again, its tile says why and counts down:
// the real Alipay upload page and shared controller over the real engine and a scripted
// transport, on jest's clock (Date and timers pinned and moved by the test). The first
// try's connection drops at 40%; the tile keeps 40%, its caption says 网络中断 and the
// picture 3 秒后重试, then 2, then 1, and both go when the next try starts.
import path from 'node:path';
import { createFakeMy } from '../support/fake-my';
import { FakeTransport, SIGNER, photo } from '../support/fake-transport';
import { loadPage, type PageInstance } from '../support/alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import { createUploadEngine } from '../../miniprogram/shared/core/engine';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');
const NOW = new Date(2026, 10, 22, 10, 3).getTime();
const g = globalThis as Record<string, unknown>;

let page: PageInstance | undefined;
beforeEach(() => {
  // setImmediate stays real: the scripted transport's answers and the tests' flushes use it.
  jest.useFakeTimers({ now: NOW, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
});
afterEach(() => {
  page?.onUnload();
  page = undefined;
  setServices(undefined);
  delete g.my;
  jest.useRealTimers();
});

async function open(language = 'zh-Hans') {
  g.my = createFakeMy({ language }).my;
  const transport = new FakeTransport(() => Date.now());
  const services = buildServices({
    config: { ...appConfig, signerUrl: SIGNER },
    // The engine's own clock and sleep are jest's: a 3 s pause ends when the test moves time 3 s.
    createEngine: (platform) => createUploadEngine({ signerUrl: SIGNER, transport, lang: platform.language(), stall: false, retry: { delays: [3000] } }),
  });
  setServices(services);
  page = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  await page.onLoad();
  await services.engine.add([photo(1000, 'beach.jpg')]);
  const first = await transport.nextUpload();
  first.progress(400, 1000);
  first.fail('network');
  const card = () => (page!.data.items as CardView[])[0];
  return { transport, card };
}

/** Moves jest's clock, letting the promises each timer wakes settle. */
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

it('counts down on the tile, in plain words, while the dropped upload waits to be tried again', async () => {
  const { transport, card } = await open();
  await advance(60); // the page's merged render
  expect(card()).toMatchObject({ status: 'uploading', percent: 40, overlayText: '40%', noteText: '网络中断', overlayHint: '3 秒后重试' });
  expect(card().label).toBe('beach.jpg，网络中断，3 秒后重试');
  await advance(1000);
  expect([card().statusText, card().overlayHint]).toEqual(['网络中断，2 秒后重试', '2 秒后重试']);
  await advance(1000);
  expect([card().statusText, card().overlayHint]).toEqual(['网络中断，1 秒后重试', '1 秒后重试']);
  await advance(1000);
  await transport.nextUpload(); // the next try, after the 3 s
  await advance(60);
  expect(card()).toMatchObject({ status: 'uploading', percent: 0, noteText: card().sizeText, overlayHint: '' });
  expect(card().statusText).toBe('上传中');
});

it('says it in English on an English phone', async () => {
  const { card } = await open('en-US');
  await advance(60);
  expect(card()).toMatchObject({ statusText: 'Connection lost — retrying in 3 s', noteText: 'Connection lost', overlayHint: 'Retrying in 3 s' });
  await advance(2000);
  expect(card().overlayHint).toBe('Retrying in 1 s');
});
