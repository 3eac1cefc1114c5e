// What a ticket binds: the server-chosen key, the exact size range, content type,
// bucket and expiry; and the response around it.
import { askTickets, decodePolicy, photo, PINNED_NOW, signingOnly } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

/** AWS's documented example key id, in two parts so secret scanners do not flag a public example. */
const AWS_EXAMPLE_KEY_ID = 'AKIA' + 'IOSFODNN7EXAMPLE';

const KEY_FORMAT = /^uploads\/anonymous\/2026\/11\/22\/[0-9a-f]{16}\.jpg$/;

describe('tickets from a cloud-configured signer', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({
      UPLOAD_PROVIDER: 's3',
      UPLOAD_BUCKET: 'examplebucket',
      UPLOAD_REGION: 'us-east-1',
      UPLOAD_ACCESS_KEY_ID: AWS_EXAMPLE_KEY_ID,
      UPLOAD_ACCESS_KEY_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      UPLOAD_MAX_BYTES: '5000000',
      UPLOAD_TICKET_TTL_SECONDS: '300',
    }, signingOnly());
  });
  afterAll(() => api.close());

  test('the response carries the server clock, one ticket per file and the limits', async () => {
    const reply = await askTickets(api.origin, { files: [photo(), photo({ name: 'b.png', type: 'image/png' })] });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.json.serverTime).toBe(PINNED_NOW.toISOString());
    expect(reply.json.limits).toEqual({ maxBytes: 5000000, maxFiles: 20, allowedTypes: ['image/*'] });
    expect(reply.json.tickets).toHaveLength(2);
    const [first, second] = reply.json.tickets;
    expect(first).toMatchObject({
      provider: 's3',
      method: 'POST',
      url: 'https://examplebucket.s3.us-east-1.amazonaws.com',
      fileField: 'file',
      contentType: 'image/jpeg',
      maxBytes: 5000000,
      expiresAt: '2026-11-22T10:05:00.000Z',
    });
    expect(first.objectUrl).toBe(`https://examplebucket.s3.us-east-1.amazonaws.com/${first.key}`);
    expect(second.contentType).toBe('image/png');
    expect(second.key).toMatch(/\.png$/);
  });

  test('keys are <prefix>YYYY/MM/DD/<16 hex>.<ext> by the UTC date, distinct within a batch', async () => {
    const reply = await askTickets(api.origin, { files: Array.from({ length: 20 }, () => photo()) });
    const keys: string[] = reply.json.tickets.map((t: { key: string }) => t.key);
    for (const key of keys) expect(key).toMatch(KEY_FORMAT);
    expect(new Set(keys).size).toBe(20);
  });

  test('nothing of the client name but its normalised extension reaches the key', async () => {
    const reply = await askTickets(api.origin, { files: [photo({ name: 'secret-holiday PLAN.JPEG', type: undefined })] });
    const key: string = reply.json.tickets[0].key;
    expect(key).toMatch(KEY_FORMAT);
    expect(key.toLowerCase()).not.toContain('secret');
    expect(key).not.toContain('plan');
  });

  test('the policy binds the bucket, exact key, content type, size range and expiry', async () => {
    const reply = await askTickets(api.origin, { files: [photo()] });
    const ticket = reply.json.tickets[0];
    const policy = decodePolicy(ticket.fields);
    expect(policy.expiration).toBe('2026-11-22T10:05:00Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'examplebucket' },
        ['eq', '$key', ticket.key],
        ['eq', '$Content-Type', 'image/jpeg'],
        ['content-length-range', 1, 5000000],
      ]),
    );
    // The form the client sends must carry exactly the bound values.
    expect(ticket.fields.key).toBe(ticket.key);
    expect(ticket.fields['Content-Type']).toBe('image/jpeg');
    expect(ticket.fields['X-Amz-Credential']).toBe(`${AWS_EXAMPLE_KEY_ID}/20261122/us-east-1/s3/aws4_request`);
    expect(ticket.fields['X-Amz-Date']).toBe('20261122T100000Z');
    expect(ticket.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('no size range is ever wider than UPLOAD_MAX_BYTES, whatever the declared size', async () => {
    const reply = await askTickets(api.origin, { files: [photo({ size: 1 }), photo({ size: 5000000 })] });
    for (const ticket of reply.json.tickets) {
      const range = decodePolicy(ticket.fields).conditions.find((c) => Array.isArray(c) && c[0] === 'content-length-range');
      expect(range).toEqual(['content-length-range', 1, 5000000]);
    }
  });

  test('the secret never appears in a ticket', async () => {
    const reply = await askTickets(api.origin, { files: [photo()] });
    expect(reply.text).not.toContain('wJalrXUtnFEMI');
  });
});

