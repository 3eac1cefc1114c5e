// `npm start` as a developer meets it: the bundled signer as a real process. It prints
// where it listens, answers /healthz, stops cleanly on SIGTERM, and refuses unsafe or
// broken configuration with a plain message and exit code 1; its audit log loses no line
// at shutdown.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSignerBundle } from '../support/signer-bundle';
import { startMultipartStandIn, type StandInVendor } from '../support/multipart-stand-in';

jest.setTimeout(60_000);

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-main-'));
  bundle = path.join(workDir, 'signer.js');
  // scripts/build/signer.mjs itself, into a private file so a parallel build cannot race it.
  await buildSignerBundle(bundle);
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the signer with `env` (cwd: an empty dir, so no .env applies); `whenReady` runs once it prints its URL. */
function runSigner(
  env: Record<string, string>,
  whenReady?: (origin: string, stop: () => void) => Promise<void>,
  cwd: string = workDir,
): Promise<Run> {
  const child = spawn(process.execPath, [bundle], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', UPLOAD_DATA_DIR: path.join(workDir, 'data'), ...env },
  });
  let stdout = '';
  let stderr = '';
  let readyCalled = false;
  let failure: unknown;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
    if (match && whenReady && !readyCalled) {
      readyCalled = true;
      whenReady(match[1], () => child.kill('SIGTERM')).catch((error) => {
        failure = error;
        child.kill('SIGKILL');
      });
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (failure ? reject(failure) : resolve({ code, stdout, stderr })));
  });
}

test('starts with the dev bucket, answers /healthz, prints no secret, and stops cleanly on SIGTERM', async () => {
  let health: unknown;
  const run = await runSigner({ UPLOAD_ACCESS_KEY_ID: 'dev-key-id', UPLOAD_ACCESS_KEY_SECRET: 'dev-secret-that-must-not-print' }, async (origin, stop) => {
    health = await (await fetch(`${origin}/healthz`)).json();
    stop();
  });
  expect(run.code).toBe(0);
  expect(health).toMatchObject({ ok: true, provider: 'local', bucket: 'dev-bucket' });
  expect(run.stdout).toContain('Objects kept in:');
  expect(run.stdout).toContain('SIGTERM: closing the signer');
  expect(run.stdout + run.stderr).not.toContain('dev-secret-that-must-not-print');
});

test('refuses to listen beyond this machine without tokens, and says what to do', async () => {
  const run = await runSigner({ HOST: '0.0.0.0' });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/UPLOAD_AUTH_TOKENS/);
  expect(run.stdout).not.toContain('listening');
});

test('a cloud provider without its settings stops with the missing variable names', async () => {
  const run = await runSigner({ UPLOAD_PROVIDER: 'oss' });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('Configuration error');
  expect(run.stderr).toContain('UPLOAD_BUCKET');
  expect(run.stderr).toContain('UPLOAD_ACCESS_KEY_SECRET');
});

test('UPLOAD_DATA_DIR naming a file stops the start, naming the variable', async () => {
  const file = path.join(workDir, 'a-file');
  fs.writeFileSync(file, 'x');
  const run = await runSigner({ UPLOAD_DATA_DIR: file });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('UPLOAD_DATA_DIR');
  expect(run.stdout).not.toContain('listening');
});

test('a dev bucket folder that cannot be made stops the start before it listens, naming UPLOAD_DATA_DIR', async () => {
  // The data folder itself is fine; the bucket's own meta/ inside it is a file.
  const dataDir = fs.mkdtempSync(path.join(workDir, 'data-'));
  fs.writeFileSync(path.join(dataDir, 'meta'), 'x');
  const run = await runSigner({ UPLOAD_DATA_DIR: dataDir });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('Cannot prepare the dev bucket in UPLOAD_DATA_DIR');
  expect(run.stdout).not.toContain('listening');
});

test('a malformed .env line stops the start, naming its line number (and the next line is not lost silently)', async () => {
  const project = fs.mkdtempSync(path.join(workDir, 'project-'));
  fs.writeFileSync(path.join(project, '.env'), 'UPLOAD_BUCKET=dev-bucket\nUPLOAD_ACCESS_KEY_SECRET s3cr3t-from-env\nPORT=1\n');
  const run = await runSigner({}, undefined, project);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('.env line 2');
  expect(run.stderr).not.toContain('s3cr3t-from-env');
  expect(run.stdout).not.toContain('listening');
});

