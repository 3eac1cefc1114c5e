// The Node-backed `wx` must behave like WeChat's on the wire, or the end-to-end
// tests prove nothing: checked here against a real local server that parses the
// multipart body with busboy.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { createNodeWx, installNodeWx, WECHAT_MAX_NETWORK_TASKS } from '../support/node-wx';

const PHOTO = path.join(__dirname, '../fixtures/photos/photo-1.png');
/** Big enough that the body cannot sit in the socket buffers before the server reads it. */
const BIG_FILE_BYTES = 8 * 1024 * 1024;

interface ParsedUpload {
  fields: Record<string, string>;
  file?: { field: string; filename: string; mimeType: string; sha256: string; size: number };
}

let server: http.Server;
let origin: string;
let lastUpload: ParsedUpload | undefined;
/** Requests the /hold route keeps open until the test lets them go. */
const held: http.ServerResponse[] = [];
let bigFile: string;

beforeAll(async () => {
  bigFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'node-wx-test-')), 'big.bin');
  fs.writeFileSync(bigFile, randomBytes(BIG_FILE_BYTES));
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/upload') {
      const parsed: ParsedUpload = { fields: {} };
      const bb = busboy({ headers: req.headers });
      bb.on('field', (name, value) => (parsed.fields[name] = value));
      bb.on('file', (field, stream, info) => {
        const hash = createHash('sha256');
        let size = 0;
        stream.on('data', (d: Buffer) => (hash.update(d), (size += d.length)));
        stream.on('end', () => (parsed.file = { field, filename: info.filename ?? '', mimeType: info.mimeType ?? '', sha256: hash.digest('hex'), size }));
      });
      bb.on('close', () => {
        lastUpload = parsed;
        res.writeHead(Number(url.searchParams.get('status') ?? 201), { 'content-type': 'text/plain' });
        res.end(url.searchParams.get('body') ?? 'stored');
      });
      req.pipe(bb);
    } else if (url.pathname === '/stall') {
      // Reads nothing and never answers: the client's only way out is abort or timeout.
      req.pause();
    } else if (url.pathname === '/hold') {
      held.push(res);
    } else if (url.pathname === '/echo') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, contentType: req.headers['content-type'], body }));
      });
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('not json {');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(path.dirname(bigFile), { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function upload(wx: ReturnType<typeof createNodeWx>, options: Partial<WechatMiniprogram.UploadFileOption> & { url: string; filePath: string }) {
  const progress: WechatMiniprogram.UploadTaskOnProgressUpdateListenerResult[] = [];
  let task!: WechatMiniprogram.UploadTask;
  const result = new Promise<{ ok: boolean; res: any }>((resolve) => {
    task = wx.uploadFile({
      name: 'file',
      ...options,
      success: (res) => resolve({ ok: true, res }),
      fail: (res) => resolve({ ok: false, res }),
    });
  });
  task.onProgressUpdate((p) => progress.push(p));
  return { task, result, progress };
}

describe('uploadFile', () => {
  it('sends a real multipart form: the fields, then the file bytes intact, with progress up to the total', async () => {
    const wx = createNodeWx();
    const formData = { key: 'uploads/a.png', 'Content-Type': 'image/png', Policy: 'eyJ9' };
    const { result, progress } = upload(wx, { url: `${origin}/upload`, filePath: PHOTO, formData });

    const { ok, res } = await result;
    expect(ok).toBe(true);
    expect(res).toMatchObject({ statusCode: 201, data: 'stored', errMsg: 'uploadFile:ok' });
    expect(lastUpload!.fields).toEqual(formData);
    expect(lastUpload!.file).toEqual({ field: 'file', filename: 'photo-1.png', mimeType: 'image/png', sha256: sha256(PHOTO), size: fs.statSync(PHOTO).size });

    const last = progress[progress.length - 1];
    expect(last.totalBytesSent).toBe(last.totalBytesExpectedToSend);
    expect(last.progress).toBe(100);
    expect(last.totalBytesExpectedToSend).toBeGreaterThan(fs.statSync(PHOTO).size); // the whole multipart body
  });

  it('reports progress from bytes the socket took: many steps, never backwards, for a big file', async () => {
    const wx = createNodeWx();
    const { result, progress } = upload(wx, { url: `${origin}/upload`, filePath: bigFile });
    expect((await result).ok).toBe(true);
    expect(lastUpload!.file!.sha256).toBe(sha256(bigFile));
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i].totalBytesSent).toBeGreaterThan(progress[i - 1].totalBytesSent);
      expect(progress[i].progress).toBeGreaterThanOrEqual(progress[i - 1].progress);
    }
    expect(progress[progress.length - 1].totalBytesSent).toBe(progress[0].totalBytesExpectedToSend);
  });

  it('calls success for any HTTP status, with the body as a string', async () => {
    const wx = createNodeWx();
    const xml = '<Error><Code>AccessDenied</Code></Error>';
    const { result } = upload(wx, { url: `${origin}/upload?status=403&body=${encodeURIComponent(xml)}`, filePath: PHOTO });
    expect(await result).toEqual({ ok: true, res: expect.objectContaining({ statusCode: 403, data: xml }) });
  });

  it('fails with "uploadFile:fail abort" when aborted mid-way, and never succeeds afterwards', async () => {
    const wx = createNodeWx();
    const { task, result, progress } = upload(wx, { url: `${origin}/stall`, filePath: bigFile });
    await waitFor(() => progress.length > 0);
    task.abort();
    expect(await result).toEqual({ ok: false, res: { errMsg: 'uploadFile:fail abort' } });
    expect(progress[progress.length - 1].totalBytesSent).toBeLessThan(BIG_FILE_BYTES);
    expect(wx.node.network.active).toBe(0);
  });

  it('fails with "uploadFile:fail timeout" when the server does not answer in time', async () => {
    const wx = createNodeWx();
    const { result } = upload(wx, { url: `${origin}/stall`, filePath: PHOTO, timeout: 200 });
    expect(await result).toEqual({ ok: false, res: { errMsg: 'uploadFile:fail timeout' } });
  });

  it('fails with "uploadFile:fail …" when nothing listens, and when the file is missing', async () => {
    const wx = createNodeWx();
    const refused = await upload(wx, { url: 'http://127.0.0.1:1/upload', filePath: PHOTO }).result;
    expect(refused).toEqual({ ok: false, res: { errMsg: expect.stringMatching(/^uploadFile:fail .*ECONNREFUSED/) } });
    const missing = await upload(wx, { url: `${origin}/upload`, filePath: '/nope/missing.png' }).result;
    expect(missing.res.errMsg).toMatch(/^uploadFile:fail file not found/);
  });
});