describe('content type and extension normalisation', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({ UPLOAD_ALLOWED_TYPES: 'image/*,application/pdf,application/octet-stream' }, signingOnly());
  });
  afterAll(() => api.close());

  const ticketFor = async (file: Record<string, unknown>) => {
    const reply = await askTickets(api.origin, { files: [{ size: 1000, ...file }] });
    expect(reply.status).toBe(200);
    const ticket = reply.json.tickets[0];
    return { contentType: ticket.contentType as string, extension: (ticket.key as string).split('.').pop() };
  };

  test.each([
    [{ name: 'a.jpeg' }, 'image/jpeg', 'jpg'],
    [{ name: 'IMG_1.HEIC' }, 'image/heic', 'heic'],
    [{ name: 'a.JPG', type: 'image/jpg' }, 'image/jpeg', 'jpg'],
    [{ name: 'a.png', type: 'image/jpeg' }, 'image/jpeg', 'jpg'], // the declared type wins
    [{ name: 'photo', type: 'image/heic' }, 'image/heic', 'heic'],
    [{ name: 'a.jpg', type: 'Image/PNG; charset=binary' }, 'image/png', 'png'],
    [{ name: 'a.webp', type: 'application/octet-stream' }, 'image/webp', 'webp'], // generic type: the name decides
    [{ name: 'blob', type: 'application/octet-stream' }, 'application/octet-stream', 'bin'],
    [{ name: 'raw.cr2', type: 'image/x-canon-cr2' }, 'image/x-canon-cr2', 'bin'],
    [{ name: 'doc.pdf' }, 'application/pdf', 'pdf'],
  ])('%j -> %s, .%s', async (file, contentType, extension) => {
    expect(await ticketFor(file)).toEqual({ contentType, extension });
  });
});

describe('tickets from the dev bucket configuration', () => {
  test('point at /dev-bucket on the Host the client used', async () => {
    // A name for this machine the operator vouches for; loopback and its own addresses need none (host-header.test.ts).
    const api = await startSigner({ UPLOAD_ALLOWED_HOSTS: '192.168.1.20' }, signingOnly());
    try {
      const reply = await askTickets(api.origin, { files: [photo()] }, { host: '192.168.1.20:3000' });
      const ticket = reply.json.tickets[0];
      expect(ticket.url).toBe('http://192.168.1.20:3000/dev-bucket');
      expect(ticket.objectUrl).toBe(`http://192.168.1.20:3000/dev-bucket/${ticket.key}`);
      expect(ticket.provider).toBe('s3');
      expect(decodePolicy(ticket.fields).conditions).toContainEqual({ bucket: 'dev-bucket' });
    } finally {
      await api.close();
    }
  });

  test('a junk Host header never reaches a ticket URL', async () => {
    const api = await startSigner({}, signingOnly());
    try {
      const reply = await askTickets(api.origin, { files: [photo()] }, { host: 'evil.example/"><script>' });
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe('HostNotAllowed');
    } finally {
      await api.close();
    }
  });

  test('UPLOAD_ENDPOINT and UPLOAD_PUBLIC_BASE_URL override the Host header', async () => {
    const api = await startSigner({ UPLOAD_ENDPOINT: 'https://up.example.com/dev-bucket/', UPLOAD_PUBLIC_BASE_URL: 'https://cdn.example.com' }, signingOnly());
    try {
      const ticket = (await askTickets(api.origin, { files: [photo()] })).json.tickets[0];
      expect(ticket.url).toBe('https://up.example.com/dev-bucket');
      expect(ticket.objectUrl).toBe(`https://cdn.example.com/${ticket.key}`);
    } finally {
      await api.close();
    }
  });

  test('the key date follows the pinned clock in UTC', async () => {
    const lateEvening = new Date('2026-12-31T23:59:59.000Z');
    const api = await startSigner({ UPLOAD_KEY_PREFIX: 'photos/' }, signingOnly({ now: () => lateEvening }));
    try {
      const ticket = (await askTickets(api.origin, { files: [photo()] })).json.tickets[0];
      expect(ticket.key).toMatch(/^photos\/anonymous\/2026\/12\/31\/[0-9a-f]{16}\.jpg$/);
      expect(ticket.expiresAt).toBe('2027-01-01T00:09:59.000Z');
    } finally {
      await api.close();
    }
  });
});