test('a .env sets what the environment does not', async () => {
  const project = fs.mkdtempSync(path.join(workDir, 'project-'));
  fs.writeFileSync(path.join(project, '.env'), 'UPLOAD_BUCKET="from-dot-env"\nUPLOAD_REGION=eu-west-1\n');
  let health: { bucket?: string } = {};
  const run = await runSigner({ UPLOAD_REGION: 'us-east-1' }, async (origin, stop) => {
    health = await (await fetch(`${origin}/healthz`)).json();
    stop();
  }, project);
  expect(run.code).toBe(0);
  expect(health.bucket).toBe('from-dot-env');
});

test.each([
  ['the file UPLOAD_AUDIT_LOG names', true],
  ['stdout', false],
])('tickets issued just before SIGTERM are all in the audit log (%s) once the signer has exited', async (_where, toFile) => {
  const auditPath = path.join(workDir, `audit-${Date.now()}.log`);
  const keys: string[] = [];
  const run = await runSigner(toFile ? { UPLOAD_AUDIT_LOG: auditPath } : {}, async (origin, stop) => {
    const files = Array.from({ length: 3 }, (_, i) => ({ name: `p${i}.jpg`, size: 1000 + i, type: 'image/jpeg' }));
    const reply = await fetch(`${origin}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files }) });
    const body = (await reply.json()) as { tickets: { key: string }[] };
    keys.push(...body.tickets.map((t) => t.key));
    stop(); // well inside the audit log's batching wait: its lines are not written yet
  });
  expect(run.code).toBe(0);
  const text = toFile ? fs.readFileSync(auditPath, 'utf8') : run.stdout;
  const logged = text
    .split('\n')
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line).key);
  expect(keys).toHaveLength(3);
  expect(logged).toEqual(keys);
});

test('SIGTERM during an upload deletes its temp file before the signer exits', async () => {
  const dataDir = path.join(workDir, 'sigterm-data');
  const http = await import('node:http');
  const tmpFiles = () => (fs.existsSync(path.join(dataDir, 'tmp')) ? fs.readdirSync(path.join(dataDir, 'tmp')) : []);
  let sawTempFile = false;
  const run = await runSigner({ UPLOAD_DATA_DIR: dataDir, UPLOAD_ALLOWED_TYPES: 'application/octet-stream' }, async (origin, stop) => {
    const size = 10 * 1024 * 1024;
    const res = await fetch(`${origin}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ name: 'big.bin', size, type: 'application/octet-stream' }] }),
    });
    const ticket = (await res.json()).tickets[0];
    const boundary = 'sigterm-test';
    const head = Object.entries(ticket.fields as Record<string, string>)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    // Half the body, then the client waits: the upload is in flight when the signal comes.
    const req = http.request(ticket.url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': Buffer.byteLength(head) + size + 100 } });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(1024 * 1024, 1));
    const deadline = Date.now() + 10_000;
    while (!sawTempFile && Date.now() < deadline) {
      sawTempFile = tmpFiles().length > 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    stop();
  });
  expect(sawTempFile).toBe(true);
  expect(run.code).toBe(0);
  expect(tmpFiles()).toEqual([]);
  expect(fs.readdirSync(path.join(dataDir, 'objects'))).toEqual([]);
});

