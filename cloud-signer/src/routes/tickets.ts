// POST /api/tickets: one request signs a whole batch. The server picks every key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonText } from '../api-error';
import type { Caller } from '../guard';
import { checkJsonContentType, readJsonBody } from '../json-body';
import { objectKey } from '../keys';
import { preparedSigners } from '../prepared-signers';
import { lifetimeSeconds } from '../ticket-lifetime';
import { validateTicketRequest } from '../validate-tickets';
import type { RouteContext } from './context';


export function ticketsRoute(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void> {
  const { config, dialect } = ctx;
  const { admitBatch, audit, exactSizes } = ctx.guard;
  // A byte quota counts declared sizes, so each ticket then allows exactly its size: no shared preparation.
  const prepared = exactSizes ? undefined : preparedSigners(dialect, ctx.crypto);
  return async (req, res, caller) => {
    checkJsonContentType(req);
    const files = validateTicketRequest(await readJsonBody(req), ctx.limits);
    const now = ctx.now();
    if (admitBatch !== undefined) await admitBatch(caller, files, now);
    const credentials = ctx.credentials.current?.(now) ?? (await ctx.credentials.get(now));
    const { endpoint, publicBaseUrl } = ctx.targetFor(req);
    const ttlSeconds = lifetimeSeconds(config.ticketTtlSeconds, credentials, now);
    const tickets = new Array(files.length);
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
      const key = objectKey(caller.keyPrefix, now, file.extension);
      tickets[i] = prepared ? prepared(input)(key) : dialect.signUpload({ ...input, key, size: file.size }, ctx.crypto);
    }
    if (audit !== undefined) audit(caller, tickets, files, now);
    // Assembled by hand so the constant parts are serialised once, not per request.
    const body = `{"serverTime":"${now.toISOString()}","tickets":${JSON.stringify(tickets)},"limits":${ctx.limitsJson}}`;
    sendJsonText(res, 200, body);
  };
}
