// The client's address for per-IP limits and the audit log. Behind a proxy or load
// balancer (UPLOAD_TRUST_PROXY=true) the socket is the proxy, and the client is the last
// address the proxy appended to X-Forwarded-For; earlier entries are whatever the client
// claimed, so they are never believed.
import type { IncomingMessage } from 'node:http';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/;
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

function bare(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

export function clientIpResolver(trustProxy: boolean): (req: IncomingMessage) => string {
  const fromSocket = (req: IncomingMessage) => bare(req.socket.remoteAddress ?? 'unknown');
  if (!trustProxy) return fromSocket;
  return (req) => {
    const forwarded = req.headers['x-forwarded-for'];
    const list = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    if (list === undefined) return fromSocket(req);
    const last = list.slice(list.lastIndexOf(',') + 1).trim();
    return ADDRESS.test(last) ? bare(last) : fromSocket(req);
  };
}
