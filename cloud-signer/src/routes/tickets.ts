// POST /api/tickets: one request signs a whole batch. The server picks every key.
// This is the signer's hot path, measured against a bare node:http server that reads the
// same body and answers as many bytes (`npm run bench`): no promise or await of its own
// per request, the body parsed once, each ticket spliced into prepared JSON text
// (prepared-signers.ts), and the answer written with a single end(), together with the
// other answers of the same turn of the event loop (burst-writes.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonText } from '../api-error';
import { isAscii } from '../ascii-text';
import { endThisTurn } from '../burst-writes';
import type { Credentials } from '../../../miniprogram/shared/signing/index';
import type { Caller } from '../guard';
import { checkJsonContentType, readJsonBodyThen } from '../json-body';
import { isoTime } from '../iso-time';
import { objectKey } from '../keys';
import { ticketJsonSigner, type JsonReply } from '../prepared-signers';
import { lifetimeSeconds } from '../ticket-lifetime';
import { validateTicketRequest, type ValidFile } from '../validate-tickets';
import type { RouteContext, RouteHandler } from './context';

export function ticketsRoute(ctx: RouteContext): RouteHandler {
  const { config, dialect } = ctx;
  const { admitBatch, audit, exactSizes } = ctx.guard;
  // A byte quota counts declared sizes, so each ticket then allows exactly its size: no shared preparation.
  const ticketJson = ticketJsonSigner(dialect, ctx.crypto, !exactSizes);
  const limitsAscii = isAscii(ctx.limitsJson);

  /**
   * `keys`: the object key of each file when they were picked before (a quota to count, with
   * files the caller asked for moments ago keeping their first key); else picked here.
   */
  const answer = (req: IncomingMessage, res: ServerResponse, caller: Caller, files: ValidFile[], now: Date, credentials: Credentials, keys?: readonly string[]) => {
    const { endpoint, publicBaseUrl } = ctx.targetFor(req);
    const ttlSeconds = lifetimeSeconds(config.ticketTtlSeconds, credentials, now);
    // What the audit log records of each ticket, only when there is one.
    const audited = audit !== undefined ? new Array<{ key: string; contentType: string }>(files.length) : undefined;
    // Assembled by hand so the constant parts are serialised once, not per request; the ISO
    // time is ASCII, and the tickets and limits say whether they are.
    const reply: JsonReply = { text: `{"serverTime":"${isoTime(now)}","tickets":[`, ascii: limitsAscii };
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const input = {
        credentials,
        bucket: config.bucket,
        region: config.region,
        endpoint,
        publicBaseUrl,
        contentType: file.contentType,
        maxBytes: exactSizes ? file.size : config.maxBytes,
        minBytes: exactSizes ? file.size : undefined,
        now,
        ttlSeconds,
      };
      const key = keys !== undefined ? keys[i] : objectKey(caller.keyPrefix, now, file.extension);
      if (i > 0) reply.text += ',';
      ticketJson(input, key, file.size, reply);
      if (audited !== undefined) audited[i] = { key, contentType: file.contentType };
    }
    if (audit !== undefined && audited !== undefined) audit(caller, audited, files, now);
    reply.text += `],"limits":${ctx.limitsJson}}`;
    sendJsonText(res, 200, reply.text, undefined, endThisTurn, reply.ascii ? reply.text.length : undefined);
  };

  return (req, res, caller, fail) => {
    checkJsonContentType(req);
    readJsonBodyThen(req, (error, json) => {
      if (error !== undefined) {
        fail(res, error);
        return;
      }
      try {
        const files = validateTicketRequest(json, ctx.limits);
        const now = ctx.now();
        const credentials = ctx.credentials.current?.(now);
        if (admitBatch === undefined && credentials !== undefined) {
          answer(req, res, caller, files, now, credentials);
          return;
        }
        // A shared quota to count against, or temporary credentials being fetched: the cases that wait.
        // The keys first: keys that cannot be had (STS, the instance role down) must not cost the quota.
        (async () => {
          const signingKeys = credentials ?? (await ctx.credentials.get(now));
          if (admitBatch === undefined) {
            answer(req, res, caller, files, now, signingKeys);
            return;
          }
          // Keys picked first, so a file with an idempotencyKey is remembered with its key for
          // the ticket lifetime: asked again (its answer lost), it is not counted again and
          // gets a fresh ticket for the same key.
          const picked = files.map((file) => objectKey(caller.keyPrefix, now, file.extension));
          const objectKeys = await admitBatch(caller, files, now, { keys: picked, seconds: config.ticketTtlSeconds });
          answer(req, res, caller, files, now, signingKeys, objectKeys ?? picked);
        })().catch((failure: unknown) => fail(res, failure));
      } catch (failure) {
        fail(res, failure);
      }
    });
  };
}
