// The embedded dev bucket: an S3 POST Object endpoint that verifies SigV4 POST
// policies as strictly as S3, stores objects under dataDir (they survive restarts),
// serves them back, and lists them on a console page. Path-style, one bucket:
//   POST      /dev-bucket         the upload form endpoint (a ticket's `url`)
//   PUT       /dev-bucket/<key>   a presigned PUT (UPLOAD_METHOD=put tickets)
//   GET/HEAD  /dev-bucket/<key>   a stored object (private: a presigned link, or the bucket's key in a SigV4 header)
//   GET       /                   the console page (mounted by the signer)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credentials } from '../../../miniprogram/shared/signing/index';
import { s3ObjectUrl } from '../../../miniprogram/shared/signing/index';
import { CONSOLE_CSP, renderConsole } from './console-page';
import { startMd5Worker } from './md5';
import { handlePostObject } from './post-object';
import { handlePutObject } from './put-object';
import { answerPreflight, newRequestId, sendError, toS3Error } from './respond';
import { carriesQueryAuth, verifyPresignedGet } from './presigned-query';
import { signS3ObjectUrl } from '../../../miniprogram/shared/signing/index';
import { HOST_NOT_ALLOWED_MESSAGE, hostNameOf } from '../host-gate';
import { nodeCrypto } from '../node-crypto';
import { S3Error, invalidArgument } from './s3-error';
import { responseOverrides } from './response-overrides';
import { serveObject } from './serve-object';
import { ObjectStore, type StoredObject } from './storage';
import { createMultipartApi, isMultipartRequest } from './multipart';
import { verifySigV4Request } from './multipart/sigv4-request';
import { SIGV4_ALGORITHM } from '../../../miniprogram/shared/signing/index';

export type { StoredObject } from './storage';

export const DEV_BUCKET_PATH = '/dev-bucket';
/** 5 TiB: S3's largest object, when the signer does not pass its UPLOAD_MAX_MULTIPART_BYTES. */
const DEFAULT_MAX_MULTIPART_BYTES = 5 * 1024 ** 4;

export interface DevBucketOptions {
  dataDir: string;
  bucket: string;
  region: string;
  /** The keys tickets are signed with; a securityToken, when set, must come with every form. */
  credentials: Credentials;
  /**
   * UPLOAD_PRIVATE_BUCKET=true: objects are served only to presigned SigV4 GETs (the
   * links /api/object-urls hands out), like a private S3 bucket. Default: public reads.
   */
  privateReads?: boolean;
  /**
   * Which Host headers to answer (the signer passes its host gate): the Host becomes
   * Location headers, console links and what private links are checked against.
   * A malformed Host is refused either way.
   */
  hostAllowed?: (hostHeader: string) => boolean;
  /** Tests pin the clock. */
  now?: () => Date;
  /** Unexpected failures (never a client's mistake), for the signer's log. */
  onError?: (error: unknown) => void;
  /** Largest object a multipart upload may assemble. */
  maxMultipartBytes?: number;
  /** Multipart uploads neither completed nor aborted are deleted after this long. */
  abandonMultipartAfterSeconds?: number;
}

export interface DevBucket {
  /** Any request whose path starts with DEV_BUCKET_PATH. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The console page at GET /. */
  handleConsole(req: IncomingMessage, res: ServerResponse): void;
  /** Newest first. */
  list(): Promise<StoredObject[]>;
  /** Resolves once dataDir is prepared (requests wait for it on their own). */
  ready: Promise<void>;
  /** Deletes the temp files of uploads in flight, synchronously, for a process about to exit. */
  discardInFlightSync(): void;
  /** Deletes abandoned multipart uploads now (it also runs by itself); resolves to how many. */
  sweepAbandonedUploads(): Promise<number>;
}

/** `http://<Host>/dev-bucket/<key>`: the URL a client used to reach us reaches the object too. */
function objectUrlFor(req: IncomingMessage, key: string): string {
  return s3ObjectUrl(endpointFor(req), key);
}

