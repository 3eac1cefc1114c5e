// The session keeper on its own, over a scripted signer: what it does when the signer is
// down, slow, or answered by something that is not the signer, and when several calls
// need a new session at once, and when the platform never hands out a login code. Pinned
// clock; the one timer (the login code's time limit) runs on a clock the test moves.
import { createSessionKeeper, LOGIN_CODE_TIMEOUT_MS } from '../../miniprogram/shared/core/session';
import { createTicketClient, SignerError } from '../../miniprogram/shared/core/ticket-client';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../../miniprogram/shared/core/ports';
import { flush, json, SIGNER, T0 } from '../support/fake-transport';
import { createManualTimers } from '../support/fake-timers';

const SESSION_MS = 2 * 3600 * 1000;

function scripted(answer: (request: HttpRequest) => Promise<HttpResponse> | HttpResponse) {
  const requests: HttpRequest[] = [];
  const logins: string[] = [];
  const transport: Transport = {
    request: async (request) => {
      requests.push(request);
      return answer(request);
    },
    upload: () => {
      throw new Error('no uploads here');
    },
  };
  const keeper = createSessionKeeper({
    signerUrl: SIGNER,
    transport,
    platform: 'wechat',
    loginCode: async () => {
      logins.push(`code-${logins.length + 1}`);
      return logins[logins.length - 1];
    },
    now: () => T0,
  });
  const sessionPosts = () => requests.filter((r) => r.url.endsWith('/api/sessions')).length;
  return { keeper, transport, requests, logins, sessionPosts };
}

let issued = 0;
const session = () => json(200, { serverTime: new Date(T0).toISOString(), token: `token-${++issued}`, expiresAt: new Date(T0 + SESSION_MS).toISOString(), user: { id: 'f'.repeat(24) } });

test('a 404 that is not the signer speaking (a proxy page) is a failed sign-in, not "this signer has no sign-in"', async () => {
  let proxyInTheWay = true;
  const { keeper, sessionPosts } = scripted(() =>
    proxyInTheWay ? { statusCode: 404, body: '<html><body>404 Not Found</body></html>', headers: { 'content-type': 'text/html' } } : session(),
  );
  await expect(keeper.token()).rejects.toBeInstanceOf(SignerError);
  proxyInTheWay = false;
  // The next call signs in: an HTML 404 must not switch sign-in off for the rest of the app's life.
  await expect(keeper.token()).resolves.toMatch(/^token-/);
  expect(sessionPosts()).toBe(2);
});

test('the signer saying it has no sign-in (its JSON 404) is believed, and not asked again', async () => {
  const { keeper, sessionPosts } = scripted(() => json(404, { error: { code: 'NotFound', message: 'There is nothing at /api/sessions.' } }));
  await expect(keeper.token()).resolves.toBeUndefined();
  await expect(keeper.token()).resolves.toBeUndefined();
  expect(sessionPosts()).toBe(1);
});

test('a sign-in that times out is reported as a slow signer, as every other signer call is', async () => {
  const { keeper } = scripted(() => Promise.reject(new TransportError('timeout', 'request:fail timeout')));
  await expect(keeper.token()).rejects.toMatchObject({ problem: { reason: 'signerSlow' } });
});

test('through the ticket client: a timed-out sign-in and then a 401 say "slow", not "cannot reach"', async () => {
  const { keeper, transport } = scripted((request) =>
    request.url.endsWith('/api/sessions') ? Promise.reject(new TransportError('timeout', 'request:fail timeout')) : json(401, { error: { code: 'Unauthorized', message: 'sign in' } }),
  );
  const client = createTicketClient({ signerUrl: SIGNER, transport, session: keeper, now: () => T0 });
  await expect(client.tickets([{ name: 'a.jpg', size: 10, type: 'image/jpeg' }])).rejects.toMatchObject({ problem: { reason: 'signerSlow' } });
});

test('the signer down: one login and one attempt per call, nothing retried inside, and the next call tries again', async () => {
  const { keeper, logins, sessionPosts } = scripted(() => Promise.reject(new TransportError('network', 'request:fail')));
  await expect(keeper.token()).rejects.toMatchObject({ problem: { reason: 'signerUnreachable' } });
  expect([logins.length, sessionPosts()]).toEqual([1, 1]);
  await expect(keeper.token()).rejects.toBeInstanceOf(SignerError);
  expect([logins.length, sessionPosts()]).toEqual([2, 2]);
});

test('many calls refused with the same stale token renew once, together', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const { keeper, logins } = scripted(async () => {
    if (held) await gate;
    return session();
  });
  const stale = (await keeper.token())!;
  held = true;
  const renewing = [keeper.renew(stale), keeper.renew(stale), keeper.token(), keeper.renew(stale)];
  release();
  const tokens = await Promise.all(renewing);
  expect(new Set(tokens).size).toBe(1);
  expect(tokens[0]).not.toBe(stale);
  expect(logins).toHaveLength(2);
  // A late 401 for the old token does not throw the fresh one away.
  await expect(keeper.renew(stale)).resolves.toBe(tokens[0]);
  expect(logins).toHaveLength(2);
});

describe('a login code that never comes', () => {
  test('fails the sign-in after LOGIN_CODE_TIMEOUT_MS instead of leaving every call waiting; the next call logs in again', async () => {
    const clock = createManualTimers();
    let lost = true;
    const logins: string[] = [];
    const keeper = createSessionKeeper({
      signerUrl: SIGNER,
      transport: { request: async () => session(), upload: () => { throw new Error('no uploads here'); } },
      platform: 'wechat',
      // The first wx.login's callback is lost (it never calls success or fail).
      loginCode: () => (lost ? new Promise<string>(() => undefined) : Promise.resolve(`code-${logins.push('x')}`)),
      now: () => T0,
      timers: clock.timers,
    });
    const first = keeper.token();
    clock.advance(LOGIN_CODE_TIMEOUT_MS - 1);
    await flush();
    let settled = false;
    void first.finally(() => (settled = true)).catch(() => undefined);
    await flush();
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(first).rejects.toMatchObject({ problem: { reason: 'signIn', code: 'LoginCodeUnavailable' } });
    lost = false;
    await expect(keeper.token()).resolves.toMatch(/^token-/);
    expect(clock.pendingCount()).toBe(0); // the answered login left no timer behind
  });
});
