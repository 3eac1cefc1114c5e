// Who an upload in parts belongs to, for binding it to its starter: the signed-in user
// (the guard's caller), a static-token caller told apart by its token (hashed: the
// upload token is readable by the client and must not carry a credential), or
// "anonymous" where the signer lets anonymous callers in.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../guard';

export function ownerOf(caller: Caller, req: IncomingMessage): string {
  if (caller.kind === 'service') {
    const token = createHash('sha256').update(req.headers.authorization ?? '').digest('hex').slice(0, 32);
    return `service:${token}`;
  }
  return `${caller.kind}:${caller.user}`;
}
