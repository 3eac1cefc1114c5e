// The multipart (resumable) upload contract, shared by the signer and the apps. Large
// files go up in parts PUT straight to the bucket; the signer only starts, signs,
// checks and finishes. It stays stateless: what it must remember about an upload
// travels in `uploadToken`, which it signs, so any instance can serve any step.
// Mini program code may only `import type` from here (see ticket.ts).
import type { TicketProvider } from './ticket';

/** POST /api/uploads */
export interface CreateUploadRequest {
  /** Used only for its extension, as with tickets. */
  name: string;
  /** Exact size in bytes; complete refuses any other total. */
  size: number;
  type?: string;
}

export interface CreateUploadResponse {
  /** Opaque to clients: pass it back unchanged to every later step. */
  uploadToken: string;
  /** The object key the signer chose. */
  key: string;
  /** Every part but the last is exactly this many bytes; the last holds the rest. */
  partSize: number;
  partCount: number;
  /** ISO 8601 by the signer's clock: after this the token is refused and the upload must start again. */
  expiresAt: string;
  objectUrl: string;
  provider: TicketProvider;
  contentType: string;
  size: number;
  /** The signer's clock, as in ticket responses. */
  serverTime: string;
}

/** POST /api/uploads/parts */
export interface SignPartsRequest {
  uploadToken: string;
  /** 1-based, at most MAX_PARTS_PER_SIGN_REQUEST of them. */
  partNumbers: number[];
}

export interface SignedPart {
  partNumber: number;
  /** A plain `PUT` of the part's bytes to this URL with `headers` stores the part. */
  url: string;
  headers: Record<string, string>;
  /** The exact byte count the store expects for this part. */
  size: number;
  /** ISO 8601: sign again after this (a 403 for expiry means the same). */
  expiresAt: string;
}

export interface SignPartsResponse {
  serverTime: string;
  parts: SignedPart[];
}

export interface CompletedPart {
  partNumber: number;
  /** The ETag response header of the part's PUT, quotes included or not. */
  etag: string;
}

/** POST /api/uploads/complete */
export interface CompleteUploadRequest {
  uploadToken: string;
  parts: CompletedPart[];
}

export interface CompleteUploadResponse {
  key: string;
  objectUrl: string;
  size: number;
}

/** POST /api/uploads/abort */
export interface AbortUploadRequest {
  uploadToken: string;
}

export interface AbortUploadResponse {
  aborted: true;
}

/** POST /api/uploads/list */
export interface ListUploadPartsRequest {
  uploadToken: string;
}

export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface ListUploadPartsResponse {
  /** What the store holds, ascending by part number: resume from here, not from the device's memory. */
  parts: StoredPart[];
  partSize: number;
  partCount: number;
  /**
   * Present when this upload already made its object: its complete went through but the
   * answer was lost (the app paused, was killed, or timed out while it ran). Nothing is
   * left to send; `parts` is empty. Without it a resume would start the file again.
   */
  assembled?: CompleteUploadResponse;
}

/** What /healthz says about multipart uploads (absent when the signer cannot do them). */
export interface MultipartLimits {
  /** Largest file a multipart upload accepts (UPLOAD_MAX_MULTIPART_BYTES). */
  maxBytes: number;
  /** The part size the signer plans with for files that fit in 10,000 such parts. */
  partSize: number;
}