/** The bucket base URL as this client reached it (what the signer puts in tickets and links); the Host was checked first. */
function endpointFor(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}${DEV_BUCKET_PATH}`;
}

const hostNotAllowed = () => new S3Error(400, 'HostNotAllowed', HOST_NOT_ALLOWED_MESSAGE);

/** The console's own thumbnail links on a private bucket: short, it only renders once. */
const CONSOLE_LINK_TTL_SECONDS = 300;

const methodNotAllowed = (method: string | undefined) =>
  new S3Error(405, 'MethodNotAllowed', `The specified method ${method ?? ''} is not allowed against this resource.`);

export function createDevBucket(options: DevBucketOptions): DevBucket {
  const store = new ObjectStore(options.dataDir);
  startMd5Worker();
  const now = options.now ?? (() => new Date());
  const identity = { bucket: options.bucket, region: options.region, credentials: options.credentials };
  const multipart = createMultipartApi({
    dataDir: options.dataDir,
    objects: store,
    identity,
    now,
    maxObjectBytes: options.maxMultipartBytes ?? DEFAULT_MAX_MULTIPART_BYTES,
    abandonAfterSeconds: options.abandonMultipartAfterSeconds,
    objectUrl: objectUrlFor,
    onError: options.onError,
  });
  const failSafe = (req: IncomingMessage, res: ServerResponse) => (error: unknown) => {
    options.onError?.(error);
    sendError(req, res, new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'), newRequestId());
  };

  const hostOk = (req: IncomingMessage): boolean => {
    const host = req.headers.host;
    return hostNameOf(host) !== undefined && (options.hostAllowed?.(host as string) ?? true);
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const pathname = (req.url ?? '/').split('?')[0];
    if (!hostOk(req)) {
      sendError(req, res, hostNotAllowed(), newRequestId());
      return;
    }
    if (req.method === 'OPTIONS') {
      answerPreflight(res);
      return;
    }
    /** The object key of `/dev-bucket/<key>`; undefined (and the error answered) when it is not valid percent-encoding. */
    const keyInPath = (): string | undefined => {
      try {
        return decodeURIComponent(pathname.slice(DEV_BUCKET_PATH.length + 1));
      } catch {
        sendError(req, res, invalidArgument('The object key in the URL is not valid percent-encoding.'), newRequestId());
        return undefined;
      }
    };
    let inParts: boolean;
    try {
      inParts = pathname.startsWith(`${DEV_BUCKET_PATH}/`) && isMultipartRequest(req);
    } catch (error) {
      // A query that is not valid percent-encoding: S3's 400, as for a key that is not.
      sendError(req, res, toS3Error(error), newRequestId());
      return;
    }
    if (inParts) {
      const key = keyInPath();
      if (key === undefined) return;
      multipart.handle(req, res, key).catch(failSafe(req, res));
      return;
    }
    if (pathname === DEV_BUCKET_PATH || pathname === `${DEV_BUCKET_PATH}/`) {
      if (req.method !== 'POST') {
        sendError(req, res, methodNotAllowed(req.method), newRequestId());
        return;
      }
      // Parsing starts only once dataDir exists; until then the body waits in the socket.
      store.ready
        .then(() => handlePostObject(req, res, { store, identity, now, objectUrl: objectUrlFor, onError: options.onError }))
        .catch(failSafe(req, res));
      return;
    }
    if (!pathname.startsWith(`${DEV_BUCKET_PATH}/`) || (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'PUT')) {
      sendError(req, res, methodNotAllowed(req.method), newRequestId());
      return;
    }
    const key = keyInPath();
    if (key === undefined) return;
    if (req.method === 'PUT') {
      // As for POST: the body waits in the socket until dataDir exists.
      store.ready
        .then(() => handlePutObject(req, res, key, { store, identity, now, endpoint: endpointFor(req), onError: options.onError }))
        .catch(failSafe(req, res));
      return;
    }
    let overrides: Record<string, string>;
    try {
      // S3 checks whatever authentication a request carries, public bucket or not: a tampered
      // or expired link is refused even where an unsigned read would be served. A private
      // bucket serves its owner's header-signed requests too (the S3 SDK's HeadObject, which
      // the signer sends to look a completed upload up); links are presigned.
      const headerSigned = req.headers.authorization?.startsWith(`${SIGV4_ALGORITHM} `) === true;
      const presigned = !headerSigned && carriesQueryAuth(req.url ?? '/');
      if (headerSigned) verifySigV4Request(req, identity, now());
      else if (presigned || options.privateReads) verifyPresignedGet(req, key, endpointFor(req), identity, now(), options.privateReads === true);
      overrides = responseOverrides(req.url ?? '/', headerSigned || presigned || options.privateReads === true);
    } catch (error) {
      sendError(req, res, toS3Error(error), newRequestId());
      return;
    }
    store.ready.then(() => serveObject(req, res, store, key, overrides)).catch(failSafe(req, res));
  }

  function handleConsole(req: IncomingMessage, res: ServerResponse): void {
    if (!hostOk(req)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${HOST_NOT_ALLOWED_MESSAGE}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Only GET and HEAD are allowed here.\n');
      return;
    }
    list()
      .then((objects) => {
        const endpoint = endpointFor(req);
        const objectHref = options.privateReads
          ? (key: string) =>
              signS3ObjectUrl(
                { ...identity, endpoint, publicBaseUrl: endpoint, key, now: now(), ttlSeconds: CONSOLE_LINK_TTL_SECONDS },
                nodeCrypto,
              )
          : undefined;
        const html = renderConsole({ bucket: options.bucket, region: options.region, objectsPath: DEV_BUCKET_PATH, objects, objectHref });
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(html),
          'Content-Security-Policy': CONSOLE_CSP,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(req.method === 'HEAD' ? undefined : html);
      })
      .catch((error) => {
        options.onError?.(error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The dev bucket could not list its objects.\n');
      });
  }

  async function list(): Promise<StoredObject[]> {
    await store.ready;
    return store.list();
  }

  const ready = Promise.all([store.ready, multipart.ready]).then(() => undefined);
  // As store.ready: whoever awaits it sees a failure; nobody awaiting is not an unhandled rejection.
  ready.catch(() => undefined);

  return {
    handle,
    handleConsole,
    list,
    ready,
    discardInFlightSync: () => store.discardInFlightSync(),
    sweepAbandonedUploads: multipart.sweep,
  };
}
