// What every route needs, computed once when the server is created so the request
// path only reads it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadLimits } from '../../../typings/ticket';
import type { SigningCrypto } from '../../../miniprogram/shared/signing/index';
import type { Dialect } from '../../../miniprogram/shared/signing/index';
import type { Config } from '../config';
import type { CredentialSource } from '../credentials';
import type { Caller, Guard } from '../guard';

/** The bucket URLs for one request: fixed for clouds, from the Host header for the dev bucket. */
export interface RequestTarget {
  endpoint: string;
  publicBaseUrl: string;
}

export interface RouteContext {
  config: Config;
  dialect: Dialect;
  credentials: CredentialSource;
  /** Node's crypto behind a cache of derived signing keys (caching-crypto.ts). */
  crypto: SigningCrypto<Buffer>;
  now: () => Date;
  limits: UploadLimits;
  /** JSON text of `limits`, serialised once. */
  limitsJson: string;
  targetFor(req: IncomingMessage): RequestTarget;
  /** Sign-in, quotas and the audit log (guard/index.ts). */
  guard: Guard;
}

/** Answers an error the way every route does (ApiFailure → its JSON, anything else → 500, logged). */
export type FailResponse = (res: ServerResponse, error: unknown) => void;

/**
 * A route. Synchronous throws and rejected promises reach `fail` by themselves; a route
 * that answers from a callback (the ticket route, to avoid a promise per request) calls it.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, caller: Caller, fail: FailResponse) => void | Promise<void>;
