// Issue 9 F in the engine: a ticket request the transport gives up on (timeout) fails
// its files as "slow", retryable, with words that do not send the person to check a
// connection that works; a retry asks again and uploads.
import { TransportError } from '../../miniprogram/shared/core/ports';
import { failureMessage, linkFailureMessage } from '../../miniprogram/shared/core/messages';
import { flush, photo } from '../support/fake-transport';
import { setup } from '../support/engine-harness';

test('a ticket request that times out fails the batch as slow and retryable; retry asks again', async () => {
  const { engine, fake } = setup();
  const answer = fake.routes['POST /api/tickets'];
  let slow = true;
  fake.routes['POST /api/tickets'] = (request) => {
    if (slow) throw new TransportError('timeout', 'request:fail timeout');
    return answer(request);
  };
  await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg')]);
  await flush();
  for (const item of engine.items()) {
    expect(item).toMatchObject({ status: 'failed', error: { reason: 'signerSlow', retryable: true } });
    expect(item.error?.message).toBe('上传服务响应太慢，迟迟没有回应，请稍后重试');
  }

  slow = false;
  engine.retryAllFailed();
  (await fake.nextUpload()).succeed();
  (await fake.nextUpload()).succeed();
  await flush();
  expect(engine.items().map((i) => i.status)).toEqual(['done', 'done']);
});

test('a network failure is still "cannot reach"; the slow words exist in English and for links', async () => {
  // Through the engine, as the timeout above: only the transport's word differs.
  const { engine, fake } = setup();
  fake.routes['POST /api/tickets'] = () => {
    throw new TransportError('network', 'request:fail net::ERR_CONNECTION_REFUSED');
  };
  await engine.add([photo(10, 'a.jpg')]);
  await flush();
  expect(engine.items()[0]).toMatchObject({ status: 'failed', error: { reason: 'signerUnreachable', retryable: true } });
  expect(engine.items()[0].error?.message).toContain('连不上上传服务');
  expect(failureMessage('signerSlow', 'en')).toBe('The upload service is taking too long to answer. Try again in a moment.');
  expect(linkFailureMessage('signerSlow', 'zh')).toBe('文件已上传，但没能取得访问链接（上传服务响应太慢）。请点“重试”再取链接');
});
