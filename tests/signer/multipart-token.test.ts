// The signer stays stateless: an upload token signed by one instance is honoured by
// another that shares UPLOAD_SESSION_SECRET (and the bucket), refused by one that does
// not, and never confused with a token of another purpose signed by the same secret.
import { SignJWT } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../cloud-signer/src/config';
import type { CreateUploadResponse } from '../../typings/multipart';
import { startSigner, type RunningSigner } from '../support/signer';

const MIB = 1024 * 1024;
const SECRET = 'a-shared-session-secret-0123456789abcdef';
const SHARED = {
  UPLOAD_SESSION_SECRET: SECRET,
  UPLOAD_ACCESS_KEY_ID: 'DEVSHAREDKEY0001',
  UPLOAD_ACCESS_KEY_SECRET: 'dev-shared-secret-for-tests',
  UPLOAD_ALLOWED_TYPES: 'video/mp4',
  UPLOAD_MULTIPART_PART_BYTES: String(5 * MIB),
};

async function post(origin: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

describe('upload tokens across signer instances', () => {
  let dataDir: string;
  let first: RunningSigner;
  let second: RunningSigner;
  let stranger: RunningSigner;

  beforeAll(async () => {
    // Two instances in front of one bucket: the dev buckets share their data directory.
    dataDir = await mkdtemp(join(tmpdir(), 'multipart-shared-'));
    first = await startSigner({ ...SHARED, UPLOAD_DATA_DIR: dataDir });
    second = await startSigner({ ...SHARED, UPLOAD_DATA_DIR: dataDir });
    stranger = await startSigner({ ...SHARED, UPLOAD_SESSION_SECRET: 'another-secret-entirely-0123456789abcdef' });
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close(), stranger.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets any instance with the same secret serve any step', async () => {
    const data = randomBytes(5 * MIB + 10);
    const upload: CreateUploadResponse = (await post(first.origin, '/api/uploads', { name: 'a.mp4', size: data.length })).json;
    const signed = (await post(second.origin, '/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers: [1, 2] })).json;
    const parts = [];
    for (const part of signed.parts) {
      const offset = (part.partNumber - 1) * upload.partSize;
      const response = await fetch(part.url, { method: 'PUT', headers: part.headers, body: new Uint8Array(data.subarray(offset, offset + part.size)) });
      parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag') });
    }
    expect((await post(first.origin, '/api/uploads/complete', { uploadToken: upload.uploadToken, parts })).status).toBe(200);
    expect((await fetch(upload.objectUrl)).status).toBe(200);
  });

  it('refuses a token signed with another secret, and a same-secret token meant for something else', async () => {
    const upload: CreateUploadResponse = (await post(first.origin, '/api/uploads', { name: 'a.mp4', size: 6 * MIB })).json;
    expect(await post(stranger.origin, '/api/uploads/list', { uploadToken: upload.uploadToken })).toMatchObject({ status: 400, json: { error: { code: 'InvalidUploadToken' } } });
    const claims = JSON.parse(Buffer.from(upload.uploadToken.split('.')[1], 'base64url').toString());
    const session = await new SignJWT({ ...claims, aud: 'sign-in' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    expect(await post(first.origin, '/api/uploads/list', { uploadToken: session })).toMatchObject({ status: 400, json: { error: { code: 'InvalidUploadToken' } } });
  });
});

describe('uploads in parts and sign-in', () => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner({ ...SHARED });
  });
  afterAll(() => signer.close());

  /** A session from the dev bucket's dev login: `dev:<name>` codes name users. */
  async function sessionOf(name: string): Promise<{ token: string; id: string }> {
    const answer = await post(signer.origin, '/api/sessions', { platform: 'wechat', code: `dev:${name}` });
    expect(answer.status).toBe(200);
    return { token: answer.json.token, id: answer.json.user.id };
  }

  async function postAs(token: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${signer.origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  it("keys an upload under the signed-in user's folder, and refuses its token to another user", async () => {
    const alice = await sessionOf('alice');
    const bob = await sessionOf('bob');
    const upload = await postAs(alice.token, '/api/uploads', { name: 'a.mp4', size: 6 * MIB });
    expect(upload.status).toBe(200);
    expect(upload.json.key.startsWith(`uploads/${alice.id}/`)).toBe(true);
    expect((await postAs(alice.token, '/api/uploads/list', { uploadToken: upload.json.uploadToken })).status).toBe(200);
    expect(await postAs(bob.token, '/api/uploads/list', { uploadToken: upload.json.uploadToken })).toMatchObject({
      status: 403,
      json: { error: { code: 'Forbidden' } },
    });
    expect(await post(signer.origin, '/api/uploads/list', { uploadToken: upload.json.uploadToken })).toMatchObject({ status: 403 });
  });
});

describe('multipart settings', () => {
  it('refuses a short UPLOAD_SESSION_SECRET and out-of-range sizes, naming the variable', () => {
    expect(() => loadConfig({ UPLOAD_SESSION_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ UPLOAD_SESSION_SECRET: 'short' })).toThrow(/UPLOAD_SESSION_SECRET/);
    expect(() => loadConfig({ UPLOAD_MAX_MULTIPART_BYTES: '-1' })).toThrow(/UPLOAD_MAX_MULTIPART_BYTES/);
    expect(() => loadConfig({ UPLOAD_MULTIPART_PART_BYTES: '1000' })).toThrow(/UPLOAD_MULTIPART_PART_BYTES/);
    expect(loadConfig({}).multipart).toEqual({ maxBytes: 2 * 1024 * MIB, partSize: 8 * MIB, tokenTtlSeconds: 86400, abandonAfterSeconds: 86400 });
  });
});
