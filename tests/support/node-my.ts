// A `my` for end-to-end tests, backed by real I/O in Alipay's shapes: uploadFile is a
// real multipart POST streamed from disk (multipart-post.ts) answering `statusCode`
// as a string as the IDE does, request is real HTTP that fails non-2xx answers with
// error 19 carrying status/data/headers, chooseImage hands out temp copies of real
// files under the paths a phone gives (`https://resource/apml<hex>.image`: "真机预览上以
// .image 为后缀", my.chooseImage docs), chooseVideo likewise one video under
// `https://resource/apml<hex>.video` (the form Alipay's video docs give a picked video's
// path) with its size, duration, width and height, and the file system, getImageInfo and
// getVideoInfo read the bytes behind them. readFile follows FileSystemManager.readFile as Alipay documents it
// (https://opendocs.alipay.com/mini/api/0226oj): filePath and encoding, nothing else, so
// a WeChat-style {position, length} is ignored and the whole file comes back, and the
// manager has no open/read by descriptor (Alipay documents none). The rest (clipboard,
// storage, toasts, preview) is fake-my.ts's, so both follow the same documented shapes.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createFakeMy, type FakeMyOptions } from './fake-my';
import type { DeviceFake } from './device-script';
import { randomBytes } from 'node:crypto';
import { postMultipart } from './multipart-post';
import { compressJpeg } from './node-wx-photo';

type Options = Record<string, any>;

const UPLOAD_DEFAULT_TIMEOUT_MS = 60_000;
const REQUEST_DEFAULT_TIMEOUT_MS = 30_000;
const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.mp4': 'video/mp4', '.mov': 'video/quicktime' };
/** my.getVideoInfo's `type`: the container's short name. */
const VIDEO_FORMAT: Record<string, string> = { '.mp4': 'mp4', '.mov': 'mov' };
/** my.getImageInfo's `type`: the format's short name (the typings say number; the docs and phones give text). */
const IMAGE_FORMAT: Record<string, string> = { '.png': 'png', '.jpg': 'jpg', '.jpeg': 'jpg', '.gif': 'gif' };

/**
 * How picked paths look: `device` as a phone gives them (`https://resource/apml<32 hex>.image`,
 * no real extension), `extension` with the original's extension (as older clients and the IDE).
 */
export type PickedPathStyle = 'device' | 'extension';

export interface NodeMyOptions extends FakeMyOptions {
  /** Default 'device'. */
  pickedPaths?: PickedPathStyle;
  /** my.getImageInfo fails as it does for a path suffix it does not support (error 22). */
  imageInfoFails?: boolean;
  /** my.getVideoInfo fails (a client that cannot read a local path); the bytes must tell. */
  videoInfoFails?: boolean;
  /** The authCode each my.getAuthCode hands out (default: fresh random; `dev:<name>` names a dev-login user). */
  authCode?: () => string;
}

export interface NodeMy {
  my: Record<string, any>;
  device: DeviceFake;
  /** Files the next chooseImage or chooseVideo calls hand out (one list per call; chooseVideo gives its first). */
  planPicks(...lists: string[][]): void;
  /** Every uploadFile call: its URL, the path the app passed and the outcome (status or error code). */
  readonly uploads: Array<{ url: string; fileType: string; filePath: string; outcome?: number | string }>;
  /** Every my.request call: method, URL and the outcome (status or error code). */
  readonly requests: Array<{ method: string; url: string; outcome?: number | string }>;
  /** Every FileSystemManager.readFile: the path the app passed and how many bytes it got back. */
  readonly reads: Array<{ filePath: string; bytes: number }>;
  /** Picked files in order: the path the app got and the original it is a copy of. */
  readonly picked: Array<{ path: string; source: string }>;
  /** Auth codes my.getAuthCode handed out, with the scopes asked for. */
  readonly logins: Array<{ authCode: string; scopes: unknown }>;
  /** Queue taps for the next my.showActionSheet calls (an index); when they run out the sheet is dismissed. */
  planSheet(...taps: number[]): void;
  /** Each my.showActionSheet's items. */
  readonly sheets: string[][];
  /** Each my.compressImage: the re-encoded file on disk (a real jpeg-js re-encode, see node-wx-photo.ts). */
  readonly compressions: Array<{ src: string; out: string; level: number }>;
  dispose(): void;
}

