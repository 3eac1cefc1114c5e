// The audit log: one JSON line per ticket issued (time, user, platform, IP, key, size,
// type), to stdout or the file UPLOAD_AUDIT_LOG names. Never a secret, a session token
// or a platform user id: the user is the key folder, which already is an HMAC.
import { createWriteStream } from 'node:fs';
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
 * Lines are gathered and written once per turn of the event loop: under load one write
 * (a syscall on a pipe) carries many requests' lines instead of one each.
 */
export function auditLog(write: (text: string) => void): AuditLog {
  let pending = '';
  const flush = () => {
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
  return (caller, tickets, files, now, event = 'ticket') => {
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
    if (pending === '') setImmediate(flush);
    pending += text;
  };
}

/** Appends to `path` (created when missing); the stream is closed with the server. */
export function fileAuditLog(path: string): { log: AuditLog; close(): void } {
  const stream = createWriteStream(path, { flags: 'a' });
  stream.on('error', (error) => process.stderr.write(`signer: cannot write the audit log ${path}: ${error.message}\n`));
  // Ended on the next turn: lines still gathered for this turn's write (queued earlier) go first.
  return { log: auditLog((text) => stream.write(text)), close: () => setImmediate(() => stream.end()) };
}
