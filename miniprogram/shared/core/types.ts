// The engine's public shapes: what pages render and what platform adapters produce.
import type { UploadLimits } from '../../../typings/ticket';

/** One file the person picked, whatever the platform called it. */
export interface PickedFile {
  /** Local temp path the platform gave us. */
  path: string;
  /** Display name (picked photos have none: derived from the path). */
  name: string;
  size: number;
  /** MIME type, derived from the extension when the platform does not say. */
  type: string;
  kind: 'image' | 'video' | 'file';
  /** A thumbnail path for videos; images use `path`. */
  thumbPath?: string;
  /** `name` is the platform's temp file name (album and camera picks), not one a person gave. */
  tempName?: true;
  /** Set by the page for temp-named picks: what the file is shown as ("照片 1 · 今天 10:03"). */
  label?: PickLabel;
  /** Set when the app compressed or cleaned the photo before upload: the picked file's size. */
  originalSize?: number;
  /** The app found a position in the photo and removed it before upload. */
  locationRemoved?: boolean;
  /** `path` is a copy the app made (compressed or cleaned), deleted once no upload needs it. */
  preparedCopy?: true;
}

/** A temp-named photo or video's number in the order it was added, and when it was picked (ms). */
export interface PickLabel {
  number: number;
  pickedAt: number;
}

/**
 * `paused`: an upload in parts stopped with its parts kept on the store, by the person
 * (暂停) or by the app going to the background; it goes on from the parts the store holds.
 */
export type UploadStatus = 'waiting' | 'uploading' | 'paused' | 'done' | 'failed' | 'cancelled';

/**
 * Why a failed try waits before the next one: the connection dropped, the try timed out
 * (or sent nothing for too long), the store said it is busy (429), or it had an error (5xx).
 */
export type RetryReason = 'network' | 'timeout' | 'busy' | 'server';

/** A failed try's pause before the engine tries again by itself. */
export interface RetryWait {
  reason: RetryReason;
  /** Local ms clock: when the next try starts. */
  at: number;
}

export type FailureReason =
  | 'network' // no connection / reset
  | 'timeout'
  | 'server' // 5xx from the store or the signer, after retries
  | 'tooLarge' // the store or signer refused the size
  | 'typeNotAllowed'
  | 'expired' // ticket expired and a fresh one did not help
  | 'denied' // 403 that is not expiry/skew (signature, policy)
  | 'unauthorized' // the signer wants a token
  | 'signerUnreachable'
  | 'signerSlow' // the signer was reached (or may be) but did not answer in time: a retry may work
  | 'signerRejected' // 4xx from the signer with its own message
  | 'appFault' // the signer refused what only a faulty app sends (InvalidIdempotencyKey, IdempotencyKeyReused): the file must be picked again
  | 'badResponse' // the signer's answer is not a valid ticket response
  | 'domain' // the platform refused the domain (allow-list)
  | 'file' // the local file cannot be read
  | 'clientSigning' // signing: 'client' cannot work as configured (code says why)
  | 'quota' // the signer's daily file or byte quota is used up (FileQuotaExceeded / ByteQuotaExceeded)
  | 'rateLimited' // too many requests a minute, still so after waiting what the signer asked
  | 'signIn' // the platform login or the exchange at /api/sessions failed
  | 'unknown';

export interface UploadFailure {
  reason: FailureReason;
  /** Plain words for the person, in their language. */
  message: string;
  /** Whether a retry button makes sense. */
  retryable: boolean;
  /** HTTP status when there was one. */
  status?: number;
  /** Provider or signer error code (e.g. `EntityTooLarge`), for logs and support. */
  code?: string;
}

export interface UploadItem {
  id: string;
  file: PickedFile;
  status: UploadStatus;
  bytesSent: number;
  totalBytes: number;
  /** 0–100, integer. */
  percent: number;
  /** How many transfers were started for this file (retries included). */
  attempts: number;
  /** Uploading, but no bytes have moved for a while: the page says it is waiting for the network. */
  slow?: true;
  /**
   * Uploading, between a failed try and the next: why, and when the next starts (the page
   * counts down to it). Gone once the next try starts, or the file ends, pauses or is cancelled.
   */
  retrying?: RetryWait;
  /** Goes up in parts, so it can be paused and resumed (a single POST can only be cancelled). */
  inParts?: true;
  /** Paused: by the person (暂停), or by the app going to the background (resumed when it shows again). */
  pausedBy?: 'person' | 'background';
  error?: UploadFailure;
  /** Set when done: the object key the signer chose and the link to it. */
  key?: string;
  /** Public bucket: the ticket's objectUrl. Private bucket: a signed link, set once `link.state` is 'ready'. */
  objectUrl?: string;
  finishedAt?: number;
  /** Private buckets only: where the signed link of a done upload stands. */
  link?: LinkState;
}

