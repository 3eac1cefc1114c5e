// How many connections the signer holds, from whom, and for how long. Node's defaults
// hurt both ways: a 300 s total `requestTimeout` cut a slow but steady 20 MiB upload
// at 330 s, while no connection cap let 1100 slow-header sockets from one host use up
// a 1024 fd limit and reset everyone else. So: no total request timeout, an idle
// timeout instead (no bytes either way for N seconds cuts the socket, and the dev
// bucket drops the temp file of an upload cut that way), a short time for headers, a cap on
// connections under the fd limit, and a per-client share of that cap so one host cannot
// take it all.
import { readFileSync } from 'node:fs';
import type { Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiError } from '../../typings/ticket';

export interface ConnectionLimits {
  /** Open connections at most (server.maxConnections); past it node closes new ones at once. */
  maxConnections: number;
  /** Open connections one client address may hold; 0 turns the per-client cap off (behind a proxy). */
  maxConnectionsPerClient: number;
  /** Time a client has to send its request headers. */
  headersTimeoutMs: number;
  /** A connection with no bytes in or out for this long is cut (uploads, downloads, stalled requests). */
  idleTimeoutMs: number;
  /**
   * How long a kept-alive connection may wait for its next request; node's own 5 s when
   * unset, so idle phones do not hold the connection cap. Behind a load balancer the idle
   * timeout: the balancer reuses its connections, and one we close first races its next request (a 502).
   */
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_HEADERS_TIMEOUT_SECONDS = 15;
/** Longer than the app's own stall detection, so the phone gives up (and retries) first. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
/** File descriptors kept back for data files, temp files, logs and node itself. */
const RESERVED_FDS = 64;
const FALLBACK_MAX_CONNECTIONS = 512;
const MAX_DEFAULT_CONNECTIONS = 8192;
const MIN_CONNECTIONS = 16;

/** The soft RLIMIT_NOFILE on Linux (node has no getrlimit), or undefined elsewhere. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/**
 * Well under the fd limit: an upload to the dev bucket holds its socket and a temp
 * file, so two descriptors per connection, after a reserve. 1024 fds → 480 connections.
 */
export function maxConnectionsUnder(fdLimit: number | undefined): number {
  if (fdLimit === undefined) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(MIN_CONNECTIONS, Math.min(MAX_DEFAULT_CONNECTIONS, Math.floor((fdLimit - RESERVED_FDS) / 2)));
}

/** The default UPLOAD_MAX_CONNECTIONS: under this process's own fd limit. */
export function defaultMaxConnections(): number {
  return maxConnectionsUnder(openFileLimit());
}

/** A quarter of all connections: a flood from one host leaves three quarters to everyone else. */
export function defaultMaxConnectionsPerClient(maxConnections: number): number {
  return Math.max(1, Math.floor(maxConnections / 4));
}

/** Options for http.createServer: header time, no total request time, and checks often enough to enforce them. */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: 0,
    // Node checks header deadlines on this interval (30 s by default): a quarter of the deadline, at most 1 s.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

const refusal: ApiError = {
  error: { code: 'TooManyConnections', message: 'This client has too many connections open to the signer; close some and try again.' },
};
const REFUSAL_BODY = JSON.stringify(refusal);
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\n' +
  'Content-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n` +
  'Retry-After: 1\r\nConnection: close\r\n\r\n' +
  REFUSAL_BODY;
/**
 * Time a refused client gets to read the 503 before its socket is closed. A polite client
 * closes at once on our FIN; a flooder's refused sockets still count against
 * maxConnections while they linger, so the linger is short: at 1000 sockets a second it
 * keeps ~100 of them, not the 1000 a second-long linger would.
 */
const REFUSAL_LINGER_MS = 100;

/** The open connections of each guarded server, for endKeptAliveConnections at shutdown. */
const openSockets = new WeakMap<Server, Set<Socket>>();

/**
 * For a shutdown, with server.close(): that stops new connections, but a connection kept
 * alive (a load balancer's pool, any keep-alive client) is otherwise served on and on, the
 * server never closes, and when the grace runs out every request then in flight is cut.
 * So every answer from now on, those in flight included, says "Connection: close" (node
 * ends the socket once it is written), and idle connections are closed at once.
 */
export function endKeptAliveConnections(server: Server): void {
  server.prependListener('request', (_req, res: ServerResponse) => res.setHeader('Connection', 'close'));
  for (const socket of openSockets.get(server) ?? []) {
    // The answer under way on this socket (node's own link from a socket to its response, as http-terminator uses it).
    const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (res === undefined || res === null || res.writableFinished) continue;
    if (!res.headersSent) res.setHeader('Connection', 'close');
    else res.once('finish', () => socket.end());
  }
  server.closeIdleConnections();
}

/** The total cap, the idle timeout and the per-client share, on a server made with serverOptions(). */
export function guardConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs); // with no 'timeout' listener node destroys an idle socket
  if (limits.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const sockets = new Set<Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  if (limits.maxConnectionsPerClient <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress;
    if (client === undefined) return; // already gone
    const count = (open.get(client) ?? 0) + 1;
    if (count > limits.maxConnectionsPerClient) {
      // Read nothing more from it, say why, and let go of it soon whatever the client does.
      socket.pause();
      socket.end(REFUSAL);
      setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
}
