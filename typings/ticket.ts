// The ticket contract (v1) shared by the signer and the mini programs.
// README "Routes" describes it; its runtime half (paths, limits, validators) is
// miniprogram/shared/contract. Additions are fine; renames break clients.
// Mini program code may only `import type` from here: neither IDE packs files
// outside its own root, and type-only imports vanish when compiled.
import type { MultipartLimits } from './multipart';

/** The dialect a ticket speaks. `local` (the dev bucket) issues `s3` tickets. */
export type TicketProvider = 's3' | 'oss' | 'oss-v1' | 'cos' | 'obs';

/** What `UPLOAD_PROVIDER` may say; `/healthz` reports it. */
export type ProviderSetting = 'local' | TicketProvider;

export interface TicketRequestFile {
  /** Used only for its extension; never becomes part of a path. */
  name: string;
  /** Exact size in bytes. */
  size: number;
  /** MIME type; optional when the extension says it. */
  type?: string;
  /**
   * The same on every request for this file (16–64 of A–Z a–z 0–9 - _): a request asked
   * again after its answer was lost is then not counted twice against the daily quotas,
   * and the file keeps the key the signer picked first. Optional.
   */
  idempotencyKey?: string;
}

export interface TicketRequest {
  files: TicketRequestFile[];
}

export interface UploadTicket {
  provider: TicketProvider;
  method: 'POST' | 'PUT';
  /** POST: the bucket's form endpoint. PUT: the full signed object URL. */
  url: string;
  /** The object key the server chose. */
  key: string;
  /** Multipart field that carries the file; it goes after every field in `fields`. */
  fileField: string;
  /** Form fields exactly as the provider documents them; every value a string. */
  fields: Record<string, string>;
  /** Headers the request must send (PUT: Content-Type, Authorization…). */
  headers: Record<string, string>;
  contentType: string;
  maxBytes: number;
  /** ISO 8601, by the signer's clock. */
  expiresAt: string;
  /** The HTTP status the store answers on success. */
  successStatus: number;
  /** Where the object can be read (public bucket or `UPLOAD_PUBLIC_BASE_URL`). */
  objectUrl: string;
}

export interface TicketResponse {
  /** The signer's clock, so a client can tell a skewed phone clock from an expired ticket. */
  serverTime: string;
  tickets: UploadTicket[];
  /** The limits the tickets were issued under (addition to v1). */
  limits?: UploadLimits;
}

/** Limits the signer enforces; the app checks against these before sending anything. */
export interface UploadLimits {
  maxBytes: number;
  maxFiles: number;
  /** MIME patterns such as `image/*`. */
  allowedTypes: string[];
}

export interface HealthResponse {
  ok: true;
  provider: ProviderSetting;
  bucket: string;
  /** Addition to v1: lets the app check files before asking for tickets. */
  limits: UploadLimits;
  /** Addition: true when object links must be fetched from /api/object-urls. */
  privateBucket?: boolean;
  /** Addition: platforms whose login codes POST /api/sessions accepts (the app signs in when its own is listed). */
  signIn?: SignInPlatformName[];
  /** Addition: present when large files can go up in parts (POST /api/uploads). */
  multipart?: MultipartLimits;
}

export type SignInPlatformName = 'wechat' | 'alipay';

/** POST /api/sessions body: the code from WeChat's login or Alipay's getAuthCode (scopes 'auth_base'). */
export interface SessionRequest {
  platform: SignInPlatformName;
  code: string;
}

export interface SessionResponse {
  /** The signer's clock, so `expiresAt` can be judged on a phone whose clock is off. */
  serverTime: string;
  /** Send as "Authorization: Bearer <token>" on every /api/* call. */
  token: string;
  /** ISO 8601 by the signer's clock; sign in again before (or on a 401 SessionExpired). */
  expiresAt: string;
  /** The user's folder under the key prefix: keys are `<prefix><id>/YYYY/MM/DD/…`. */
  user: { id: string };
}

export type ApiErrorCode =
  | 'InvalidJson'
  | 'BodyTooLarge'
  | 'UnsupportedMediaType'
  | 'NoFiles'
  | 'TooManyFiles'
  | 'InvalidFile'
  | 'InvalidSize'
  | 'FileTooLarge'
  | 'InvalidName'
  | 'UnknownType'
  | 'TypeNotAllowed'
  | 'InvalidIdempotencyKey'
  | 'IdempotencyKeyReused'
  | 'Unauthorized'
  | 'Forbidden'
  /** The dev bucket's signer was called by a Host it is not reachable by (DNS rebinding, a typo). */
  | 'HostNotAllowed'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotConfigured'
  /** 403 from /api/credentials: a daily quota is on, and temporary credentials could not be held to it. */
  | 'QuotaNotEnforceable'
  /** 503: the signer's temporary credentials expired and could not be renewed yet; retry later. */
  | 'CredentialsUnavailable'
  /** 503 before any request is read: this client holds its share of the signer's connections. */
  | 'TooManyConnections'
  | 'InternalError'
  // Sign-in, sessions and limits (additions):
  | 'UnknownPlatform'
  | 'PlatformNotConfigured'
  | 'InvalidCode'
  | 'CodeUsed'
  | 'PlatformBusy'
  | 'PlatformRateLimited'
  | 'PlatformError'
  | 'PlatformUnavailable'
  | 'InvalidSession'
  | 'SessionExpired'
  | 'RateLimited'
  | 'FileQuotaExceeded'
  | 'ByteQuotaExceeded'
  | 'LimitsUnavailable'
  // Multipart uploads (typings/multipart.ts):
  | 'InvalidUploadToken'
  | 'UploadExpired'
  | 'InvalidPartNumber'
  | 'InvalidPartList'
  | 'PartMissing'
  | 'EtagMismatch'
  | 'SizeMismatch'
  | 'StoreError';

export interface ApiError {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Which file of the batch, when one file is at fault (the first, when several are). */
    index?: number;
    /** Every file or key at fault, when several are (POST /api/object-urls: every key not the caller's). */
    indexes?: number[];
  };
}

export interface ObjectUrlsRequest {
  keys: string[];
}

export interface ObjectUrlsResponse {
  serverTime: string;
  urls: { key: string; url: string; expiresAt: string }[];
}
