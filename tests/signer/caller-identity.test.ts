// Who the guard says is calling, request after request from the same and other addresses.
// Anonymous and token callers are one remembered object per address (guard/caller.ts): what
// is remembered must never carry one caller's folder, kind or address into another's
// request, and no route can change it for the next request from that address.
import type { IncomingMessage } from 'node:http';
import { callerIdentifier, type Caller } from '../../cloud-signer/src/guard/caller';
import type { SessionTokens } from '../../cloud-signer/src/sign-in/session-tokens';

const SERVICE_TOKEN = 'service-token-0123456789abcdef';
const NOW = new Date('2026-12-01T10:00:00Z');
/** A session token names its user here: `a.<user>.c` (the JWT shape the identifier asks for). */
const sessions = { verify: async (token: string) => ({ user: token.split('.')[1], platform: 'wechat' }) } as unknown as SessionTokens;
const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

const identify = callerIdentifier({
  keyPrefix: 'uploads/',
  authorizeToken: (header) => header === `Bearer ${SERVICE_TOKEN}`,
  sessions,
  anonymousAllowed: true,
}).identify;
const who = async (authorization: string | undefined, ip: string) => {
  const { kind, user, keyPrefix, countAs, ip: seenIp, platform } = await identify(request(authorization), ip, NOW);
  return { kind, user, keyPrefix, countAs, ip: seenIp, ...(platform ? { platform } : {}) };
};

test('interleaved callers from one address and from others each get their own folder, counter and address', async () => {
  const anonymousA = { kind: 'anonymous', user: 'anonymous', keyPrefix: 'uploads/anonymous/', countAs: 'ip:10.0.0.1', ip: '10.0.0.1' };
  const serviceA = { kind: 'service', user: 'service', keyPrefix: 'uploads/service/', countAs: 'user:service', ip: '10.0.0.1' };
  const user = (id: string, ip: string) => ({ kind: 'user', user: id, keyPrefix: `uploads/${id}/`, countAs: `user:${id}`, ip, platform: 'wechat' });
  const sequence: [string | undefined, string, object][] = [
    [undefined, '10.0.0.1', anonymousA],
    [`Bearer ${SERVICE_TOKEN}`, '10.0.0.1', serviceA],
    ['Bearer a.u1.c', '10.0.0.1', user('u1', '10.0.0.1')],
    [undefined, '10.0.0.1', anonymousA],
    ['Bearer a.u2.c', '10.0.0.1', user('u2', '10.0.0.1')],
    [undefined, '10.0.0.2', { ...anonymousA, countAs: 'ip:10.0.0.2', ip: '10.0.0.2' }],
    [`Bearer ${SERVICE_TOKEN}`, '10.0.0.2', { ...serviceA, ip: '10.0.0.2' }],
    ['Bearer a.u1.c', '10.0.0.2', user('u1', '10.0.0.2')],
    [`Bearer ${SERVICE_TOKEN}`, '10.0.0.1', serviceA],
    [undefined, '10.0.0.1', anonymousA],
  ];
  for (const [authorization, ip, expected] of sequence) expect(await who(authorization, ip)).toEqual(expected);
});

test('a remembered caller cannot be changed by whoever holds it: the next request from the address is as before', async () => {
  const held = (await identify(request(), '10.0.0.9', NOW)) as Caller;
  expect(() => {
    (held as { keyPrefix: string }).keyPrefix = 'uploads/u1/';
  }).toThrow(TypeError);
  expect(await who(undefined, '10.0.0.9')).toMatchObject({ keyPrefix: 'uploads/anonymous/', countAs: 'ip:10.0.0.9' });
  const service = (await identify(request(`Bearer ${SERVICE_TOKEN}`), '10.0.0.9', NOW)) as Caller;
  expect(Object.isFrozen(service)).toBe(true);
});

test('a bad bearer token is refused, not taken for the anonymous caller of its address', async () => {
  await who(undefined, '10.0.0.3');
  expect(() => identify(request('Bearer not-a-token'), '10.0.0.3', NOW)).toThrow(expect.objectContaining({ status: 401, code: 'Unauthorized' }));
});
