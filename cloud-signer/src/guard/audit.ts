// The audit log: one JSON line per ticket issued (time, user, platform, IP, key, size,
// type), to stdout or the file UPLOAD_AUDIT_LOG names. Never a secret, a session token
// or a platform user id: the user is the key folder, which already is an HMAC.
import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs';
// Node's timers (with unref), also where a test world's global is the browser's (jsdom).
import { clearTimeout, setTimeout } from 'node:timers';
import { isoTime } from '../iso-time';
import type { Caller } from './caller';

/** What a line records: a ticket issued, or an upload in parts started (POST /api/uploads). */
export type AuditEvent = 'ticket' | 'upload';

/** Tickets and the files they were asked for, index by index (the ticket route's own arrays). */
export type AuditLog = (
  caller: Caller,
  tickets: readonly { key: string; contentType: string }[],
  files: readonly { size: number }[],
  now: Date,
  event?: AuditEvent,
) => void;

/**
 * Lines wait at most this long before they are written. A write per turn of the event
 * loop was measured to cost a tenth of the signer's ticket throughput under load (a
 * syscall, and for the file a thread-pool round trip, for every couple of requests);
 * like nginx's buffered access_log, a short wait makes it one write per many requests.
 * What a crash (kill -9) can lose is this window; a normal shutdown writes everything.
 */
const AUDIT_FLUSH_MS = 100;
/** …or until this much text has gathered, whichever comes first. */
const AUDIT_FLUSH_CHARS = 64 * 1024;

export interface AuditWriter {
  log: AuditLog;
  /** At shutdown: writes what has gathered, and every later line at once (requests still finishing). */
  end(): void;
}

export function auditLog(
  write: (text: string) => void,
  { flushMs = AUDIT_FLUSH_MS, flushChars = AUDIT_FLUSH_CHARS }: { flushMs?: number; flushChars?: number } = {},
): AuditWriter {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  // What a line says of its caller, built once per Caller object: anonymous and token
  // callers are one object per address (guard/caller.ts), so a stream of tickets from
  // one client reuses the text.
  const callerText = new WeakMap<Caller, string>();
  // A signed-in caller is a new object per request: not worth remembering.
  const describe = (caller: Caller): string =>
    `,"user":"${caller.user}","kind":"${caller.kind}"` +
    (caller.platform ? `,"platform":"${caller.platform}"` : '') +
    `,"ip":${JSON.stringify(caller.ip)},"key":"`;
  const textOf = (caller: Caller): string => {
    if (caller.kind === 'user') return describe(caller);
    let text = callerText.get(caller);
    if (text === undefined) {
      text = describe(caller);
      callerText.set(caller, text);
    }
    return text;
  };
  let lastType = '';
  let lastTypeJson = '""';
  const log: AuditLog = (caller, tickets, files, now, event = 'ticket') => {
    // Written by hand, not JSON.stringify of an object per ticket (about 7% of a ticket's CPU):
    // keys, folders and addresses are plain ASCII by construction; the type is escaped anyway.
    const head = `{"time":"${isoTime(now)}","event":"${event}"${textOf(caller)}`;
    let text = '';
    for (let i = 0; i < tickets.length; i++) {
      const ticket = tickets[i];
      if (ticket.contentType !== lastType) {
        lastTypeJson = JSON.stringify(ticket.contentType);
        lastType = ticket.contentType;
      }
      text += `${head}${ticket.key}","size":${files[i].size},"type":${lastTypeJson}}\n`;
    }
    pending += text;
    if (ended || pending.length >= flushChars) flush();
    else if (timer === undefined) timer = setTimeout(flush, flushMs).unref(); // the server keeps the process alive, not the log
  };
  const end = () => {
    ended = true;
    flush();
  };
  return { log, end };
}

/**
 * Appends to `path` (created when missing; a path that cannot be opened stops startup).
 * Written synchronously, a batch at a time, as nginx writes its access log: the last
 * batch is then on disk before the process exits, which an asynchronous stream's queued
 * writes would not be. The price: a disk that stalls (a network mount) stalls the
 * signer for that write, once per batch. The file is opened once: rotate it with
 * copytruncate.
 */
export function fileAuditLog(path: string): { log: AuditLog; close(): void } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new Error(`UPLOAD_AUDIT_LOG=${path}: cannot open the audit log for appending (${(error as Error).message})`);
  }
  // A failing disk is reported at its first failure, then at most once a minute with
  // the count of lines lost, and once more when writes succeed again.
  let lostLines = 0;
  let failing = false;
  let lastReportMs = 0;
  // A write cut off half-way leaves a partial line: the next batch starts on a new one.
  let cutOff = false;
  const report = (text: string) => process.stderr.write(`signer: ${text}\n`);
  const writeAll = (text: string) => {
    const whole = cutOff ? '\n' + text : text;
    let done = 0;
    try {
      // The string as is (node encodes it without a Buffer of ours); a short write, which a
      // regular file does not do, goes on from where it stopped.
      done = writeSync(fd!, whole);
      if (done < Buffer.byteLength(whole, 'utf8')) {
        const bytes = Buffer.from(whole, 'utf8');
        for (; done < bytes.length; ) done += writeSync(fd!, bytes, done);
      }
      cutOff = false;
    } catch (error) {
      if (done > 0) cutOff = true;
      throw error;
    }
  };
  const writer = auditLog((text) => {
    try {
      if (fd === undefined) appendFileSync(path, text); // closed: a request that finished during shutdown
      else writeAll(text);
      if (failing) report(`the audit log ${path} is written again; ${lostLines} lines could not be written before`);
      failing = false;
      lostLines = 0;
    } catch (error) {
      lostLines += text.split('\n').length - 1;
      const nowMs = Date.now();
      if (!failing || nowMs - lastReportMs >= 60_000) {
        report(`cannot write the audit log ${path}: ${(error as Error).message} (${lostLines} lines lost so far)`);
        lastReportMs = nowMs;
      }
      failing = true;
    }
  });
  return {
    log: writer.log,
    close: () => {
      writer.end();
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