test('SIGTERM during a part of an upload in parts deletes the part\'s bytes; the upload and its record stay for the app to resume', async () => {
  const dataDir = path.join(workDir, 'sigterm-part-data');
  const http = await import('node:http');
  const under = (dir: string) => (fs.existsSync(path.join(dataDir, dir)) ? fs.readdirSync(path.join(dataDir, dir)) : []);
  let sawTempFile = false;
  let uploadFolder = '';
  const run = await runSigner({ UPLOAD_DATA_DIR: dataDir }, async (origin, stop) => {
    const post = async (route: string, body: unknown) =>
      (await fetch(`${origin}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const upload = await post('/api/uploads', { name: 'big.jpg', size: 12 * 1024 * 1024, type: 'image/jpeg' });
    const part = (await post('/api/uploads/parts', { uploadToken: upload.uploadToken, partNumbers: [1] })).parts[0];
    // A megabyte of the part, then the client waits: the part is in flight when the signal comes.
    const req = http.request(part.url, { method: 'PUT', headers: { ...part.headers, 'content-length': part.size } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1024 * 1024, 1));
    const deadline = Date.now() + 10_000;
    while (!sawTempFile && Date.now() < deadline) {
      sawTempFile = under('tmp').length > 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    [uploadFolder] = under('multipart');
    stop();
  });
  expect(sawTempFile).toBe(true);
  expect(run.code).toBe(0);
  expect(under('tmp')).toEqual([]);
  expect(fs.readdirSync(path.join(dataDir, 'multipart', uploadFolder))).toEqual(['upload-record']);
});

test('a start removes what a crash left in an upload in parts: a part\'s bytes no sidecar names, a sidecar\'s temp file', async () => {
  const dataDir = path.join(workDir, 'crash-part-data');
  const folder = path.join(dataDir, 'multipart', 'ab'.repeat(16));
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'upload-record'), JSON.stringify({ key: 'uploads/anonymous/2026/12/03/0123456789abcdef.jpg', contentType: 'image/jpeg', initiated: new Date().toISOString() }));
  fs.writeFileSync(path.join(folder, '1.aaaaaaaaaaaaaaaaaaaaaaaa'), 'part one');
  fs.writeFileSync(path.join(folder, '1.json'), JSON.stringify({ size: 8, etag: '"x"', lastModified: new Date().toISOString(), file: '1.aaaaaaaaaaaaaaaaaaaaaaaa' }));
  // Moved in, then the process died before its sidecar was written.
  fs.writeFileSync(path.join(folder, '2.bbbbbbbbbbbbbbbbbbbbbbbb'), 'part two, orphaned');
  fs.writeFileSync(path.join(folder, 'cccccccccccccccccccccccc.tmp'), '{"size":');
  const run = await runSigner({ UPLOAD_DATA_DIR: dataDir }, async (origin, stop) => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    stop();
  });
  expect(run.code).toBe(0);
  expect(fs.readdirSync(folder).sort()).toEqual(['1.aaaaaaaaaaaaaaaaaaaaaaaa', '1.json', 'upload-record']);
});

test('a port already taken is a plain message, not a stack trace', async () => {
  const net = await import('node:net');
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const run = await runSigner({ PORT: String(port) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Port ${port}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  } finally {
    server.close();
  }
});

// The store SDKs are bundled and loaded on the first upload in parts: this proves they
// work from the one file, against each vendor's loopback stand-in.
test.each<[StandInVendor, string, string]>([
  ['oss', 'examplebucket', 'cn-hangzhou'],
  ['oss-v1', 'examplebucket', 'cn-hangzhou'],
  ['cos', 'examplebucket-1250000000', 'ap-guangzhou'],
  ['obs', 'examplebucket', 'cn-north-4'],
])('the bundled signer starts, lists and aborts an upload in parts on %s through its SDK', async (vendor, bucket, region) => {
  const credentials = { accessKeyId: 'bundle-key-id', accessKeySecret: 'bundle-secret-value', securityToken: 'bundle-token' };
  const store = await startMultipartStandIn({ vendor, bucket, region, credentials });
  const token = 'bundle-test-token-0123456789';
  const answers: number[] = [];
  try {
    const run = await runSigner(
      {
        UPLOAD_PROVIDER: vendor,
        UPLOAD_BUCKET: bucket,
        UPLOAD_REGION: region,
        UPLOAD_ENDPOINT: store.endpoint,
        UPLOAD_ACCESS_KEY_ID: credentials.accessKeyId,
        UPLOAD_ACCESS_KEY_SECRET: credentials.accessKeySecret,
        UPLOAD_SECURITY_TOKEN: credentials.securityToken,
        UPLOAD_AUTH_TOKENS: token,
        UPLOAD_ALLOWED_TYPES: 'video/mp4',
      },
      async (origin, stop) => {
        const post = async (route: string, body: unknown) => {
          const response = await fetch(`${origin}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
          answers.push(response.status);
          return response.json();
        };
        const upload = await post('/api/uploads', { name: 'clip.mp4', size: 30 * 1024 * 1024, type: 'video/mp4' });
        await post('/api/uploads/list', { uploadToken: upload.uploadToken });
        await post('/api/uploads/abort', { uploadToken: upload.uploadToken });
        stop();
      },
    );
    expect(run.code).toBe(0);
    expect(answers).toEqual([200, 200, 200]);
    expect(store.log.map((entry) => [entry.operation, entry.status])).toEqual([
      ['initiate', 200],
      ['listParts', 200],
      ['abort', 204],
    ]);
    expect(store.openUploads()).toBe(0);
  } finally {
    await store.close();
  }
});
