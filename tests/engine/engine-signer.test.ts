import { TransportError } from '../../miniprogram/shared/core/ports';
import { MAX_FILE_NAME_LENGTH } from '../../miniprogram/shared/contract/index';
import { signerFileName } from '../../miniprogram/shared/core/ticket-client';
import { validateTicketRequest } from '../../cloud-signer/src/validate-tickets';
import type { ApiFailure } from '../../cloud-signer/src/api-error';
import { flush, json, photo } from '../support/fake-transport';
import { setup } from '../support/engine-harness';

const statuses = (items: readonly { status: string }[]) => items.map((i) => i.status);

describe('engine: when the signer fails, every file of the batch says why', () => {
  test('signer unreachable for the limits: the files appear failed, and a retry later uploads them', async () => {
    const { engine, fake, settled } = setup();
    const health = fake.routes['GET /healthz'];
    fake.routes['GET /healthz'] = () => {
      throw new TransportError('network', 'request:fail connect ECONNREFUSED');
    };
    const { accepted, rejected } = await engine.add([photo(), photo()]);
    expect(rejected).toEqual([]);
    expect(statuses(accepted)).toEqual(['failed', 'failed']);
    expect(accepted[0].error).toEqual({ reason: 'signerUnreachable', code: 'network', retryable: true, message: '连不上上传服务，请检查网络后重试' });
    expect(settled).toHaveLength(2);

    fake.routes['GET /healthz'] = health;
    engine.retryAllFailed();
    (await fake.nextUpload()).succeed();
    (await fake.nextUpload()).succeed();
    await flush();
    expect(statuses(engine.items())).toEqual(['done', 'done']);
  });

  test('signer unreachable for the tickets: all files fail with signerUnreachable', async () => {
    const { engine, fake } = setup();
    fake.routes['POST /api/tickets'] = () => {
      // A refused connection; a request that only times out is "slow" (slow-signer.test.ts).
      throw new TransportError('network', 'request:fail net::ERR_CONNECTION_REFUSED');
    };
    await engine.add([photo(), photo(), photo()]);
    await flush();
    expect(engine.items().map((i) => i.error?.reason)).toEqual(['signerUnreachable', 'signerUnreachable', 'signerUnreachable']);
    expect(fake.uploads).toHaveLength(0);
  });

  test('401: every file fails as unauthorized, not retryable', async () => {
    const { engine, fake } = setup({ lang: 'en' });
    fake.routes['POST /api/tickets'] = () => json(401, { error: { code: 'Unauthorized', message: 'A valid bearer token is required.' } });
    await engine.add([photo(), photo()]);
    await flush();
    for (const item of engine.items()) {
      expect(item.error).toEqual({
        reason: 'unauthorized',
        status: 401,
        code: 'Unauthorized',
        retryable: false,
        message: 'Not allowed to upload: the upload service needs a valid access token. Contact the administrator.',
      });
    }
  });

  test('a 4xx naming one file fails only that file; the others get tickets in a second request', async () => {
    const { engine, fake } = setup();
    const tickets = fake.routes['POST /api/tickets'];
    fake.routes['POST /api/tickets'] = (request) => {
      const names = (JSON.parse(request.body ?? '') as { files: { name: string }[] }).files.map((f) => f.name);
      const bad = names.indexOf('b.jpg');
      if (bad >= 0) return json(400, { error: { code: 'InvalidName', message: 'File 2: the name contains control characters.', index: bad } });
      return tickets(request);
    };
    await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg'), photo(10, 'c.jpg')]);
    (await fake.nextUpload()).succeed();
    (await fake.nextUpload()).succeed();
    await flush();
    expect(fake.ticketRequests()).toEqual([['a.jpg', 'b.jpg', 'c.jpg'], ['a.jpg', 'c.jpg']]);
    expect(statuses(engine.items())).toEqual(['done', 'failed', 'done']);
    expect(engine.items()[1].error).toEqual({
      reason: 'signerRejected',
      status: 400,
      code: 'InvalidName',
      retryable: false,
      message: '上传服务拒绝了请求：File 2: the name contains control characters.',
    });
  });

  test('a name the signer would refuse (too long, a separator, a control character) is sent shortened or cleaned, and the file goes', async () => {
    const { engine, fake } = setup();
    const tickets = fake.routes['POST /api/tickets'];
    // The real signer's validation in front of the fake tickets.
    fake.routes['POST /api/tickets'] = (request) => {
      try {
        validateTicketRequest(JSON.parse(request.body ?? '{}'), { maxBytes: 20 * 1024 * 1024, allowedTypes: ['image/*'] });
      } catch (error) {
        const failure = error as ApiFailure;
        return json(failure.status, { error: { code: failure.code, message: failure.message, index: failure.index } });
      }
      return tickets(request);
    };
    const chatName = `${'会议记录照片'.repeat(50)}.jpg`; // 304 characters, as a chat file's name can be
    await engine.add([photo(1000, chatName), photo(1000, 'a/b.jpg'), photo(1000, 'tab\there.jpg')]);
    for (let i = 0; i < 3; i++) (await fake.nextUpload()).succeed();
    await flush();
    expect(statuses(engine.items())).toEqual(['done', 'done', 'done']);
    const [sent] = fake.ticketRequests();
    expect(sent[0]).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(sent[0].endsWith('….jpg')).toBe(true);
    expect(sent.slice(1)).toEqual(['a_b.jpg', 'tab_here.jpg']);
    // The person still sees the file's own name.
    expect(engine.items()[0].file.name).toBe(chatName);
  });

  test('a long name is never cut through an emoji', () => {
    for (let pad = 0; pad < 2; pad++) {
      const name = `${'a'.repeat(pad)}${'😀'.repeat(200)}.jpg`;
      const sent = signerFileName(name);
      expect(sent.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
      expect(sent.endsWith('….jpg')).toBe(true);
      // Every surrogate is whole: the text survives a round trip through UTF-8 unchanged.
      expect(Buffer.from(sent, 'utf8').toString('utf8')).toBe(sent);
    }
  });

  test('a signer size refusal for one file reads as our own too-large message', async () => {
    const { engine, fake } = setup();
    const tickets = fake.routes['POST /api/tickets'];
    let first = true;
    fake.routes['POST /api/tickets'] = (request) => {
      if (!first) return tickets(request);
      first = false;
      return json(400, { error: { code: 'FileTooLarge', message: 'File 1 is 30 MB; the largest file accepted is 20 MB.', index: 0 } });
    };
    await engine.add([photo(10, 'a.jpg'), photo(10, 'b.jpg')]);
    (await fake.nextUpload()).succeed();
    await flush();
    expect(engine.items()[0].error).toMatchObject({ reason: 'tooLarge', retryable: false, code: 'FileTooLarge' });
    expect(engine.items()[1].status).toBe('done');
  });

  test('a 4xx without an index fails the whole batch with the signer message', async () => {
    const { engine, fake } = setup();
    fake.routes['POST /api/tickets'] = () => json(400, { error: { code: 'TooManyFiles', message: 'At most 20 files per request.' } });
    await engine.add([photo(), photo()]);
    await flush();
    expect(engine.items().map((i) => i.error?.message)).toEqual(['上传服务拒绝了请求：At most 20 files per request.', '上传服务拒绝了请求：At most 20 files per request.']);
    expect(fake.ticketRequests()).toHaveLength(1);
  });

  test('a signer 5xx fails the batch as a retryable server error', async () => {
    const { engine, fake } = setup();
    fake.routes['POST /api/tickets'] = () => json(503, { error: { code: 'NotConfigured', message: 'no bucket' } });
    await engine.add([photo()]);
    await flush();
    expect(engine.items()[0].error).toEqual({ reason: 'server', status: 503, code: 'NotConfigured', retryable: true, message: '服务器暂时出错（HTTP 503, NotConfigured），请稍后重试' });
  });

  test.each([
    ['an HTML page from a proxy', () => ({ statusCode: 200, headers: {}, body: '<html>Login to Wi-Fi</html>' })],
    ['fewer tickets than files', () => json(200, { serverTime: new Date(0).toISOString(), tickets: [] })],
    ['a ticket without objectUrl', (fake: import('../support/fake-transport').FakeTransport) => {
      const { objectUrl: _, ...ticket } = fake.ticket('x.jpg');
      return json(200, { serverTime: new Date(0).toISOString(), tickets: [ticket] });
    }],
    ['a field that is not a string', (fake: import('../support/fake-transport').FakeTransport) =>
      json(200, { serverTime: new Date(0).toISOString(), tickets: [{ ...fake.ticket('x.jpg'), fields: { key: 1 } }] })],
    ['no serverTime', (fake: import('../support/fake-transport').FakeTransport) => json(200, { tickets: [fake.ticket('x.jpg')] })],
  ])('a malformed ticket response (%s) fails as badResponse and nothing is uploaded', async (_, answer) => {
    const { engine, fake } = setup();
    fake.routes['POST /api/tickets'] = () => answer(fake);
    await engine.add([photo()]);
    await flush();
    expect(engine.items()[0].error).toMatchObject({ reason: 'badResponse', retryable: true });
    expect(fake.uploads).toHaveLength(0);
  });

  test('a health answer without limits is a bad response, not a guess', async () => {
    const { engine, fake } = setup();
    fake.routes['GET /healthz'] = () => json(200, { ok: true, provider: 'local', bucket: 'dev' });
    await expect(engine.loadLimits()).rejects.toThrow('badResponse');
    const { accepted } = await engine.add([photo()]);
    expect(accepted[0].error?.reason).toBe('badResponse');
  });

  test('when the fresh ticket for an expired one cannot be had, the file fails with the signer reason', async () => {
    const { engine, fake } = setup();
    await engine.add([photo()]);
    fake.routes['POST /api/tickets'] = () => {
      throw new TransportError('network', 'request:fail');
    };
    (await fake.nextUpload()).respond(403, '<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>');
    await flush();
    expect(engine.items()[0].error?.reason).toBe('signerUnreachable');
  });
});
