// Issue 9, item C (and item 6's data folder): the dev bucket's keys live with its data,
// made once on first start in a 0600 file, so a signer restarted mid-upload still
// accepts the tickets it handed out before. The keys are never printed. A data
// folder that cannot work stops the start, naming UPLOAD_DATA_DIR.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bannerLines } from '../../cloud-signer/src/banner';
import { ConfigError } from '../../cloud-signer/src/config';
import type { TicketResponse } from '../../typings/ticket';
import { startSigner, type RunningSigner } from '../support/signer';
import { PHOTOS, errorCode, formFor, request } from '../support/bucket-harness';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'dev-keys-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function ticketFrom(signer: RunningSigner, size: number) {
  const res = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'photo-1.png', size, type: 'image/png' }] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as TicketResponse).tickets[0];
}

/** Posts a ticket's form to the dev bucket of `signer` (which may not be the one that signed it). */
async function uploadTo(signer: RunningSigner, ticket: Awaited<ReturnType<typeof ticketFrom>>, data: Buffer) {
  const form = formFor(ticket, data);
  return request(`${signer.origin}/dev-bucket`, {
    method: 'POST',
    body: form.body,
    headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) },
  });
}

test('a ticket from before a restart still uploads after it', async () => {
  const dataDir = path.join(root, 'data');
  const photo = await fs.readFile(path.join(PHOTOS, 'photo-1.png'));
  const first = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  const ticket = await ticketFrom(first, photo.length);
  await first.close();

  const second = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  try {
    const answer = await uploadTo(second, ticket, photo);
    expect(errorCode(answer)).toBeUndefined();
    expect(answer.status).toBe(201);
    expect(second.config.credentials).toEqual(first.config.credentials);
  } finally {
    await second.close();
  }
});

test('an upload in parts started before a restart goes on after it: the session secret lives with the data too', async () => {
  const dataDir = path.join(root, 'data');
  const first = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  let uploadToken: string;
  try {
    const created = await fetch(`${first.origin}/api/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'big.jpg', size: 30 * 1024 * 1024, type: 'image/jpeg' }),
    });
    expect(created.status).toBe(200);
    ({ uploadToken } = (await created.json()) as { uploadToken: string });
  } finally {
    await first.close();
  }

  const second = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  try {
    const listed = await fetch(`${second.origin}/api/uploads/list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ uploadToken }),
    });
    expect(await listed.json()).toMatchObject({ parts: [] });
    expect(listed.status).toBe(200);
    const secretFile = path.join(dataDir, 'dev-session-secret');
    expect((await fs.stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = (await fs.readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(second.config.multipart.secret).toBe(secret);
    expect(bannerLines({ config: second.config, port: 3000, interfaces: {} }).join('\n')).not.toContain(secret);
  } finally {
    await second.close();
  }
});

test('UPLOAD_SESSION_SECRET set by the operator wins, and no secret file is written', async () => {
  const dataDir = path.join(root, 'data');
  const pinned = 'operator-session-secret-of-32-chars-at-least';
  const signer = await startSigner({ UPLOAD_DATA_DIR: dataDir, UPLOAD_SESSION_SECRET: pinned });
  try {
    expect(signer.config.multipart.secret).toBe(pinned);
    await expect(fs.stat(path.join(dataDir, 'dev-session-secret'))).rejects.toMatchObject({ code: 'ENOENT' });
  } finally {
    await signer.close();
  }
});

test('a damaged session secret file stops the start, naming the file and never quoting it', async () => {
  const dataDir = path.join(root, 'data');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, 'dev-session-secret'), 'short-secret\n');
  // A signer that did start is closed again, so a failing expectation cannot leave it running.
  const refusal = await startSigner({ UPLOAD_DATA_DIR: dataDir }).then(
    (started) => started.close().then(() => undefined),
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(ConfigError);
  expect((refusal as Error).message).toMatch(/dev-session-secret \(UPLOAD_DATA_DIR\) is damaged/);
  expect((refusal as Error).message).not.toContain('short-secret');
});

test('the keys are made once, in a file only the owner can read, and never shown', async () => {
  const dataDir = path.join(root, 'data');
  const signer = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  try {
    const files = (await fs.readdir(dataDir)).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    const keyFile = path.join(dataDir, files[0]);
    expect((await fs.stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(keyFile, 'utf8')).toContain(signer.config.credentials.accessKeySecret);
    const { accessKeySecret } = signer.config.credentials;
    const health = await (await fetch(`${signer.origin}/healthz`)).text();
    const banner = bannerLines({ config: signer.config, port: 3000, interfaces: {} }).join('\n');
    for (const text of [health, banner]) expect(text).not.toContain(accessKeySecret);
  } finally {
    await signer.close();
  }
});

test('keys the operator sets win and are not written anywhere', async () => {
  const dataDir = path.join(root, 'data');
  const signer = await startSigner({ UPLOAD_DATA_DIR: dataDir, UPLOAD_ACCESS_KEY_ID: 'PINNEDKEY', UPLOAD_ACCESS_KEY_SECRET: 'pinned-secret-0001' });
  try {
    expect(signer.config.credentials).toEqual({ accessKeyId: 'PINNEDKEY', accessKeySecret: 'pinned-secret-0001' });
    for (const name of await fs.readdir(dataDir)) {
      const stat = await fs.stat(path.join(dataDir, name));
      if (stat.isFile()) expect(await fs.readFile(path.join(dataDir, name), 'utf8')).not.toContain('pinned-secret-0001');
    }
  } finally {
    await signer.close();
  }
});

async function startRefusal(env: Record<string, string>): Promise<ConfigError> {
  const error = await startSigner(env).then(
    async (signer) => {
      await signer.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

test('UPLOAD_DATA_DIR naming a file is refused at start', async () => {
  const file = path.join(root, 'not-a-folder');
  await fs.writeFile(file, 'x');
  const error = await startRefusal({ UPLOAD_DATA_DIR: file });
  expect(error.message).toContain('UPLOAD_DATA_DIR');
  expect(error.message).toContain(file);
});

test('UPLOAD_DATA_DIR inside a file is refused at start', async () => {
  const file = path.join(root, 'not-a-folder');
  await fs.writeFile(file, 'x');
  const error = await startRefusal({ UPLOAD_DATA_DIR: path.join(file, 'data') });
  expect(error.message).toContain('UPLOAD_DATA_DIR');
});

test('a damaged key file is refused at start with what to do', async () => {
  const dataDir = path.join(root, 'data');
  const signer = await startSigner({ UPLOAD_DATA_DIR: dataDir });
  await signer.close();
  const [name] = (await fs.readdir(dataDir)).filter((n) => n.endsWith('.json'));
  await fs.writeFile(path.join(dataDir, name), '{"accessKeyId":');
  const error = await startRefusal({ UPLOAD_DATA_DIR: dataDir });
  expect(error.message).toContain(name);
  expect(error.message).toMatch(/delete/i);
});
