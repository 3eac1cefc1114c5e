// Routing and the error envelope: 404, 405 with Allow, /healthz, /api/object-urls, and
// an unexpected failure that becomes a generic 500 without leaking anything.
import type { CredentialSource } from '../../cloud-signer/src/credentials';
import { askTickets, photo, postJson, request, signingOnly } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

describe('routing', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({ UPLOAD_MAX_BYTES: '1048576', UPLOAD_ALLOWED_TYPES: 'image/*, application/pdf' }, signingOnly());
  });
  afterAll(() => api.close());

  test('/healthz answers the contract plus limits', async () => {
    const reply = await request(`${api.origin}/healthz`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      ok: true,
      provider: 'local',
      bucket: 'dev-bucket',
      limits: { maxBytes: 1048576, maxFiles: 20, allowedTypes: ['image/*', 'application/pdf'] },
      privateBucket: false,
      // The dev bucket's dev login takes both platforms' codes.
      signIn: ['wechat', 'alipay'],
      multipart: { maxBytes: 2 * 1024 * 1024 * 1024, partSize: 8 * 1024 * 1024 },
    });
  });

  test('/healthz answers HEAD without a body and ignores a query string', async () => {
    const head = await request(`${api.origin}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect((await request(`${api.origin}/healthz?probe=1`)).status).toBe(200);
  });

  test('an unknown route is 404 NotFound in JSON', async () => {
    for (const path of ['/nope', '/api/nope', '/api/tickets/extra', '/dev-bucket/x.jpg', '/']) {
      const reply = await request(api.origin + path);
      expect(reply.status).toBe(404);
      expect(reply.json.error.code).toBe('NotFound');
    }
  });

  test('a wrong method is 405 MethodNotAllowed with an Allow header', async () => {
    const get = await request(`${api.origin}/api/tickets`);
    expect(get.status).toBe(405);
    expect(get.json.error.code).toBe('MethodNotAllowed');
    expect(get.headers.allow).toBe('POST');
    const post = await postJson(api.origin, '/healthz', {});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('/api/object-urls', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' }, signingOnly());
  });
  afterAll(() => api.close());

  test.each([
    ['outside the prefix', 'private/2026/11/22/0123456789abcdef.jpg'],
    ['climbing out of the prefix', 'uploads/../secrets/2026/11/22/0123456789abcdef.jpg'],
    ['under the prefix but not a key we issue', 'uploads/anything.jpg'],
    ['not a string', 42],
  ])('refuses a key %s with 403 Forbidden and its index', async (_label, key) => {
    const reply = await postJson(api.origin, '/api/object-urls', { keys: ['uploads/anonymous/2026/11/22/0123456789abcdef.jpg', key] });
    expect(reply.status).toBe(403);
    expect(reply.json.error).toMatchObject({ code: 'Forbidden', index: 1 });
    expect(reply.json.urls).toBeUndefined();
  });

  test('refuses a body without keys', async () => {
    const reply = await postJson(api.origin, '/api/object-urls', { keys: [] });
    expect(reply.status).toBe(400);
  });

  test('signs a presigned SigV4 GET for an issued key, pointing at the bucket the client reached', async () => {
    const key = 'uploads/anonymous/2026/11/22/0123456789abcdef.jpg';
    const reply = await postJson(api.origin, '/api/object-urls', { keys: [key] });
    expect(reply.status).toBe(200);
    expect(reply.json.urls).toHaveLength(1);
    const { url, expiresAt } = reply.json.urls[0];
    expect(reply.json.urls[0].key).toBe(key);
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe(`${api.origin}/dev-bucket/${key}`);
    expect(link.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(link.searchParams.get('X-Amz-Expires')).toBe('3600'); // UPLOAD_OBJECT_URL_TTL_SECONDS default
    expect(link.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(expiresAt) - Date.parse(reply.json.serverTime)).toBe(3_600_000);
  });

  test('/healthz tells the app the bucket is private', async () => {
    expect((await request(`${api.origin}/healthz`)).json.privateBucket).toBe(true);
  });
});

describe('an unexpected failure', () => {
  const SECRET = 'sts-secret-that-must-not-leak-0001';
  const failing: CredentialSource = {
    get: () => Promise.reject(new Error(`STS refused key ${SECRET}`)),
  };

  test('is a generic 500 InternalError, logged with secrets redacted', async () => {
    const api = await startSigner(
      { UPLOAD_ACCESS_KEY_ID: 'DEVKEY', UPLOAD_ACCESS_KEY_SECRET: SECRET },
      signingOnly({ credentials: failing }),
    );
    try {
      const reply = await askTickets(api.origin, { files: [photo()] });
      expect(reply.status).toBe(500);
      expect(reply.json.error.code).toBe('InternalError');
      expect(reply.text).not.toContain(SECRET);
      expect(reply.text).not.toContain('STS');
      expect(api.logged).toHaveLength(1);
      expect(api.logged[0]).toContain('STS refused key [redacted]');
      expect(api.logged[0]).not.toContain(SECRET);
    } finally {
      await api.close();
    }
  });
});
