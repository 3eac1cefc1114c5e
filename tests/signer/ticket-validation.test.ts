// Every malformed ticket request gets a 4xx JSON error with a specific code and
// message, and never a ticket.
import http from 'node:http';
import { askTickets, photo, request, signingOnly, type Reply } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

let api: RunningSigner;
beforeAll(async () => {
  api = await startSigner({ UPLOAD_MAX_BYTES: '10485760' }, signingOnly());
});
afterAll(() => api.close());

function expectError(reply: Reply, status: number, code: string, index?: number): void {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.json.error.code).toBe(code);
  expect(typeof reply.json.error.message).toBe('string');
  expect(reply.json.error.message.length).toBeGreaterThan(10);
  expect(reply.json.error.index).toBe(index);
  expect(reply.json.tickets).toBeUndefined();
  expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
}

describe('the body', () => {
  test('that is not JSON is InvalidJson', async () => {
    expectError(await askTickets(api.origin, '{"files":[{'), 400, 'InvalidJson');
  });

  test('that is empty is InvalidJson', async () => {
    expectError(await askTickets(api.origin, ''), 400, 'InvalidJson');
  });

  test('that is JSON but not an object is InvalidJson', async () => {
    expectError(await askTickets(api.origin, [photo()]), 400, 'InvalidJson');
    expectError(await askTickets(api.origin, 'null'), 400, 'InvalidJson');
  });

  test('without a JSON content type is UnsupportedMediaType', async () => {
    const body = JSON.stringify({ files: [photo()] });
    expectError(await request(`${api.origin}/api/tickets`, { method: 'POST', body }), 415, 'UnsupportedMediaType');
    expectError(
      await request(`${api.origin}/api/tickets`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }),
      415,
      'UnsupportedMediaType',
    );
  });

  test('with a charset parameter is accepted', async () => {
    const reply = await askTickets(api.origin, { files: [photo()] }, { 'content-type': 'application/json; charset=utf-8' });
    expect(reply.status).toBe(200);
  });

  test('over 64 KiB with a Content-Length is refused before it is read: 413 BodyTooLarge', async () => {
    const body = JSON.stringify({ files: [photo({ name: 'x'.repeat(70 * 1024) })] });
    const reply = await askTickets(api.origin, body);
    expectError(reply, 413, 'BodyTooLarge');
    expect(reply.headers.connection).toBe('close');
  });

  test('over 64 KiB streamed without a length (chunked) stops being read: 413 BodyTooLarge', async () => {
    // 16 MiB would take a while to send; the signer must answer long before it is all sent.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const total = 256;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(`${api.origin}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        agent: false,
      });
      let sent = 0;
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: JSON.parse(text) }));
      });
      // Once the signer hangs up, writes fail: that is the point, not a test failure.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < total) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      req.write('{"files":[{"name":"');
      pump();
    });
    expectError(reply, 413, 'BodyTooLarge');
  });
});

describe('the files list', () => {
  test('missing is NoFiles', async () => {
    expectError(await askTickets(api.origin, {}), 400, 'NoFiles');
  });

  test('not an array is NoFiles', async () => {
    expectError(await askTickets(api.origin, { files: photo() }), 400, 'NoFiles');
  });

  test('empty is NoFiles', async () => {
    expectError(await askTickets(api.origin, { files: [] }), 400, 'NoFiles');
  });

  test('over 20 files is TooManyFiles; exactly 20 is fine', async () => {
    expectError(await askTickets(api.origin, { files: Array.from({ length: 21 }, () => photo()) }), 400, 'TooManyFiles');
    const twenty = await askTickets(api.origin, { files: Array.from({ length: 20 }, () => photo()) });
    expect(twenty.status).toBe(200);
    expect(twenty.json.tickets).toHaveLength(20);
  });

  test('an entry that is not an object is InvalidFile with its index', async () => {
    expectError(await askTickets(api.origin, { files: [photo(), 'IMG_2.jpg'] }), 400, 'InvalidFile', 1);
  });
});

describe('a file size', () => {
  test.each([
    ['missing', undefined],
    ['null', null],
    ['negative', -1],
    ['zero', 0],
    ['fractional', 12.5],
    ['a string', '1234'],
    ['beyond safe integers', 2 ** 60],
  ])('%s is InvalidSize with the index', async (_label, size) => {
    expectError(await askTickets(api.origin, { files: [photo(), photo({ size })] }), 400, 'InvalidSize', 1);
  });

  test('over UPLOAD_MAX_BYTES is FileTooLarge with the index and the limit in words', async () => {
    const reply = await askTickets(api.origin, { files: [photo({ size: 10485761 })] });
    expectError(reply, 400, 'FileTooLarge', 0);
    expect(reply.json.error.message).toContain('10 MB');
  });

  test('exactly UPLOAD_MAX_BYTES is accepted', async () => {
    expect((await askTickets(api.origin, { files: [photo({ size: 10485760 })] })).status).toBe(200);
  });
});