describe('request', () => {
  const call = (wx: ReturnType<typeof createNodeWx>, o: Omit<WechatMiniprogram.RequestOption, 'success' | 'fail'>) =>
    new Promise<{ ok: boolean; res: any }>((resolve) =>
      wx.request({ ...o, success: (res) => resolve({ ok: true, res }), fail: (res) => resolve({ ok: false, res }) }),
    );

  it('sends an object as a JSON body and parses a JSON answer (dataType json, the default)', async () => {
    const { ok, res } = await call(createNodeWx(), { url: `${origin}/echo`, method: 'POST', data: { files: [{ name: 'a.png' }] } });
    expect(ok).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(res.data).toEqual({ method: 'POST', url: '/echo', contentType: 'application/json', body: '{"files":[{"name":"a.png"}]}' });
  });

  it('puts GET data in the query, keeps text when asked or when the answer is not JSON', async () => {
    const wx = createNodeWx();
    const get = await call(wx, { url: `${origin}/echo`, data: { a: 1, b: 'x y' }, dataType: 'text' });
    expect(typeof get.res.data).toBe('string');
    expect(JSON.parse(get.res.data).url).toBe('/echo?a=1&b=x%20y');
    expect((await call(wx, { url: `${origin}/other` })).res.data).toBe('not json {');
  });

  it('fails with "request:fail timeout" and "request:fail …" like WeChat', async () => {
    const wx = createNodeWx();
    expect((await call(wx, { url: `${origin}/stall`, timeout: 200 })).res).toEqual({ errMsg: 'request:fail timeout' });
    expect((await call(wx, { url: 'http://127.0.0.1:1/' })).res.errMsg).toMatch(/^request:fail .*ECONNREFUSED/);
  });

  it('refuses an 11th concurrent task with "exceed max task count" and records the most seen at once', async () => {
    const wx = createNodeWx();
    const first10 = Array.from({ length: WECHAT_MAX_NETWORK_TASKS }, () => call(wx, { url: `${origin}/hold` }));
    await waitFor(() => held.length === WECHAT_MAX_NETWORK_TASKS);
    const eleventh = await upload(wx, { url: `${origin}/upload`, filePath: PHOTO }).result;
    expect(eleventh.res).toEqual({ errMsg: 'uploadFile:fail exceed max task count', errno: 600007 });

    held.splice(0).forEach((res) => res.end('ok'));
    expect((await Promise.all(first10)).every((r) => r.ok)).toBe(true);
    expect(wx.node.network.maxConcurrent).toBe(WECHAT_MAX_NETWORK_TASKS);
    expect(wx.node.network.active).toBe(0);
    expect((await upload(wx, { url: `${origin}/upload`, filePath: PHOTO }).result).ok).toBe(true);
  });
});

