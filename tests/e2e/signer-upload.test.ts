// End to end over real HTTP: a real signer (with its dev bucket) on an ephemeral port,
// tickets from POST /api/tickets, uploads by real multipart clients (Node's fetch +
// FormData, and curl -F), each object read back and compared by SHA-256. A client
// that drops mid-body leaves nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TicketResponse, UploadTicket } from '../../typings/ticket';
import { startSigner, type RunningSigner } from '../support/signer';

const run = promisify(execFile);
const PHOTOS = path.join(__dirname, '../fixtures/photos');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let signer: RunningSigner;

beforeAll(async () => {
  signer = await startSigner();
});
afterAll(async () => {
  await signer.close();
});

async function ticketsFor(files: { name: string; size: number; type?: string }[]): Promise<UploadTicket[]> {
  const res = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as TicketResponse).tickets;
}

async function readBack(ticket: UploadTicket): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(ticket.objectUrl);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

it('uploads a batch with fetch + FormData and reads every object back byte for byte', async () => {
  const names = ['photo-1.png', 'photo-4.png', 'photo-9.png'];
  const photos = await Promise.all(names.map((n) => fs.readFile(path.join(PHOTOS, n))));
  const tickets = await ticketsFor(names.map((name, i) => ({ name, size: photos[i].length, type: 'image/png' })));
  expect(tickets).toHaveLength(3);

  await Promise.all(
    tickets.map(async (ticket, i) => {
      expect(ticket.provider).toBe('s3');
      expect(ticket.url).toBe(`${signer.origin}/dev-bucket`);
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
      form.append(ticket.fileField, new Blob([photos[i]], { type: ticket.contentType }), names[i]);
      const answer = await fetch(ticket.url, { method: ticket.method, body: form });
      expect(answer.status).toBe(ticket.successStatus);
      expect(answer.headers.get('etag')).toBe(`"${createHash('md5').update(photos[i]).digest('hex')}"`);
    }),
  );

  for (const [i, ticket] of tickets.entries()) {
    const back = await readBack(ticket);
    expect(back.status).toBe(200);
    expect(back.type).toBe('image/png');
    expect(sha256(back.body)).toBe(sha256(photos[i]));
  }
});

it('uploads with curl -F, a multipart client that knows nothing of our code', async () => {
  const file = path.join(PHOTOS, 'photo-5.png');
  const photo = await fs.readFile(file);
  const [ticket] = await ticketsFor([{ name: 'photo-5.png', size: photo.length }]);
  const args = ['--silent', '--show-error', '--output', '-', '--write-out', '\n%{http_code}'];
  for (const [name, value] of Object.entries(ticket.fields)) args.push('--form-string', `${name}=${value}`);
  args.push('-F', `${ticket.fileField}=@${file};type=${ticket.contentType}`, ticket.url);
  const { stdout } = await run('curl', args);
  const status = Number(stdout.trim().split('\n').pop());
  expect(status).toBe(ticket.successStatus);
  expect(stdout).toContain(`<Key>${ticket.key}</Key>`);

  const back = await readBack(ticket);
  expect(sha256(back.body)).toBe(sha256(photo));
});

it('refuses a ticket used for a different file type, and stores nothing', async () => {
  const photo = await fs.readFile(path.join(PHOTOS, 'photo-2.png'));
  const [ticket] = await ticketsFor([{ name: 'photo-2.png', size: photo.length, type: 'image/png' }]);
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, name === 'Content-Type' ? 'text/html' : value);
  form.append(ticket.fileField, new Blob([photo], { type: 'text/html' }), 'x.html');
  const answer = await fetch(ticket.url, { method: 'POST', body: form });
  expect(answer.status).toBe(403);
  expect(await answer.text()).toContain('<Code>AccessDenied</Code>');
  expect((await readBack(ticket)).status).toBe(404);
});

it('leaves no object and no temp file when the client disconnects mid-body', async () => {
  const size = 4 * 1024 * 1024;
  const [ticket] = await ticketsFor([{ name: 'big.png', size, type: 'image/png' }]);
  const boundary = '----e2eDisconnect';
  const head = Buffer.from(
    Object.entries(ticket.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const before = await filesUnder(signer.dataDir);
  let sawTempFile = false;
  const tempFileAppears = async () => {
    for (let i = 0; i < 100 && !sawTempFile; i += 1) {
      sawTempFile = (await filesUnder(path.join(signer.dataDir, 'tmp'))).some((name) => name.endsWith('.part'));
      if (!sawTempFile) await new Promise((r) => setTimeout(r, 20));
    }
  };
  await new Promise<void>((resolve) => {
    const req = http.request(ticket.url, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + size + 64) },
    });
    req.on('error', () => resolve());
    req.write(head);
    // Half the file; once the bucket is visibly writing it, the client vanishes.
    req.write(Buffer.alloc(size / 2, 7), () => void tempFileAppears().then(() => req.destroy()));
  });
  expect(sawTempFile).toBe(true);
  const deadline = Date.now() + 3000;
  let after = await filesUnder(signer.dataDir);
  while (after.length !== before.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    after = await filesUnder(signer.dataDir);
  }
  expect(after.sort()).toEqual(before.sort());
  expect((await readBack(ticket)).status).toBe(404);
});