describe('a file name', () => {
  test.each([
    ['with a slash', '../../etc/passwd.jpg'],
    ['with a backslash', '..\\windows\\a.jpg'],
    ['with NUL', 'a\u0000.jpg'],
    ['with a newline', 'a\n.jpg'],
    ['with DEL', 'a\u007f.jpg'],
    ['of 10 KB', 'x'.repeat(10 * 1024) + '.jpg'],
    ['of 256 characters', 'x'.repeat(252) + '.jpg'],
    ['empty', ''],
    ['missing', undefined],
    ['not a string', 42],
  ])('%s is InvalidName', async (_label, name) => {
    expectError(await askTickets(api.origin, { files: [photo({ name })] }), 400, 'InvalidName', 0);
  });

  test('of exactly 255 characters is accepted', async () => {
    expect((await askTickets(api.origin, { files: [photo({ name: 'x'.repeat(251) + '.jpg' })] })).status).toBe(200);
  });
});

describe('a file type', () => {
  test('outside UPLOAD_ALLOWED_TYPES is TypeNotAllowed and names what is allowed', async () => {
    const reply = await askTickets(api.origin, { files: [photo(), photo({ name: 'report.pdf', type: 'application/pdf' })] });
    expectError(reply, 400, 'TypeNotAllowed', 1);
    expect(reply.json.error.message).toContain('image/*');
  });

  test('implied by a name outside UPLOAD_ALLOWED_TYPES is TypeNotAllowed', async () => {
    expectError(await askTickets(api.origin, { files: [photo({ name: 'clip.mp4', type: undefined })] }), 400, 'TypeNotAllowed', 0);
  });

  test('that wins over the name must itself be allowed', async () => {
    expectError(await askTickets(api.origin, { files: [photo({ name: 'a.jpg', type: 'text/html' })] }), 400, 'TypeNotAllowed', 0);
  });

  test('that is script-capable (SVG) is refused under image/* — it would run on the bucket domain', async () => {
    expectError(await askTickets(api.origin, { files: [photo({ name: 'logo.svg', type: 'image/svg+xml' })] }), 400, 'TypeNotAllowed', 0);
  });

  test('that is not a MIME type is InvalidFile', async () => {
    expectError(await askTickets(api.origin, { files: [photo({ type: 'jpeg' })] }), 400, 'InvalidFile', 0);
    expectError(await askTickets(api.origin, { files: [photo({ type: 'image/jpeg\r\nX-Evil: 1' })] }), 400, 'InvalidFile', 0);
    expectError(await askTickets(api.origin, { files: [photo({ type: 7 })] }), 400, 'InvalidFile', 0);
  });

  test('missing, with a name that has no known extension, is UnknownType', async () => {
    expectError(await askTickets(api.origin, { files: [photo({ name: 'IMG_0001', type: undefined })] }), 400, 'UnknownType', 0);
    expectError(await askTickets(api.origin, { files: [photo({ name: 'notes.xyz', type: '' })] }), 400, 'UnknownType', 0);
  });
});

describe('idempotency keys within one request', () => {
  const key = (n: number) => `file-key-${String(n).padStart(12, '0')}`;

  test('twenty files with twenty keys are ticketed (no quota on: the keys are only checked)', async () => {
    const reply = await askTickets(api.origin, { files: Array.from({ length: 20 }, (_, i) => photo({ idempotencyKey: key(i) })) });
    expect(reply.status).toBe(200);
    expect(reply.json.tickets).toHaveLength(20);
  });

  test('a key an earlier file already had is InvalidIdempotencyKey, on the later file, naming the first that had it', async () => {
    const files = Array.from({ length: 20 }, (_, i) => photo({ idempotencyKey: key(i) }));
    files[19] = photo({ idempotencyKey: key(4) });
    files[12] = photo({ idempotencyKey: key(4) });
    const reply = await askTickets(api.origin, { files });
    expectError(reply, 400, 'InvalidIdempotencyKey', 12);
    expect(reply.json.error.message).toBe('File 13 has the same idempotencyKey as File 5; each file needs its own.');
  });
});