/** my.env.USER_DATA_PATH as a phone gives it. */
export const ALIPAY_USER_DATA_PATH = 'https://usr';

export function createNodeMy(options: NodeMyOptions = {}): NodeMy {
  const { my, device } = createFakeMy(options);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-my-tmp-'));
  const picks: string[][] = [];
  const uploads: NodeMy['uploads'] = [];
  const requests: NodeMy['requests'] = [];
  const picked: NodeMy['picked'] = [];
  const reads: NodeMy['reads'] = [];
  const onDisk = new Map<string, string>();
  // USER_DATA_PATH as a phone gives it (`https://usr`), backed by a folder of this test's own.
  const userDataPath = path.join(tempDir, 'usr');
  fs.mkdirSync(userDataPath);
  const inUserData = (p: string) => p === ALIPAY_USER_DATA_PATH || p.startsWith(`${ALIPAY_USER_DATA_PATH}/`);
  const diskPath = (filePath: string) =>
    onDisk.get(filePath) ?? (inUserData(filePath) ? path.join(userDataPath, filePath.slice(ALIPAY_USER_DATA_PATH.length)) : filePath);
  const sheetTaps: number[] = [];
  const sheets: string[][] = [];
  const compressions: NodeMy['compressions'] = [];
  let copies = 0;
  const logins: NodeMy['logins'] = [];

  // Silent with scopes 'auth_base', as Alipay documents: no consent page, one code per call.
  my.getAuthCode = (o: Options = {}) => {
    const authCode = options.authCode?.() ?? `ap-${Math.random().toString(36).slice(2)}${Date.now()}`;
    logins.push({ authCode, scopes: o.scopes });
    setImmediate(() => o.success?.({ authCode, authErrorScopes: {}, authSuccessScopes: ['auth_base'] }));
  };

  // The file system reads (and, under USER_DATA_PATH, writes) the bytes behind the app's paths.
  const fakeFs = my.getFileSystemManager;
  const result = (o: Options, work: () => void) =>
    setImmediate(() => {
      try {
        work();
        o.success?.({ success: true });
      } catch (e) {
        o.fail?.({ error: 10022, errorMessage: (e as Error).message });
      }
    });
  // Alipay's encodings; 'binary' is utf8 there ("编码方式和 utf8 相同"), not Node's latin1.
  const ENCODINGS: Record<string, BufferEncoding> = {
    ascii: 'ascii', base64: 'base64', hex: 'hex', binary: 'utf8', latin1: 'latin1', utf8: 'utf8', 'utf-8': 'utf8',
    ucs2: 'utf16le', 'ucs-2': 'utf16le', utf16le: 'utf16le', 'utf-16le': 'utf16le',
  };
  const readFile = (o: Options) =>
    setImmediate(() => {
      const encoding = o.encoding === undefined ? undefined : ENCODINGS[String(o.encoding)];
      if (o.encoding !== undefined && !encoding) return o.fail?.({ error: 2, errorMessage: '接口参数无效' });
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(diskPath(String(o.filePath)));
      } catch {
        return o.fail?.({ error: 10022, errorMessage: '文件/目录不存在' });
      }
      reads.push({ filePath: String(o.filePath), bytes: bytes.length });
      if (encoding) return o.success?.({ data: bytes.toString(encoding), dataType: 'string' });
      o.success?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), dataType: 'ArrayBuffer' });
    });
  my.getFileSystemManager = () => {
    const manager = fakeFs();
    return {
      ...manager,
      readFile: (o: Options) => readFile(o),
      getFileInfo: (o: Options) => manager.getFileInfo({ ...o, filePath: diskPath(o.filePath) }),
      writeFile: (o: Options) =>
        result(o, () => {
          if (!inUserData(String(o.filePath))) throw new Error(`permission denied ${o.filePath}`);
          fs.writeFileSync(diskPath(o.filePath), Buffer.from(o.data as ArrayBuffer));
        }),
      mkdir: (o: Options) => result(o, () => fs.mkdirSync(diskPath(o.dirPath), { recursive: !!o.recursive })),
      rmdir: (o: Options) => result(o, () => fs.rmSync(diskPath(o.dirPath), { recursive: !!o.recursive })),
      unlink: (o: Options) => result(o, () => fs.unlinkSync(diskPath(o.filePath))),
      readdir: (o: Options) =>
        setImmediate(() => {
          try {
            o.success?.({ files: fs.readdirSync(diskPath(o.dirPath)) });
          } catch (e) {
            o.fail?.({ error: 10022, errorMessage: (e as Error).message });
          }
        }),
    };
  };

  my.getImageInfo = (o: Options) => {
    const file = diskPath(o.src);
    setImmediate(() => {
      if (options.imageInfoFails) return o.fail?.({ error: 22, errorMessage: '不支持的地址后缀名' });
      const format = IMAGE_FORMAT[path.extname(file).toLowerCase()];
      if (!format || !fs.existsSync(file)) return o.fail?.({ error: 18, errorMessage: '获取图片信息失败' });
      o.success?.({ width: 64, height: 48, path: o.src, type: format, orientation: 'up' });
    });
  };

  my.getVideoInfo = (o: Options) => {
    const file = diskPath(o.src);
    setImmediate(() => {
      const format = VIDEO_FORMAT[path.extname(file).toLowerCase()];
      if (options.videoInfoFails || !format || !fs.existsSync(file)) return o.fail?.({ error: 3, errorMessage: '获取视频信息失败' });
      o.success?.({ type: format, duration: 12500, size: fs.statSync(file).size, width: 1280, height: 720, fps: 30, bitrate: 2000, orientation: 0 });
    });
  };

  // Photo preparation: my.env, compressImage (levels 0–4; "high" ≈ WeChat's quality 80), an action sheet.
  my.env = { USER_DATA_PATH: ALIPAY_USER_DATA_PATH };
  const LEVEL_QUALITY = [40, 60, 80, 100, 80];
  my.compressImage = (o: Options) =>
    setImmediate(() => {
      try {
        const out = compressJpeg(diskPath(o.apFilePaths[0]), LEVEL_QUALITY[o.compressLevel ?? 4], tempDir, ++copies);
        const apFilePath = `https://resource/apml_compressed_${copies}.image`;
        onDisk.set(apFilePath, out);
        compressions.push({ src: o.apFilePaths[0], out, level: o.compressLevel ?? 4 });
        o.success?.({ apFilePaths: [apFilePath] });
      } catch (e) {
        o.fail?.({ error: 3, errorMessage: `压缩失败 ${(e as Error).message}` });
      }
    });
  my.showActionSheet = (o: Options) => {
    sheets.push([...o.items]);
    const tap = sheetTaps.shift();
    setImmediate(() => o.success?.({ index: tap ?? -1, success: true }));
  };

  my.uploadFile = (o: Options) => {
    const listeners: Array<(p: Record<string, number>) => void> = [];
    const record: NodeMy['uploads'][number] = { url: o.url, fileType: o.fileType, filePath: o.filePath };
    uploads.push(record);
    const fail = (error: number, errorMessage: string) => {
      record.outcome = `error ${error}`;
      setImmediate(() => o.fail?.({ error, errorMessage }));
    };
    if (!['image', 'video', 'audio'].includes(o.fileType)) {
      fail(11, '无效参数: fileType');
      return { abort: () => undefined, onProgressUpdate: () => undefined };
    }
    const task = postMultipart(
      {
        url: o.url,
        filePath: diskPath(o.filePath),
        fileField: o.name ?? o.fileName,
        fields: o.formData ?? {},
        headers: o.header ?? {},
        // Named after the path the app passed, as the client does: `.image` says nothing.
        contentType: MIME[path.extname(o.filePath).toLowerCase()] ?? 'application/octet-stream',
        timeoutMs: o.timeout ?? UPLOAD_DEFAULT_TIMEOUT_MS,
        onProgress: (sent, total) =>
          listeners.forEach((l) => l({ progress: Math.floor((sent / total) * 100), totalBytesWritten: sent, totalBytesExpectedToWrite: total })),
      },
      (outcome) => {
        if (!outcome.ok) {
          const code = outcome.cause === 'abort' ? 9 : outcome.cause === 'missingFile' ? 11 : 12;
          return fail(code, outcome.cause === 'abort' ? 'uploadFile:fail abort' : outcome.cause === 'missingFile' ? '文件不存在' : '上传文件失败');
        }
        record.outcome = outcome.status;
        // The IDE answers statusCode as a string.
        setImmediate(() => o.success?.({ statusCode: String(outcome.status), data: outcome.body, header: outcome.headers }));
      },
    );
    return { abort: task.abort, onProgressUpdate: (l: (p: Record<string, number>) => void) => void listeners.push(l) };
  };

  my.request = (o: Options) => {
    const record: NodeMy['requests'][number] = { method: o.method ?? 'GET', url: o.url };
    requests.push(record);
    let finished = false;
    const end = (fn: () => void, outcome: number | string) => {
      if (finished) return;
      finished = true;
      record.outcome = outcome;
      clearTimeout(timer);
      req.destroy();
      setImmediate(fn);
    };
    const timer = setTimeout(() => end(() => o.fail?.({ error: 13, errorMessage: '请求超时' }), 'error 13'), o.timeout ?? REQUEST_DEFAULT_TIMEOUT_MS);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.headers ?? o.header) };
    const data = o.data;
    const body =
      data === undefined ? undefined : Object.prototype.toString.call(data) === '[object ArrayBuffer]' ? Buffer.from(data) : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
    const url = new URL(o.url);
    const req = http.request(url, { method: o.method ?? 'GET', headers: body ? { ...headers, 'content-length': String(body.length) } : headers });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(parts).toString('utf8');
        const resHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        if (status < 200 || status >= 300) return end(() => o.fail?.({ error: 19, errorMessage: 'http status error', status, data: text, headers: resHeaders }), status);
        let payload: unknown = text;
        if ((o.dataType ?? 'json') === 'json') {
          try {
            payload = JSON.parse(text);
          } catch {
            return end(() => o.fail?.({ error: 14, errorMessage: 'JSON parse data error', status, data: text, headers: resHeaders }), status);
          }
        }
        end(() => o.success?.({ status, statusCode: status, data: payload, headers: resHeaders, header: resHeaders }), status);
      });
    });
    req.on('error', (e) => end(() => o.fail?.({ error: 12, errorMessage: `网络出错: ${e.message}` }), 'error 12'));
    req.end(body);
    return { abort: () => end(() => o.fail?.({ error: 9, errorMessage: 'request:fail abort' }), 'error 9') };
  };

  my.chooseImage = (o: Options = {}) => {
    const files = picks.length > 0 ? picks.shift()! : [];
    setImmediate(() => {
      if (files.length === 0) return o.fail?.({ error: 11, errorMessage: '用户取消操作' });
      // Alipay hands out its own copies, not the originals, under paths of its own.
      const temp = files.slice(0, o.count ?? 1).map((file) => {
        const id = `${(++copies).toString(16).padStart(4, '0')}${randomBytes(14).toString('hex')}`;
        const copy = path.join(tempDir, `apml${id}${path.extname(file)}`);
        fs.copyFileSync(file, copy);
        const shown = (options.pickedPaths ?? 'device') === 'device' ? `https://resource/apml${id}.image` : copy;
        onDisk.set(shown, copy);
        picked.push({ path: shown, source: file });
        return { path: shown, size: fs.statSync(copy).size };
      });
      const paths = temp.map((t) => t.path);
      o.success?.({ tempFilePaths: paths, apFilePaths: paths, tempFiles: temp });
    });
  };

  my.chooseVideo = (o: Options = {}) => {
    const [file] = picks.length > 0 ? picks.shift()! : [];
    setImmediate(() => {
      if (!file) return o.fail?.({ error: 11, errorMessage: '用户取消操作' });
      // Alipay's own copy, as for photos, under a path named for the kind (`.video`), not the format.
      const id = `${(++copies).toString(16).padStart(4, '0')}${randomBytes(14).toString('hex')}`;
      const copy = path.join(tempDir, `apml${id}${path.extname(file)}`);
      fs.copyFileSync(file, copy);
      const shown = (options.pickedPaths ?? 'device') === 'device' ? `https://resource/apml${id}.video` : copy;
      onDisk.set(shown, copy);
      picked.push({ path: shown, source: file });
      o.success?.({ tempFilePath: shown, filePath: shown, size: fs.statSync(copy).size, duration: 12.5, width: 1280, height: 720 });
    });
  };

  return {
    my,
    device,
    uploads,
    requests,
    picked,
    reads,
    logins,
    planPicks: (...lists) => void picks.push(...lists),
    planSheet: (...taps) => void sheetTaps.push(...taps),
    sheets,
    compressions,
    dispose: () => fs.rmSync(tempDir, { recursive: true, force: true }),
  };
}
