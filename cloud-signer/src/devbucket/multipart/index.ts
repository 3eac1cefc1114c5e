// The dev bucket's S3 multipart API: the operations (operations.ts) over the uploads in
// flight (upload-store.ts), plus the sweep that deletes uploads nobody completed or
// aborted, as a bucket lifecycle rule "abort incomplete multipart uploads after N days" does.
import type { IncomingMessage, ServerResponse } from 'node:http';
// Node's own timer (with unref), also where a test world's global is the browser's (jsdom).
import { setInterval } from 'node:timers';
import type { ObjectStore } from '../storage';
import type { BucketIdentity } from '../verify-post';
import { handleMultipart, isMultipartRequest } from './operations';
import { UploadStore } from './upload-store';

export { isMultipartRequest };

/** A day, like the shortest lifecycle rule S3 lets a bucket set. */
export const DEFAULT_ABANDON_AFTER_SECONDS = 24 * 60 * 60;
/** How often the sweep looks; an abandoned upload lingers at most this much past its age. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export interface MultipartOptions {
  dataDir: string;
  objects: ObjectStore;
  identity: BucketIdentity;
  now: () => Date;
  maxObjectBytes: number;
  abandonAfterSeconds?: number;
  objectUrl(req: IncomingMessage, key: string): string;
  onError?: (error: unknown) => void;
}

export interface MultipartApi {
  handle(req: IncomingMessage, res: ServerResponse, key: string): Promise<void>;
  /** Deletes uploads older than the abandon age by the bucket's clock; resolves to how many. */
  sweep(): Promise<number>;
  ready: Promise<void>;
}

export function createMultipartApi(options: MultipartOptions): MultipartApi {
  const uploads = new UploadStore(options.dataDir, options.objects);
  const abandonAfterMs = (options.abandonAfterSeconds ?? DEFAULT_ABANDON_AFTER_SECONDS) * 1000;
  const ctx = { uploads, identity: options.identity, now: options.now, maxObjectBytes: options.maxObjectBytes, objectUrl: options.objectUrl };
  const sweep = async () => {
    await uploads.ready;
    return uploads.sweep(new Date(options.now().getTime() - abandonAfterMs));
  };
  const timer = setInterval(() => sweep().catch((error) => options.onError?.(error)), SWEEP_INTERVAL_MS);
  // The sweep must never keep the signer (or a test run) alive on its own.
  timer.unref();
  uploads.ready.then(() => sweep()).catch((error) => options.onError?.(error));
  return {
    handle: async (req, res, key) => {
      await Promise.all([options.objects.ready, uploads.ready]);
      await handleMultipart(req, res, key, ctx);
    },
    sweep,
    ready: uploads.ready,
  };
}
