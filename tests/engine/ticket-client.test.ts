import { createTicketClient, SignerError } from '../../miniprogram/shared/core/ticket-client';
import { isUploadTicket } from '../../miniprogram/shared/contract/index';
import { FakeTransport, json, SIGNER, T0 } from '../support/fake-transport';

function client(authToken?: string) {
  const fake = new FakeTransport(() => T0);
  const tickets = createTicketClient({ signerUrl: `${SIGNER}/`, transport: fake, authToken, timeoutMs: 5000, now: () => T0 });
  return { fake, tickets };
}

async function signerError(promise: Promise<unknown>): Promise<SignerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SignerError) return error;
    throw error;
  }
  throw new Error('expected a SignerError');
}

describe('ticket client', () => {
  test('POSTs JSON with the bearer token and a timeout, and keeps the signer clock offset', async () => {
    const { fake, tickets } = client('tok');
    fake.serverSkewMs = -90_000; // the phone is 90 s ahead
    const batch = await tickets.tickets([{ name: 'a.jpg', size: 3, type: 'image/jpeg' }]);
    expect(fake.requests[0]).toMatchObject({
      url: `${SIGNER}/api/tickets`,
      method: 'POST',
      headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json', Accept: 'application/json' },
      timeoutMs: 5000,
    });
    expect(batch.serverOffsetMs).toBe(-90_000);
    expect(batch.tickets).toHaveLength(1);
  });

  test('no Authorization header without a token', async () => {
    const { fake, tickets } = client();
    await tickets.health();
    expect(fake.requests[0].headers).toEqual({ Accept: 'application/json' });
  });

  test('a signer error keeps its code, message and index', async () => {
    const { fake, tickets } = client();
    fake.routes['POST /api/tickets'] = () => json(400, { error: { code: 'InvalidSize', message: 'File 2 has no size.', index: 1 } });
    const error = await signerError(tickets.tickets([{ name: 'a.jpg', size: 1 }]));
    expect(error.index).toBe(1);
    expect(error.problem).toEqual({ reason: 'signerRejected', retryable: false, status: 400, code: 'InvalidSize', context: { detail: 'File 2 has no size.' } });
  });

  test('a 4xx that is not our JSON is still a plain rejection, and a redirect is a bad response', async () => {
    const { fake, tickets } = client();
    fake.routes['POST /api/tickets'] = () => ({ statusCode: 404, headers: {}, body: 'Not Found' });
    expect((await signerError(tickets.tickets([{ name: 'a.jpg', size: 1 }]))).problem.reason).toBe('signerRejected');
    fake.routes['POST /api/tickets'] = () => ({ statusCode: 302, headers: { location: '/login' }, body: '' });
    expect((await signerError(tickets.tickets([{ name: 'a.jpg', size: 1 }]))).problem.reason).toBe('badResponse');
  });

  test.each([429, 408, 503])('a %s (a gateway or rate limiter in front of the signer) is retryable, not a verdict on the file', async (status) => {
    const { fake, tickets } = client();
    fake.routes['POST /api/tickets'] = () => ({ statusCode: status, headers: {}, body: 'Too Many Requests' });
    expect((await signerError(tickets.tickets([{ name: 'a.jpg', size: 1 }]))).problem).toMatchObject({ reason: 'server', retryable: true, status });
  });

  test('a domain refusal names the signer host', async () => {
    const { fake, tickets } = client();
    const { TransportError } = await import('../../miniprogram/shared/core/ports');
    fake.routes['GET /healthz'] = () => {
      throw new TransportError('domain', 'request:fail url not in domain list');
    };
    expect((await signerError(tickets.health())).problem).toMatchObject({ reason: 'domain', context: { host: 'signer.test' } });
  });

  test('ticket shape is checked strictly', () => {
    const fake = new FakeTransport(() => T0);
    const good = fake.ticket('a.jpg');
    expect(isUploadTicket(good)).toBe(true);
    expect(isUploadTicket({ ...good, method: 'GET' })).toBe(false);
    expect(isUploadTicket({ ...good, url: 'ftp://x' })).toBe(false);
    expect(isUploadTicket({ ...good, provider: 'gcs' })).toBe(false);
    expect(isUploadTicket({ ...good, successStatus: 302 })).toBe(false);
    expect(isUploadTicket({ ...good, expiresAt: 'soon' })).toBe(false);
    expect(isUploadTicket({ ...good, headers: { 'Content-Length': 5 } })).toBe(false);
    expect(isUploadTicket({ ...good, key: '' })).toBe(false);
  });
});
