// The signer with UPLOAD_PROVIDER=local, started by startSigner exactly as other suites
// start it: tickets point at its own /dev-bucket, an upload with one verifies there, and
// the console is served at /.
import { createHash } from 'node:crypto';
import { startSigner, type RunningSigner } from '../support/signer';
import { askTickets, request } from '../support/api-helpers';

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner();
});
afterAll(() => signer.close());

test('a ticket uploads to the embedded dev bucket and the object reads back byte for byte', async () => {
  const bytes = Buffer.from('not really a jpeg, but bytes are bytes: ' + 'x'.repeat(1000));
  const reply = await askTickets(signer.origin, { files: [{ name: 'IMG_1.jpg', size: bytes.length }] });
  expect(reply.status).toBe(200);
  const ticket = reply.json.tickets[0];
  expect(ticket.url).toBe(`${signer.origin}/dev-bucket`);

  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields as Record<string, string>)) form.append(name, value);
  form.append(ticket.fileField, new Blob([bytes], { type: ticket.contentType }), 'IMG_1.jpg');
  const upload = await fetch(ticket.url, { method: 'POST', body: form });
  expect(upload.status).toBe(ticket.successStatus);

  const object = await fetch(ticket.objectUrl);
  expect(object.status).toBe(200);
  expect(object.headers.get('content-type')).toBe('image/jpeg');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  expect(sha(Buffer.from(await object.arrayBuffer()))).toBe(sha(bytes));
});

test('a ticket for one key cannot write another', async () => {
  const ticket = (await askTickets(signer.origin, { files: [{ name: 'a.png', size: 10 }] })).json.tickets[0];
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields as Record<string, string>)) {
    form.append(name, name === 'key' ? 'uploads/elsewhere.png' : value);
  }
  form.append('file', new Blob([Buffer.alloc(10)], { type: 'image/png' }), 'a.png');
  const upload = await fetch(ticket.url, { method: 'POST', body: form });
  expect(upload.status).toBe(403);
});

test('the console page is served at / and /healthz reports the local provider', async () => {
  const page = await request(`${signer.origin}/`);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect((await request(`${signer.origin}/healthz`)).json).toMatchObject({ ok: true, provider: 'local', bucket: 'dev-bucket' });
});
