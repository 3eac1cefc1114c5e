// The audit log: one JSON line per ticket issued (time, user, platform, IP, key, size,
// type), to stdout or the file UPLOAD_AUDIT_LOG names. Never a secret, a session token
// or a platform user id: the user is the key folder, which already is an HMAC.
import { createWriteStream } from 'node:fs';
import type { Caller } from './caller';

/** Tickets and the files they were asked for, index by index (the ticket route's own arrays). */
export type AuditLog = (
  caller: Caller,
  tickets: readonly { key: string; contentType: string }[],
  files: readonly { size: number }[],
  now: Date,
) => void;

/** One write per batch: the lines of a request leave together. */
export function auditLog(write: (text: string) => void): AuditLog {
  return (caller, tickets, files, now) => {
    const time = now.toISOString();
    let text = '';
    for (let i = 0; i < tickets.length; i++) {
      const ticket = tickets[i];
      text +=
        JSON.stringify({
          time,
          event: 'ticket',
          user: caller.user,
          kind: caller.kind,
          platform: caller.platform,
          ip: caller.ip,
          key: ticket.key,
          size: files[i].size,
          type: ticket.contentType,
        }) + '\n';
    }
    write(text);
  };
}

/** Appends to `path` (created when missing); the stream is closed with the server. */
export function fileAuditLog(path: string): { log: AuditLog; close(): void } {
  const stream = createWriteStream(path, { flags: 'a' });
  stream.on('error', (error) => process.stderr.write(`signer: cannot write the audit log ${path}: ${error.message}\n`));
  return { log: auditLog((text) => stream.write(text)), close: () => stream.end() };
}