describe('pickers, file system, storage', () => {
  it('chooseMedia hands out temp copies with their sizes, up to count; cancel fails with "chooseMedia:fail cancel"', async () => {
    const photos = [1, 2, 3].map((n) => ({ path: path.join(__dirname, `../fixtures/photos/photo-${n}.png`) }));
    const wx = createNodeWx({ media: [photos, 'cancel'] });
    const picked: any = await wx.chooseMedia({ count: 2 });
    expect(picked.tempFiles).toHaveLength(2);
    expect(picked.tempFiles[0]).toMatchObject({ fileType: 'image', size: fs.statSync(photos[0].path).size });
    // As a phone: a wxfile:// temp path, not a path on disk; the bytes behind it are the photo's.
    expect(picked.tempFiles[0].tempFilePath).toMatch(/^wxfile:\/\/tmp_[0-9a-f]{32}\.png$/);
    expect(fs.existsSync(picked.tempFiles[0].tempFilePath)).toBe(false);
    expect(sha256(wx.node.diskPath(picked.tempFiles[1].tempFilePath))).toBe(sha256(photos[1].path));
    await expect(wx.chooseMedia({})).rejects.toEqual({ errMsg: 'chooseMedia:fail cancel' });
    wx.node.dispose();
  });

  it('DevTools-style temp paths (http://tmp/…) read back through the file system manager', async () => {
    const wx = createNodeWx({ media: [[{ path: PHOTO }]], tempPaths: 'devtools' });
    const picked: any = await wx.chooseMedia({ count: 1 });
    const tempPath: string = picked.tempFiles[0].tempFilePath;
    expect(tempPath).toMatch(/^http:\/\/tmp\/[0-9a-f]{32}\.png$/);
    const read: any = await wx.getFileSystemManager().readFile({ filePath: tempPath });
    expect(Buffer.from(read.data).equals(fs.readFileSync(PHOTO))).toBe(true);
    wx.node.dispose();
  });

  it('chooseMessageFile answers path/size/name/type; readFileSync reads the bytes back', async () => {
    const wx = createNodeWx({ messageFiles: [[{ path: PHOTO, name: '合同.png' }]] });
    const res = await new Promise<any>((resolve) => wx.chooseMessageFile({ count: 5, success: resolve }));
    expect(res.tempFiles[0]).toMatchObject({ name: '合同.png', type: 'image', size: fs.statSync(PHOTO).size });
    const bytes = wx.getFileSystemManager().readFileSync(res.tempFiles[0].path) as ArrayBuffer;
    expect(Buffer.from(bytes).equals(fs.readFileSync(PHOTO))).toBe(true);
    wx.node.dispose();
  });

  it('storage reads a missing key as an empty string, like WeChat; clipboard and install round-trip', async () => {
    const wx = createNodeWx();
    expect(wx.getStorageSync('history')).toBe('');
    wx.setStorageSync('history', [{ key: 'a' }]);
    expect(wx.getStorageSync('history')).toEqual([{ key: 'a' }]);
    await wx.setClipboardData({ data: 'https://x/y.png' });
    expect(((await wx.getClipboardData()) as any).data).toBe('https://x/y.png');

    const target: Record<string, unknown> = { uploadFile: 'mock', other: 'kept' };
    const restore = installNodeWx(wx, target);
    expect(target.uploadFile).toBe(wx.uploadFile);
    restore();
    expect(target).toEqual({ uploadFile: 'mock', other: 'kept' });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
