// The signer's HTTP server: plain node:http and a handful of exact-match routes. The
// ticket path is benchmarked against a bare node:http server, so routing does string
// compares only and everything that does not depend on the request is prepared here.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { UploadLimits } from '../../typings/ticket';
import { ApiFailure, LoggedFailure, sendError, sendFailure } from './api-error';
import { consoleVisibleTo } from './auth';
import { cachingCrypto } from './caching-crypto';
import type { Config } from './config';
import { CredentialsUnavailableError, staticCredentials, type CredentialSource } from './credentials';
import type { Credentials } from '../../miniprogram/shared/signing/index';
import { DEV_BUCKET_PATH } from './devbucket';
import { guardConnections, serverOptions } from './connection-limits';
import { dialectFor } from './dialects';
import { createHostGate, HOST_NOT_ALLOWED_MESSAGE } from './host-gate';
import { handleCredentials } from './routes/credentials';
import { healthzRoute } from './routes/healthz';
import { objectUrlsRoute } from './routes/object-urls';
import type { RequestTarget, RouteContext, RouteHandler } from './routes/context';
import { ticketsRoute } from './routes/tickets';
import { createGuard, type Caller, type GuardDeps } from './guard';
import { uploadRoutes } from './routes/uploads';
import { nodeCrypto } from './node-crypto';
import { sessionsRoute, SESSIONS_PATH } from './sign-in/sessions-route';
import { signInPlatforms } from './sign-in/settings';
import {
  API_PREFIX,
  CREDENTIALS_PATH,
  HEALTH_PATH,
  MAX_FILES_PER_TICKET_REQUEST,
  OBJECT_URLS_PATH,
  TICKETS_PATH,
} from '../../miniprogram/shared/contract/index';
import { FAILED_FETCH_PAUSE_MS } from './sts/caching';
import { redact as redactSecrets } from './sts/errors';
import type { AssumeRole } from './sts/types';

export { DEV_BUCKET_PATH };

/** The part of the dev bucket the server routes to (a DevBucket from ./devbucket fits). */
export interface DevBucketRoutes {
  handle(req: IncomingMessage, res: ServerResponse): void;
  handleConsole(req: IncomingMessage, res: ServerResponse): void;
}

export interface SignerDeps {
  config: Config;
  devBucket?: DevBucketRoutes;
  now?: () => Date;
  credentials?: CredentialSource;
  /** Per-client temporary credentials for GET /api/credentials (set when UPLOAD_STS_ROLE_ARN is). */
  assumeRole?: AssumeRole;
  /** Where unexpected errors are reported (secrets are redacted first). Defaults to stderr. */
  log?: (line: string) => void;
  /** Audit lines' destination without UPLOAD_AUDIT_LOG, and a Redis client for the limits (tests). */
  guard?: Omit<GuardDeps, 'log'>;
}

type Handler = RouteHandler;

interface Route {
  /** e.g. "POST" — also the Allow header of a 405. */
  allow: string;
  methods: readonly string[];
  handler: Handler;
  /** How the guard admits the caller: an API route, the login route, or nobody to ask (health, console). */
  admit: 'api' | 'login' | 'none';
}

/** With nothing usable to sign with, the credential cache asks its source again after this pause. */
const CREDENTIALS_RETRY_AFTER_SECONDS = Math.ceil(FAILED_FETCH_PAUSE_MS / 1000);

/** A store failure's log line is cut here, after redaction (a secret cut in two would escape it): the cause chain of an SDK error can run long. */
const MAX_STORE_LOG_CHARS = 500;
/** Health and console need no caller; their handlers ignore it. */
const NO_CALLER = undefined as unknown as Caller;
// Host headers we are willing to put into ticket URLs: a name or IP, optional port.
const SAFE_HOST_HEADER = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** For the dev bucket the bucket lives on this server, so its URL is whatever the client called us by. */
function targetResolver(config: Config): (req: IncomingMessage) => RequestTarget {
  if (config.endpoint !== undefined) {
    const fixed: RequestTarget = { endpoint: config.endpoint, publicBaseUrl: config.publicBaseUrl ?? config.endpoint };
    return () => fixed;
  }
  let lastHost = '';
  let last: RequestTarget = { endpoint: '', publicBaseUrl: '' };
  return (req) => {
    let host = req.headers.host;
    // Nearly every request names the host the last one did: compare before any regex.
    if (host === lastHost) return last;
    if (host === undefined || !SAFE_HOST_HEADER.test(host)) {
      // No usable Host: name the socket we were reached on instead of trusting junk.
      const address = req.socket.localAddress ?? '127.0.0.1';
      host = `${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
    }
    if (host !== lastHost) {
      const endpoint = `http://${host}${DEV_BUCKET_PATH}`;
      last = { endpoint, publicBaseUrl: config.publicBaseUrl ?? endpoint };
      lastHost = host;
    }
    return last;
  };
}

