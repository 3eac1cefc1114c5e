// Which Host headers the signer answers when it runs the dev bucket. There the Host
// becomes ticket URLs, object links and Location headers, and private links are
// checked against it, so a page on evil.example that re-binds its DNS to 127.0.0.1
// could otherwise get tickets, links and the console listing from a developer's
// machine. Accepted: loopback names and addresses, the addresses of this machine's
// own interfaces (what a phone on the LAN uses), the HOST the signer listens on, and
// UPLOAD_ALLOWED_HOSTS. Any port: port forwarding (adb reverse, docker -p) changes it.
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** The answer to a Host the gate refuses (the signer's JSON error and the dev bucket's XML one). */
export const HOST_NOT_ALLOWED_MESSAGE =
  'The Host header names a host this signer is not reachable by; if it is yours (a name for this machine), add it to UPLOAD_ALLOWED_HOSTS.';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface HostGateOptions {
  /** HOST the signer listens on (a wildcard such as 0.0.0.0 adds nothing). */
  listenHost: string;
  /** UPLOAD_ALLOWED_HOSTS, lower-case. */
  allowedHosts: readonly string[];
  /** Tests pass fixed interfaces; default os.networkInterfaces(). */
  interfaces?: () => Interfaces;
}

/** A Host header: a DNS name or IPv4, or a bracketed IPv6, then an optional port. */
const HOST_HEADER = /^(?:\[([0-9a-f:.]{2,45})\]|([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9.])?))(?::\d{1,5})?$/i;
/** Interfaces change (Wi-Fi joins, DHCP); a miss re-reads them at most this often. */
const INTERFACE_REFRESH_MS = 1000;

/** The host name of a Host header, lower-case, without brackets or a final dot; undefined when malformed. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = HOST_HEADER.exec(header);
  if (!match) return undefined;
  if (match[1] !== undefined) return isIPv6(match[1]) ? match[1].toLowerCase() : undefined;
  return match[2].toLowerCase().replace(/\.$/, '');
}

function isLoopbackName(name: string): boolean {
  // RFC 6761: browsers and resolvers keep "localhost" and "*.localhost" on this machine.
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIPv4(name)) return name.startsWith('127.');
  return name === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(name);
}

/** `(hostHeader) => whether the signer answers it`. */
export function createHostGate(options: HostGateOptions): (hostHeader: string | undefined) => boolean {
  const readInterfaces = options.interfaces ?? networkInterfaces;
  const fixed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const listen = hostNameOf(options.listenHost);
  if (listen !== undefined && listen !== '0.0.0.0' && listen !== '::') fixed.add(listen);
  let own = new Set<string>();
  let readAt = -Infinity;
  const refresh = () => {
    readAt = Date.now();
    own = new Set(Object.values(readInterfaces()).flatMap((infos) => (infos ?? []).map((info) => info.address.toLowerCase())));
  };
  // Nearly every request names the host the one before did: an accepted header is
  // remembered as it was spelled, so the hot path compares one string instead of
  // running the regex (a refused one is never remembered).
  let lastAccepted: string | undefined;
  return (hostHeader) => {
    if (hostHeader !== undefined && hostHeader === lastAccepted) return true;
    const name = hostNameOf(hostHeader);
    if (name === undefined) return false;
    if (isLoopbackName(name) || fixed.has(name)) {
      lastAccepted = hostHeader;
      return true;
    }
    // Interface addresses can go away (Wi-Fi leaves): not remembered here, but looked up in
    // the interfaces last read (re-read on a miss, at most once per INTERFACE_REFRESH_MS).
    if (own.has(name)) return true;
    if (Date.now() - readAt < INTERFACE_REFRESH_MS) return false;
    refresh();
    return own.has(name);
  };
}
