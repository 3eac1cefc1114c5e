// The multipart upload routes: POST /api/uploads (start), /parts (sign part URLs),
// /complete, /abort and /list. The signer keeps nothing: each step trusts only the
// upload token it signed and what the store itself answers (ListParts), never what
// the device remembers. Every provider has its store (multipart/store-for.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  CompleteUploadResponse,
  CreateUploadResponse,
  ListUploadPartsResponse,
  SignPartsResponse,
} from '../../../typings/multipart';
import {
  UPLOADS_PATH,
  UPLOAD_ABORT_PATH,
  UPLOAD_COMPLETE_PATH,
  UPLOAD_LIST_PATH,
  UPLOAD_PARTS_PATH,
  partRange,
  planParts,
  type PartPlan,
} from '../../../miniprogram/shared/contract/index';
import { UPLOAD_PART_SIGNERS, s3ObjectUrl } from '../../../miniprogram/shared/signing/index';
import { ApiFailure, sendJson } from '../api-error';
import { checkJsonContentType, readJsonBody } from '../json-body';
import { objectKey } from '../keys';
import { ownerOf } from '../multipart/owner';
import { storeResolver } from '../multipart/store-for';
import type { MultipartStore } from '../multipart/store';
import { signUploadToken, tokenKey, verifyUploadToken, type UploadClaims } from '../multipart/upload-token';
import { MAX_COMPLETE_BODY_BYTES, bodyObject, normaliseEtag, partNumbersToSign, partsToComplete } from '../multipart/validate-uploads';
import { validateTicketRequest } from '../validate-tickets';
import type { Caller } from '../guard';
import { lifetimeSeconds } from '../ticket-lifetime';
import type { RouteContext } from './context';