/**
 * Every configured secret, and the signing keys in use lately (STS or instance-role keys,
 * which no setting holds), longest first, so log lines can be scrubbed before they leave.
 */
function redactor(config: Config, signingKeys: () => readonly (Credentials | undefined)[]): (text: string) => string {
  const { accessKeySecret, securityToken } = config.credentials;
  const { wechat, alipay } = config.signIn;
  const configured = [accessKeySecret, securityToken, ...config.authTokens, wechat?.secret, alipay?.privateKey, config.guard.redisUrl];
  return (text) => {
    const live = signingKeys().flatMap((keys) => [keys?.accessKeySecret, keys?.securityToken]);
    const secrets = [...configured, ...live].filter((s): s is string => typeof s === 'string' && s.length > 0);
    // Longest first: a secret that contains another is scrubbed whole.
    return redactSecrets(text, secrets.sort((a, b) => b.length - a.length));
  };
}

export function createSignerServer(deps: SignerDeps): http.Server {
  const { config, devBucket } = deps;
  const limits: UploadLimits = {
    maxBytes: config.maxBytes,
    maxFiles: MAX_FILES_PER_TICKET_REQUEST,
    allowedTypes: config.allowedTypes,
  };
  if (config.credentialMode === 'instance-role' && deps.credentials === undefined) {
    // The empty placeholder keys in config must never sign anything.
    throw new Error('UPLOAD_CREDENTIALS=instance-role: the signer needs the instance role credential source (see signingCredentialsFromEnv)');
  }
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const guard = createGuard(config, { ...deps.guard, log });
  const ctx: RouteContext = {
    config,
    // Resolved now so an unsupported provider/method stops startup, not the first upload.
    dialect: dialectFor(config.ticketProvider, config.method),
    credentials: deps.credentials ?? staticCredentials(config.credentials),
    // Node's crypto (the policy's HMAC from one-shot hashes, node-crypto.ts) behind the derived-key cache.
    crypto: cachingCrypto(nodeCrypto),
    now: deps.now ?? (() => new Date()),
    limits,
    limitsJson: JSON.stringify(limits),
    targetFor: targetResolver(config),
    guard,
  };
  // With the dev bucket the Host header shapes ticket URLs and links: only hosts we are reachable by.
  const hostAllowed = config.provider === 'local' ? createHostGate({ listenHost: config.host, allowedHosts: config.allowedHosts }) : undefined;
  // Only a line being logged pays for the lookup.
  const redact = redactor(config, () => [...(ctx.credentials.keysInUse?.() ?? []), ctx.credentials.current?.(ctx.now())]);
  const tokensConfigured = config.authTokens.length > 0;
  const signIn = sessionsRoute({ settings: config.signIn, sessions: guard.sessions, tokensConfigured, now: ctx.now, log });

  const routes = new Map<string, Route>([
    [TICKETS_PATH, { allow: 'POST', methods: ['POST'], handler: ticketsRoute(ctx), admit: 'api' }],
    [OBJECT_URLS_PATH, { allow: 'POST', methods: ['POST'], handler: objectUrlsRoute(ctx), admit: 'api' }],
    [SESSIONS_PATH, { allow: 'POST', methods: ['POST'], handler: signIn, admit: 'login' }],
    [HEALTH_PATH, { allow: 'GET, HEAD', methods: ['GET', 'HEAD'], handler: healthzRoute(ctx, signInPlatforms(config.signIn), (line) => log(redact(line))), admit: 'none' }],
    [
      CREDENTIALS_PATH,
      {
        allow: 'GET',
        methods: ['GET'],
        handler: handleCredentials({ config, limits, assumeRole: deps.assumeRole, now: ctx.now, log }),
        admit: 'api',
      },
    ],
  ]);
  for (const [path, handler] of uploadRoutes(ctx, log)) routes.set(path, { allow: 'POST', methods: ['POST'], handler, admit: 'api' });
  if (devBucket) {
    routes.set('/', {
      allow: 'GET, HEAD',
      methods: ['GET', 'HEAD'],
      admit: 'none',
      handler: (req, res) => {
        if (!consoleVisibleTo(req.socket.remoteAddress, tokensConfigured)) {
          sendError(res, 403, 'Forbidden', 'With UPLOAD_AUTH_TOKENS set, the dev bucket console is shown on the signer\'s own machine only.');
          return;
        }
        devBucket.handleConsole(req, res);
      },
    });
  }

  const fail = (res: ServerResponse, error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ApiFailure) {
      // The bucket's own failures: the operator reads why, the app hears only that it failed.
      if (error instanceof LoggedFailure) log(redact(error.logLine).slice(0, MAX_STORE_LOG_CHARS));
      // A body we refused to read must not be drained: close the connection instead.
      const headers: Record<string, string> | undefined = error.code === 'BodyTooLarge' ? { Connection: 'close' } : error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined;
      sendFailure(res, error, headers);
      return;
    }
    if (error instanceof CredentialsUnavailableError) {
      // Never a ticket signed with expired keys: the app retries 5xx with backoff.
      log(`signer: ${redact(error.message)}`);
      sendError(res, 503, 'CredentialsUnavailable', 'The signer\'s cloud credentials have expired and could not be renewed yet; try again in a moment.', {
        'Retry-After': String(CREDENTIALS_RETRY_AFTER_SECONDS),
      });
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    log(`signer: unexpected error: ${redact(detail)}`);
    sendError(res, 500, 'InternalError', 'The signer hit an unexpected error; try again, and check the signer log if it persists.');
  };

  const run = (handler: Handler, req: IncomingMessage, res: ServerResponse, caller: Caller) => {
    try {
      const pending = handler(req, res, caller, fail);
      if (pending !== undefined) pending.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };

  /** The guard first, then the route: a refused caller never reaches it (nor has its body read). */
  const guarded = (route: Route, req: IncomingMessage, res: ServerResponse) => {
    let admitted: Caller | Promise<Caller>;
    try {
      admitted = route.admit === 'login' ? guard.admitLogin(req) : guard.admitRequest(req, ctx.now());
    } catch (error) {
      fail(res, error);
      return;
    }
    // Nothing to wait for (no session, no rate limit): straight to the route, no promise.
    if (!(admitted instanceof Promise)) {
      run(route.handler, req, res, admitted);
      return;
    }
    admitted.then(
      (caller) => run(route.handler, req, res, caller),
      (error: unknown) => fail(res, error),
    );
  };

  const server = http.createServer(serverOptions(config.connections), (req, res) => {
    const path = pathOf(req.url);
    if (devBucket && (path === DEV_BUCKET_PATH || path.startsWith(DEV_BUCKET_PATH + '/'))) {
      run(devBucket.handle.bind(devBucket), req, res, NO_CALLER);
      return;
    }
    if (hostAllowed !== undefined && !hostAllowed(req.headers.host)) {
      sendError(res, 400, 'HostNotAllowed', HOST_NOT_ALLOWED_MESSAGE);
      return;
    }
    const route = routes.get(path);
    if (route === undefined) {
      if (path.startsWith(API_PREFIX) && !guard.anonymousAllowed && req.headers.authorization === undefined) {
        // As before sign-in: a closed signer tells a stranger nothing about its routes.
        sendError(res, 401, 'Unauthorized', 'This signer needs "Authorization: Bearer <token>".', { 'WWW-Authenticate': 'Bearer' });
        return;
      }
      sendError(res, 404, 'NotFound', `There is nothing at ${path.length > 100 ? path.slice(0, 100) + '…' : path}.`);
      return;
    }
    if (!route.methods.includes(req.method ?? '')) {
      sendError(res, 405, 'MethodNotAllowed', `${path} accepts ${route.allow} only.`, { Allow: route.allow });
      return;
    }
    if (route.admit === 'none') run(route.handler, req, res, NO_CALLER);
    else guarded(route, req, res);
  });
  server.on('close', () => void guard.close());
  guardConnections(server, config.connections);
  return server;
}
