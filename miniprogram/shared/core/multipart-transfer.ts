// One large file uploaded in parts: start (or resume) the upload with the signer, PUT
// each part straight to the store, and complete. Resuming asks the store which parts
// it holds (via the signer's ListParts), so at most the parts in flight when the
// connection dropped or the app was killed are sent again. Parts share the engine's
// queue with every other upload, so together they stay within the platform's request
// budget; the signer calls (start, sign, complete) use the room the engine leaves.
import { partRange, type PartPlan } from '../contract/index';
import { problem, type Problem } from './failure';
import type { MultipartClient } from './multipart-client';
import type { MultipartState, SavedUpload } from './multipart-state';
import { TransportError, type FilePartRequest, type HttpResponse, type UploadTask } from './ports';
import type { ConcurrencyQueue } from './queue';
import { classifyTransportError, type AttemptOutcome, type RetryPolicy } from './retry';
import { isExpiryOrSkew, parseStoreError } from './store-errors';
import { SignerError } from './ticket-client';
import type { PickedFile } from './types';

/** Part URLs signed per request ahead of need: one round trip serves many parts. */
const SIGN_AHEAD = 20;
/** A part URL with less than this left is signed again before use: a part takes time to send. */
const PART_URL_MARGIN_MS = 30_000;
/** Fresh URLs one part may get after the store said its URL expired. */
const PART_RESIGNS = 2;
/** The signer's answers meaning "this upload is gone": start the file again. */
const UPLOAD_GONE = ['UploadExpired', 'InvalidUploadToken'];

export interface PartsContext {
  client: MultipartClient;
  putPart(request: FilePartRequest): UploadTask;
  queue: ConcurrencyQueue;
  state: MultipartState;
  policy: RetryPolicy;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface PartsRun {
  isCurrent(): boolean;
  /** Bytes of the parts the store holds, against the file's size. */
  progress(bytesSent: number, totalBytes: number): void;
  /** Parts in flight, so cancelling the file aborts them. */
  readonly tasks: Set<UploadTask>;
}

/** The file failed for this reason (the saved upload stays, so a retry resumes). */
export class PartsFailure extends Error {
  constructor(readonly problem: Problem) {
    super(`parts: ${problem.reason}`);
    this.name = 'PartsFailure';
  }
}

interface PartUrl {
  url: string;
  headers: Record<string, string>;
  expiresAtMs: number;
}

const planOf = (saved: SavedUpload): PartPlan => ({ size: saved.size, partSize: saved.partSize, partCount: saved.partCount });

function classifyPart(response: HttpResponse): AttemptOutcome {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return response.headers.etag ? { kind: 'done' } : { kind: 'fatal', problem: problem('badResponse', { status }) };
  const storeError = parseStoreError(response.body);
  const code = storeError.code;
  if (status >= 500 || status === 429) return { kind: 'transient', problem: problem('server', { status, code }) };
  if (status === 408) return { kind: 'transient', problem: problem('timeout', { status, code }) };
  if (isExpiryOrSkew(storeError)) return { kind: 'staleTicket', problem: problem('expired', { status, code }) };
  if (status === 403) return { kind: 'fatal', problem: problem('denied', { status, code }) };
  return { kind: 'fatal', problem: problem('unknown', { status, code, retryable: true }) };
}

/** The saved upload and the parts the store already holds, or a new upload. */
async function begin(ctx: PartsContext, file: PickedFile): Promise<{ saved: SavedUpload; done: Map<number, string> }> {
  const resumable = ctx.state.load(file, ctx.now());
  if (resumable) {
    try {
      const listed = await ctx.client.list(resumable.uploadToken);
      const done = new Map<number, string>();
      for (const part of listed.parts) {
        const inPlan = part.partNumber >= 1 && part.partNumber <= resumable.partCount;
        // A part of another length is not ours to keep (a cut-off write): it is sent again.
        if (inPlan && part.size === partRange(planOf(resumable), part.partNumber).size) done.set(part.partNumber, part.etag);
      }
      return { saved: resumable, done };
    } catch (error) {
      if (!(error instanceof SignerError && UPLOAD_GONE.includes(error.problem.code ?? ''))) throw error;
      ctx.state.clear(file);
    }
  }
  const created = await ctx.client.create(file);
  const saved: SavedUpload = {
    uploadToken: created.uploadToken,
    key: created.key,
    objectUrl: created.objectUrl,
    partSize: created.partSize,
    partCount: created.partCount,
    size: file.size,
    expiresAtMs: ctx.now() + (Date.parse(created.expiresAt) - Date.parse(created.serverTime)),
    name: file.name,
    path: file.path,
  };
  ctx.state.save(file, saved);
  return { saved, done: new Map() };
}

/** Uploads `file` in parts; resolves with where it is stored, or undefined when cancelled. */
export async function uploadInParts(ctx: PartsContext, file: PickedFile, run: PartsRun): Promise<{ key: string; objectUrl: string } | undefined> {
  const { saved, done } = await begin(ctx, file);
  if (!run.isCurrent()) return undefined;
  const plan = planOf(saved);
  const sizeOf = (n: number) => partRange(plan, n).size;
  let sent = 0;
  for (const n of done.keys()) sent += sizeOf(n);
  run.progress(sent, file.size);

  const pending: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) if (!done.has(n)) pending.push(n);
  const urls = new Map<number, PartUrl>();
  const fresh = (u: PartUrl | undefined) => u !== undefined && u.expiresAtMs - ctx.now() > PART_URL_MARGIN_MS;
  let signing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const stopped = () => failure !== undefined || !run.isCurrent();

