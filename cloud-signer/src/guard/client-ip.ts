// The client's address for per-IP limits and the audit log. Behind a proxy or load
// balancer (UPLOAD_TRUST_PROXY=true) the socket is the proxy, and the client is the last
// address the proxy appended to X-Forwarded-For; earlier entries are whatever the client
// claimed, so they are never believed.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/;
/**
 * Some balancers append the client with its source port (Azure Application Gateway:
 * `203.0.113.7:50001`, `[2001:db8::7]:50001`): the port changes with each connection,
 * so it is dropped, or one client would count as many.
 */
const WITH_PORT = /^(?:\[([0-9A-Fa-f:.]{2,45})\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::\d{1,5})?$/;

function bare(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

/** The address an X-Forwarded-For entry names, without a port; undefined when it names none. */
function forwardedAddress(entry: string): string | undefined {
  const ported = WITH_PORT.exec(entry);
  const address = ported === null ? entry : (ported[1] ?? ported[2]);
  return isIP(address) !== 0 ? address : undefined;
}

export function clientIpResolver(trustProxy: boolean): (req: IncomingMessage) => string {
  const fromSocket = (req: IncomingMessage) => bare(req.socket.remoteAddress ?? 'unknown');
  if (!trustProxy) return fromSocket;
  return (req) => {
    const forwarded = req.headers['x-forwarded-for'];
    const list = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    if (list === undefined) return fromSocket(req);
    const last = forwardedAddress(list.slice(list.lastIndexOf(',') + 1).trim());
    return last !== undefined ? bare(last) : fromSocket(req);
  };
}

/**
 * What per-client limits count a client address as: an IPv4 address as is, an IPv6 one by
 * its /64. A device is handed a whole /64 (SLAAC, mobile networks) and may use any address
 * in it, so per address one client could take a fresh quota and rate limit with each.
 */
export function limitKeyOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const address = ip.replace(/%.*$/, '');
  const [head, tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  // An IPv4 tail stands for two groups; either way only the first four groups matter.
  const tailLength = tailGroups.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0);
  const groups = [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailLength)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => (group.includes('.') ? '0' : group.toLowerCase().replace(/^0+(?=.)/, '')))
    .join(':')}::/64`;
}
