// A real multipart/form-data POST streamed from disk, with progress counted from
// what the socket accepted, abort and timeout — in neutral terms, so a Node-backed
// platform (node-my.ts) wraps it in its own result and error shapes.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface MultipartPost {
  url: string;
  filePath: string;
  fileField: string;
  fields: Record<string, string>;
  headers: Record<string, string>;
  contentType: string;
  timeoutMs: number;
  onProgress(sent: number, total: number): void;
}

export type MultipartOutcome =
  | { ok: true; status: number; body: string; headers: Record<string, string> }
  | { ok: false; cause: 'timeout' | 'abort' | 'missingFile' | 'network'; message: string };

/** How long an upload whose write failed waits for the answer already on its way (a store may answer early and close). */
const ANSWER_GRACE_MS = 50;

export function postMultipart(o: MultipartPost, done: (outcome: MultipartOutcome) => void): { abort(): void } {
  let finished = false;
  let request: http.ClientRequest | undefined;
  const finish = (outcome: MultipartOutcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    request?.destroy();
    done(outcome);
  };
  const timer = setTimeout(() => finish({ ok: false, cause: 'timeout', message: 'timeout' }), o.timeoutMs);

  const start = async () => {
    const stat = await fs.promises.stat(o.filePath).catch(() => undefined);
    if (!stat?.isFile()) return finish({ ok: false, cause: 'missingFile', message: `file not found: ${o.filePath}` });
    if (finished) return;
    const boundary = `----AlipayNodeFormBoundary${randomBytes(12).toString('hex')}`;
    const fields = Object.entries(o.fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('');
    const head = Buffer.from(
      `${fields}--${boundary}\r\nContent-Disposition: form-data; name="${o.fileField}"; filename="${path.basename(o.filePath)}"\r\n` +
        `Content-Type: ${o.contentType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const total = head.length + stat.size + tail.length;
    const url = new URL(o.url);
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...o.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total) },
    });
    request = req;
    let sent = 0;
    const write = (chunk: Buffer) =>
      req.write(chunk, (err) => {
        if (err || finished) return;
        sent += chunk.length;
        o.onProgress(sent, total);
      });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        finish({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), headers });
      });
    });
    req.on('error', (e) => setTimeout(() => finish({ ok: false, cause: 'network', message: e.message }), ANSWER_GRACE_MS));
    write(head);
    const file = fs.createReadStream(o.filePath);
    file.on('data', (chunk) => {
      if (!write(chunk as Buffer)) {
        file.pause();
        req.once('drain', () => file.resume());
      }
    });
    file.on('error', (e) => finish({ ok: false, cause: 'missingFile', message: e.message }));
    file.on('end', () => {
      if (finished) return;
      req.end(tail, () => {
        sent += tail.length;
        if (!finished) o.onProgress(sent, total);
      });
    });
    req.on('close', () => file.destroy());
  };
  start().catch((e) => finish({ ok: false, cause: 'network', message: String(e?.message ?? e) }));
  return { abort: () => finish({ ok: false, cause: 'abort', message: 'abort' }) };
}