  /** A usable URL for part `n`, signing it together with the next parts that need one (one request at a time). */
  const urlFor = async (n: number): Promise<PartUrl> => {
    const next = signing.then(async () => {
      if (fresh(urls.get(n))) return;
      const wanted = [n, ...pending.filter((m) => m !== n && !done.has(m) && !fresh(urls.get(m)))].slice(0, SIGN_AHEAD);
      const signed = await ctx.client.sign(saved.uploadToken, wanted);
      const offsetMs = Date.parse(signed.serverTime) - ctx.now();
      for (const part of signed.parts) {
        urls.set(part.partNumber, { url: part.url, headers: part.headers, expiresAtMs: Date.parse(part.expiresAt) - offsetMs });
      }
    });
    signing = next.catch(() => undefined);
    await next;
    const url = urls.get(n);
    if (!url) throw new PartsFailure(problem('badResponse'));
    return url;
  };

  const sendPart = async (n: number): Promise<void> => {
    let retries = 0;
    let resigns = 0;
    for (;;) {
      if (stopped()) return;
      const target = await urlFor(n);
      if (stopped()) return;
      const { offset, size } = partRange(plan, n);
      const task = ctx.putPart({ url: target.url, headers: target.headers, filePath: file.path, offset, length: size, timeoutMs: ctx.timeoutMs });
      run.tasks.add(task);
      let outcome: AttemptOutcome;
      let etag = '';
      try {
        const response = await task.result;
        outcome = classifyPart(response);
        etag = response.headers.etag ?? '';
      } catch (error) {
        outcome = error instanceof TransportError ? classifyTransportError(error, target.url) : { kind: 'fatal', problem: problem('unknown') };
      } finally {
        run.tasks.delete(task);
      }
      if (outcome.kind === 'done') {
        done.set(n, etag);
        sent += size;
        run.progress(sent, file.size);
        return;
      }
      if (stopped()) return;
      // Dropped by the platform while we still wanted it (app sent to background): a network failure.
      if (outcome.kind === 'aborted') outcome = { kind: 'transient', problem: problem('network') };
      if (outcome.kind === 'staleTicket' && resigns < PART_RESIGNS) {
        resigns += 1;
        urls.delete(n);
        continue;
      }
      if (outcome.kind === 'transient' && retries < ctx.policy.delays.length) {
        await ctx.sleep(ctx.policy.delays[retries]);
        retries += 1;
        continue;
      }
      throw new PartsFailure(outcome.kind === 'fatal' ? outcome.problem : { ...outcome.problem, retryable: true });
    }
  };

  await Promise.all(
    pending.map((n) =>
      ctx.queue.run(async () => {
        if (stopped()) return;
        try {
          await sendPart(n);
        } catch (error) {
          failure ??= error;
          // One part failed for good: the others in flight stop now, their bytes would be sent again anyway.
          for (const task of run.tasks) task.abort();
        }
      }),
    ),
  );
  if (failure !== undefined) throw failure;
  if (!run.isCurrent()) return undefined;
  const parts = [...done.entries()].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
  const completed = await ctx.client.complete(saved.uploadToken, parts);
  ctx.state.clear(file);
  return { key: completed.key, objectUrl: completed.objectUrl };
}