export interface LinkState {
  state: 'signing' | 'ready' | 'failed';
  /** Local ms clock: when the signed link stops working. */
  expiresAt?: number;
  /** Why the link could not be signed; the upload itself is done. */
  error?: UploadFailure;
}

export type RejectionReason = 'tooLarge' | 'typeNotAllowed' | 'tooMany' | 'empty';

/** A file refused before anything was sent, with why. */
export interface Rejection {
  file: PickedFile;
  reason: RejectionReason;
  message: string;
}

export interface BatchProgress {
  total: number;
  waiting: number;
  uploading: number;
  paused: number;
  done: number;
  failed: number;
  cancelled: number;
  bytesSent: number;
  totalBytes: number;
  /** 0–100 over the files that are not cancelled. */
  percent: number;
}

/** An upload in parts an earlier launch left unfinished, as the 继续上传 list shows it. */
export interface SavedUploadSummary {
  /** Its storage key: what continueSaved / discardSaved take. */
  id: string;
  file: PickedFile;
  /** Bytes of the parts this phone saw the store accept (the store is asked again on resume). */
  bytesDone: number;
  totalBytes: number;
}

export interface EngineEvents {
  /** An item changed (status, or its integer percent moved). */
  change: (item: UploadItem) => void;
  /** An item reached done/failed/cancelled. */
  settled: (item: UploadItem) => void;
}

export type Lang = 'zh' | 'en';

/** What pages use; core/engine.ts implements it. */
export interface UploadEngineApi {
  /**
   * Loads (once) the signer's limits from GET /healthz and returns what files are checked
   * against: those limits, with the size cap raised to the multipart one where this
   * platform sends files in parts.
   */
  loadLimits(): Promise<UploadLimits>;
  /** Checks restrictions, queues what passes (one ticket request per batch) and starts it. */
  add(files: PickedFile[]): Promise<{ accepted: UploadItem[]; rejected: Rejection[] }>;
  cancel(id: string): void;
  cancelAll(): void;
  /**
   * An upload in parts (`inParts`) stops: its requests in flight are aborted, the parts the
   * store holds and the saved upload are kept, and its share of the queue goes to the others.
   * Does nothing for a single-request upload (it can only be cancelled: nothing of it is kept).
   */
  pause(id: string): void;
  /** A paused upload goes on from the parts the store holds (asked with ListParts). */
  resume(id: string): void;
  /**
   * The app went to the background (false) or came back (true). Parts cut while hidden do
   * not fail the file: it is paused, and resumed when the app shows again.
   */
  setAppVisible(visible: boolean): void;
  /** Uploads in parts left unfinished in storage (by an earlier launch), not in this engine's list. */
  unfinished(): SavedUploadSummary[];
  /**
   * Whether this item's upload in parts is saved, so a later launch offers it under 继续上传
   * (and will send its file again): a failure or a pause keeps it, success or removal ends it.
   */
  hasSavedUpload(id: string): boolean;
  /** Continues one of `unfinished()`: the file is listed and resumes from the parts the store holds. */
  continueSaved(id: string): UploadItem | undefined;
  /** Abandons one of `unfinished()` on the store (/api/uploads/abort) and forgets it. */
  discardSaved(id: string): Promise<void>;
  retry(id: string): void;
  /** Failed files that a retry may help (not those refused as too large, wrong type…) and failed private links. */
  retryAllFailed(): void;
  /** Cancels it first when it is still running, then forgets it. */
  remove(id: string): void;
  items(): readonly UploadItem[];
  progress(): BatchProgress;
  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): () => void;
  /**
   * Signed links for stored objects of a private bucket, by key: cached until shortly
   * before they expire, the rest in one request. For items with `link` and history
   * entries marked `signed` (a public object's URL never expires). Rejects with a LinkError.
   */
  objectLinks(keys: readonly string[]): Promise<Map<string, string>>;
}
