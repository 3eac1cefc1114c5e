// A real dev bucket on a real node:http server (127.0.0.1, ephemeral port), plus a
// hand-rolled multipart writer: the tampered forms (a field after the file, a cut-off
// body) are exactly the ones a well-behaved client library refuses to produce.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { DEV_BUCKET_PATH, createDevBucket, type DevBucket } from '../../cloud-signer/src/devbucket';
import type { Credentials, TicketInput } from '../../miniprogram/shared/signing/dialects/dialect';
import { s3Dialect } from '../../miniprogram/shared/signing/dialects/s3';
import type { UploadTicket } from '../../typings/ticket';

export const BUCKET = 'dev-bucket';
export const REGION = 'us-east-1';
export const CREDENTIALS: Credentials = { accessKeyId: 'DEVKEYTEST000001', accessKeySecret: 'dev-secret-for-tests-only' };
export const PHOTOS = path.join(__dirname, '../fixtures/photos');

export interface RunningBucket {
  origin: string;
  endpoint: string;
  /** The folder the dev bucket owns; `root` is its parent, which must stay untouched. */
  dataDir: string;
  root: string;
  bucket: DevBucket;
  /** Moves the bucket's clock. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export async function startBucket(
  opts: { now?: Date; root?: string; credentials?: Credentials; privateReads?: boolean; onError?: (error: unknown) => void } = {},
): Promise<RunningBucket> {
  const root = opts.root ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'devbucket-test-')));
  const dataDir = path.join(root, 'data');
  let now = opts.now ?? new Date('2026-11-22T10:00:00.000Z');
  const bucket = createDevBucket({
    dataDir,
    bucket: BUCKET,
    region: REGION,
    credentials: opts.credentials ?? CREDENTIALS,
    privateReads: opts.privateReads,
    now: () => now,
    onError: opts.onError,
  });
  await bucket.ready;
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith(DEV_BUCKET_PATH)) bucket.handle(req, res);
    else bucket.handleConsole(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    endpoint: `${origin}${DEV_BUCKET_PATH}`,
    dataDir,
    root,
    bucket,
    setNow: (date) => {
      now = date;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function ticketFor(running: RunningBucket, overrides: Partial<TicketInput> = {}): UploadTicket {
  return s3Dialect.signUpload(
    {
      bucket: BUCKET,
      region: REGION,
      endpoint: running.endpoint,
      publicBaseUrl: running.endpoint,
      credentials: CREDENTIALS,
      key: `uploads/2026/11/22/${randomBytes(8).toString('hex')}.png`,
      contentType: 'image/png',
      size: 1,
      maxBytes: 1024 * 1024,
      now: new Date('2026-11-22T10:00:00.000Z'),
      ttlSeconds: 600,
      ...overrides,
    },
    nodeCrypto,
  );
}

export type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Buffer };

export interface MultipartBody {
  body: Buffer;
  contentType: string;
}

export function multipart(parts: Part[]): MultipartBody {
  const boundary = `----devbucket${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.contentType}\r\n\r\n`,
        ),
        part.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A form of `fields` whose file is streamed by the test: the bytes before the file's and after,
 * so a test can send any number of file bytes between them without holding them.
 */
export function formAroundFile(fields: Record<string, string>, file: { filename: string; contentType: string }): { head: Buffer; tail: Buffer; contentType: string } {
  const placeholder = '@@FILE@@';
  const { body, contentType } = multipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: file.filename, contentType: file.contentType, data: Buffer.from(placeholder) },
  ]);
  const at = body.indexOf(placeholder);
  return { head: body.subarray(0, at), tail: body.subarray(at + placeholder.length), contentType };
}

/** The ticket's fields, then the file: the form a mini program sends. */
export function formFor(ticket: UploadTicket, data: Buffer, fields: Record<string, string> = ticket.fields): MultipartBody {
  return multipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: ticket.fileField, filename: 'photo.png', contentType: ticket.contentType, data },
  ]);
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * `url` is sent as written: WHATWG URL parsing would quietly resolve `..` and `%2e%2e`
 * on the client side, and the traversal tests must put them on the wire.
 */
export function request(url: string, opts: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { protocol, host } = new URL(url);
  const rawPath = url.slice(`${protocol}//${host}`.length) || '/';
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port: Number(port), path: rawPath, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function post(running: RunningBucket, form: MultipartBody): Promise<Answer> {
  return request(running.endpoint, {
    method: 'POST',
    body: form.body,
    headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) },
  });
}

/** `<Code>` of an S3 XML error body. */
export function errorCode(answer: Answer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(answer.text)?.[1];
}

/** Every file under a folder, relative to it (empty when the folder is missing). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

/** Cleanup after a dropped connection runs asynchronously; wait for it, within a bound. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