type Handler = (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void>;

const planOf = (claims: UploadClaims): PartPlan => ({ size: claims.size, partSize: claims.partSize, partCount: claims.partCount });

/** Every multipart route, path first; the server mounts them as POST routes. `log` is the signer's (what the stores tell the operator). */
export function uploadRoutes(ctx: RouteContext, log: (line: string) => void = () => undefined): [string, Handler][] {
  const { config } = ctx;
  const mp = config.multipart;
  const key = tokenKey(mp.secret);
  const storeFor = storeResolver(config, ctx.credentials, ctx.now, log);
  const partSigner = UPLOAD_PART_SIGNERS[config.ticketProvider];

  /** The JSON body and the verified token of a step after the start. */
  async function step(
    req: IncomingMessage,
    caller: Caller,
    { limit, expired }: { limit?: number; expired?: 'refused' | 'accepted' } = {},
  ): Promise<{ body: Record<string, unknown>; claims: UploadClaims; now: Date }> {
    checkJsonContentType(req);
    const body = bodyObject(await readJsonBody(req, limit));
    const now = ctx.now();
    return { body, claims: await verifyUploadToken(body.uploadToken, key, ownerOf(caller, req), now, { expired }), now };
  }

  const objectUrl = (req: IncomingMessage, objectKeyName: string) => s3ObjectUrl(ctx.targetFor(req).publicBaseUrl, objectKeyName);

  const create: Handler = async (req, res, caller) => {
    checkJsonContentType(req);
    const [file] = validateTicketRequest({ files: [bodyObject(await readJsonBody(req))] }, { maxBytes: mp.maxBytes, allowedTypes: config.allowedTypes });
    const now = ctx.now();
    // The same rate limit and quotas as a ticket for this file (a byte quota counts its declared size).
    if (ctx.guard.admitBatch !== undefined) await ctx.guard.admitBatch(caller, [file], now);
    const plan = planParts(file.size, mp.partSize, config.ticketProvider);
    // Under the caller's own folder, like every ticket's key.
    const objectKeyName = objectKey(caller.keyPrefix, now, file.extension);
    let uploadId: string;
    try {
      uploadId = await storeFor(req).create(objectKeyName, file.contentType);
    } catch (error) {
      // Not started (keys unavailable, the store refused or unreachable): not counted either.
      await ctx.guard.returnBatch?.(caller, [file], now);
      throw error;
    }
    // One audit line per upload in parts, as per ticket: who started which key, how large.
    ctx.guard.audit?.(caller, [{ key: objectKeyName, contentType: file.contentType }], [file], now, 'upload');
    const expiresAt = new Date(now.getTime() + mp.tokenTtlSeconds * 1000);
    const claims: UploadClaims = { uploadId, key: objectKeyName, ...plan, contentType: file.contentType, owner: ownerOf(caller, req) };
    const answer: CreateUploadResponse = {
      uploadToken: await signUploadToken(claims, key, now, expiresAt),
      key: objectKeyName,
      partSize: plan.partSize,
      partCount: plan.partCount,
      expiresAt: expiresAt.toISOString(),
      objectUrl: objectUrl(req, objectKeyName),
      provider: config.ticketProvider,
      contentType: file.contentType,
      size: file.size,
      serverTime: now.toISOString(),
    };
    sendJson(res, 200, answer);
  };

  const parts: Handler = async (req, res, caller) => {
    const { body, claims, now } = await step(req, caller);
    const numbers = partNumbersToSign(body.partNumbers, claims.partCount);
    const credentials = ctx.credentials.current?.(now) ?? (await ctx.credentials.get(now));
    const { endpoint } = ctx.targetFor(req);
    // Never longer than the signing keys live (STS, instance role), like tickets.
    const ttlSeconds = lifetimeSeconds(config.ticketTtlSeconds, credentials, now);
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    const answer: SignPartsResponse = {
      serverTime: now.toISOString(),
      parts: numbers.map((partNumber) => {
        const { size } = partRange(planOf(claims), partNumber);
        const signed = partSigner(
          { bucket: config.bucket, region: config.region, endpoint, credentials, key: claims.key, uploadId: claims.uploadId, partNumber, partBytes: size, now, ttlSeconds },
          ctx.crypto,
        );
        return { partNumber, url: signed.url, headers: signed.headers, size, expiresAt };
      }),
    };
    sendJson(res, 200, answer);
  };

  /**
   * Whether this upload already made its object: a complete whose answer was lost (a 500 or
   * 503, a timeout, a cut connection) leaves the upload gone, and a retried complete hears
   * NoSuchUpload, the same as for an upload that expired or was aborted. The object tells
   * them apart. Its key was picked fresh by the signer for this upload alone (the caller's
   * folder, the time and random bytes; no ticket or other upload is ever given it), so
   * nothing else can have written an object there; it must also hold the size the token
   * declares (the parts were checked against it before assembling). Where the store names
   * the upload that assembled the object (OBS's x-obs-uploadId, obs_04_0102), it must be this
   * one. Otherwise the upload truly is gone, and the app hears 410 UploadExpired as before.
   */
  async function assembledBefore(store: MultipartStore, claims: UploadClaims): Promise<boolean> {
    const head = await store.headObject(claims.key);
    return head !== undefined && head.size === claims.size && (head.uploadId === undefined || head.uploadId === claims.uploadId);
  }

  const complete: Handler = async (req, res, caller) => {
    const { body, claims } = await step(req, caller, { limit: MAX_COMPLETE_BODY_BYTES });
    const requested = partsToComplete(body.parts, claims.partCount);
    const store = storeFor(req);
    try {
      await checkAndAssemble(store, claims, requested);
    } catch (error) {
      if (!(error instanceof ApiFailure && error.code === 'UploadExpired' && (await assembledBefore(store, claims)))) throw error;
    }
    const answer: CompleteUploadResponse = { key: claims.key, objectUrl: objectUrl(req, claims.key), size: claims.size };
    sendJson(res, 200, answer);
  };

  /** The parts the store holds checked against the request and the plan, then assembled. */
  async function checkAndAssemble(store: MultipartStore, claims: UploadClaims, requested: { partNumber: number; etag: string }[]): Promise<void> {
    const stored = new Map((await store.listParts(claims.key, claims.uploadId)).map((p) => [p.partNumber, p]));
    // Checked here, before the store assembles anything: a refused complete leaves the
    // object unwritten and the upload resumable.
    const toAssemble: { partNumber: number; etag: string }[] = [];
    for (const part of requested) {
      const held = stored.get(part.partNumber);
      if (!held) throw new ApiFailure(400, 'PartMissing', `Part ${part.partNumber} is not in the bucket; upload it again.`);
      if (normaliseEtag(held.etag) !== part.etag) {
        throw new ApiFailure(400, 'EtagMismatch', `Part ${part.partNumber} in the bucket is not the one this ETag names; upload it again.`);
      }
      const expected = partRange(planOf(claims), part.partNumber).size;
      if (held.size !== expected) {
        throw new ApiFailure(
          400,
          'SizeMismatch',
          `Part ${part.partNumber} holds ${held.size} bytes, not ${expected}: the file would not be the ${claims.size} bytes declared.`,
        );
      }
      // The ETag as the store itself wrote it: stores differ in case (OSS: upper-case hex).
      toAssemble.push({ partNumber: part.partNumber, etag: held.etag });
    }
    // Its answer lost, the SDK's own retry of it hears NoSuchUpload too: the caller looks.
    await store.complete(claims.key, claims.uploadId, toAssemble);
  }

  const abort: Handler = async (req, res, caller) => {
    // An expired upload can still be given up: its parts would otherwise stay on the store.
    const { claims } = await step(req, caller, { expired: 'accepted' });
    await storeFor(req).abort(claims.key, claims.uploadId);
    sendJson(res, 200, { aborted: true });
  };

  const list: Handler = async (req, res, caller) => {
    const { claims } = await step(req, caller);
    const store = storeFor(req);
    const answer: ListUploadPartsResponse = { parts: [], partSize: claims.partSize, partCount: claims.partCount };
    try {
      answer.parts = await store.listParts(claims.key, claims.uploadId);
    } catch (error) {
      // Gone because its complete went through (the answer lost): say so, as a repeated
      // complete would, so the app does not start the file again. A HEAD that fails (the
      // store out of reach) is a 502 the app retries, never a 410 that would send the file again.
      const gone = error instanceof ApiFailure && error.code === 'UploadExpired';
      if (!gone || !(await assembledBefore(store, claims))) throw error;
      answer.assembled = { key: claims.key, objectUrl: objectUrl(req, claims.key), size: claims.size };
    }
    sendJson(res, 200, answer);
  };

  return [
    [UPLOADS_PATH, create],
    [UPLOAD_PARTS_PATH, parts],
    [UPLOAD_COMPLETE_PATH, complete],
    [UPLOAD_ABORT_PATH, abort],
    [UPLOAD_LIST_PATH, list],
  ];
}
