// Access control: bearer tokens on /api/*, and the refusal to expose an open signer.
import { createAuthorizer, exposureRefusal, isLoopbackHost } from '../../cloud-signer/src/auth';
import { askTickets, photo, postJson, request, signingOnly } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

const TOKEN_A = 'token-a-0123456789abcdef';
const TOKEN_B = 'token-b-fedcba9876543210';

describe('with UPLOAD_AUTH_TOKENS', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({ UPLOAD_AUTH_TOKENS: `${TOKEN_A}, ${TOKEN_B}` }, signingOnly());
  });
  afterAll(() => api.close());

  const expectUnauthorized = (reply: { status: number; json: any; headers: Record<string, unknown> }) => {
    expect(reply.status).toBe(401);
    expect(reply.json.error.code).toBe('Unauthorized');
    expect(reply.json.tickets).toBeUndefined();
    expect(reply.headers['www-authenticate']).toBe('Bearer');
  };

  test('a missing token gets 401 and no ticket', async () => {
    expectUnauthorized(await askTickets(api.origin, { files: [photo()] }));
  });

  test('a wrong token gets 401 and no ticket, and does not echo the token', async () => {
    const reply = await askTickets(api.origin, { files: [photo()] }, { authorization: 'Bearer token-a-0123456789abcdeX' });
    expectUnauthorized(reply);
    expect(reply.text).not.toContain('token-a');
  });

  test('a token without the Bearer scheme gets 401', async () => {
    expectUnauthorized(await askTickets(api.origin, { files: [photo()] }, { authorization: TOKEN_A }));
    expectUnauthorized(await askTickets(api.origin, { files: [photo()] }, { authorization: `Basic ${TOKEN_A}` }));
  });

  test('a prefix or extension of a right token gets 401', async () => {
    expectUnauthorized(await askTickets(api.origin, { files: [photo()] }, { authorization: `Bearer ${TOKEN_A.slice(0, -1)}` }));
    expectUnauthorized(await askTickets(api.origin, { files: [photo()] }, { authorization: `Bearer ${TOKEN_A}x` }));
  });

  test('each configured token gets tickets', async () => {
    for (const token of [TOKEN_A, TOKEN_B]) {
      const reply = await askTickets(api.origin, { files: [photo()] }, { authorization: `Bearer ${token}` });
      expect(reply.status).toBe(200);
      expect(reply.json.tickets).toHaveLength(1);
    }
  });

  test('every /api/* path needs the token, even before routing', async () => {
    expectUnauthorized(await postJson(api.origin, '/api/object-urls', { keys: [] }));
    expectUnauthorized(await request(`${api.origin}/api/unknown`));
  });

  test('/healthz stays open so load balancers can probe it', async () => {
    expect((await request(`${api.origin}/healthz`)).status).toBe(200);
  });
});

describe('createAuthorizer', () => {
  test('is absent when no tokens are configured', () => {
    expect(createAuthorizer([])).toBeUndefined();
  });

  test('accepts the scheme case-insensitively and nothing else', () => {
    const authorize = createAuthorizer([TOKEN_A])!;
    expect(authorize(`Bearer ${TOKEN_A}`)).toBe(true);
    expect(authorize(`bearer ${TOKEN_A}`)).toBe(true);
    expect(authorize(undefined)).toBe(false);
    expect(authorize('Bearer ')).toBe(false);
    expect(authorize(`Bearer${TOKEN_A}`)).toBe(false);
  });
});

describe('the exposure guard', () => {
  test.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '128.0.0.1'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  test('refuses a non-loopback host with no tokens, naming both ways out', () => {
    const refusal = exposureRefusal({ host: '0.0.0.0', authTokens: [], allowUnauthenticated: false });
    expect(refusal).toContain('0.0.0.0');
    expect(refusal).toContain('UPLOAD_AUTH_TOKENS');
    expect(refusal).toContain('UPLOAD_ALLOW_UNAUTHENTICATED=true');
  });

  test('allows loopback, a host with tokens, or an explicit LAN debugging setup', () => {
    expect(exposureRefusal({ host: '127.0.0.1', authTokens: [], allowUnauthenticated: false })).toBeUndefined();
    expect(exposureRefusal({ host: '0.0.0.0', authTokens: [TOKEN_A], allowUnauthenticated: false })).toBeUndefined();
    expect(exposureRefusal({ host: '0.0.0.0', authTokens: [], allowUnauthenticated: true })).toBeUndefined();
  });
});
