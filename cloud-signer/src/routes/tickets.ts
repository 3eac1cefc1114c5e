// POST /api/tickets: one request signs a whole batch. The server picks every key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonText } from '../api-error';
import { checkJsonContentType, readJsonBody } from '../json-body';
import { objectKey } from '../keys';
import { preparedSigners } from '../prepared-signers';
import { lifetimeSeconds } from '../ticket-lifetime';
import { validateTicketRequest } from '../validate-tickets';
import type { RouteContext } from './context';


export function ticketsRoute(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, dialect } = ctx;
  const prepared = preparedSigners(dialect, ctx.crypto);
  return async (req, res) => {
    checkJsonContentType(req);
    const files = validateTicketRequest(await readJsonBody(req), ctx.limits);
    const now = ctx.now();
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
        maxBytes: config.maxBytes,
        now,
        ttlSeconds,
      };
      const key = objectKey(config.keyPrefix, now, file.extension);
      tickets[i] = prepared ? prepared(input)(key) : dialect.signUpload({ ...input, key, size: file.size }, ctx.crypto);
    }
    // Assembled by hand so the constant parts are serialised once, not per request.
    const body = `{"serverTime":"${now.toISOString()}","tickets":${JSON.stringify(tickets)},"limits":${ctx.limitsJson}}`;
    sendJsonText(res, 200, body);
  };
}
