// POST /api/object-urls: short-lived GET links for objects in a private bucket. Only
// the caller's own keys (under its user folder, our naming) are signed, so the endpoint
// can read neither another user's uploads nor anything else in the bucket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectUrlsResponse } from '../../../typings/ticket';
import { ApiFailure, sendJson } from '../api-error';
import { checkJsonContentType, readJsonBody } from '../json-body';
import type { Caller } from '../guard';
import { ownsKey } from '../guard/own-keys';
import { expiresAt } from '../../../miniprogram/shared/signing/index';
import { MAX_KEYS_PER_LINKS_REQUEST } from '../../../miniprogram/shared/contract/index';
import { lifetimeSeconds } from '../ticket-lifetime';
import type { RouteContext } from './context';


function checkKeys(body: unknown, caller: Caller, prefix: string): string[] {
  const keys = typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS_PER_LINKS_REQUEST) {
    throw new ApiFailure(400, 'InvalidJson', `Send {"keys":[...]} with 1 to ${MAX_KEYS_PER_LINKS_REQUEST} object keys.`);
  }
  // Every key that is not the caller's, named at once: the app drops them all and asks again for the rest.
  const refused = keys.flatMap((key, index) => (typeof key !== 'string' || !ownsKey(caller, key, prefix) ? [index] : []));
  if (refused.length > 0) {
    const which = refused.length === 1 ? `Key ${refused[0] + 1} is not one of your uploads` : `Keys ${refused.slice(0, 5).map((i) => i + 1).join(', ')}${refused.length > 5 ? ', …' : ''} are not among your uploads`;
    throw new ApiFailure(403, 'Forbidden', `${which}; links are only signed for your own keys, under "${caller.keyPrefix}".`, refused[0], undefined, refused);
  }
  return keys as string[];
}

export function objectUrlsRoute(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void> {
  const { config, dialect } = ctx;
  return async (req, res, caller) => {
    checkJsonContentType(req);
    const keys = checkKeys(await readJsonBody(req), caller, config.keyPrefix);
    const signObjectUrl = dialect.signObjectUrl;
    if (signObjectUrl === undefined) {
      throw new ApiFailure(
        501,
        'NotConfigured',
        `This signer cannot sign object links for provider ${config.ticketProvider}; make the bucket publicly readable or use UPLOAD_PUBLIC_BASE_URL.`,
      );
    }
    const now = ctx.now();
    const credentials = await ctx.credentials.get(now);
    const { endpoint, publicBaseUrl } = ctx.targetFor(req);
    const ttlSeconds = lifetimeSeconds(config.objectUrlTtlSeconds, credentials, now);
    const expires = expiresAt(now, ttlSeconds).toISOString();
    const response: ObjectUrlsResponse = {
      serverTime: now.toISOString(),
      urls: keys.map((key) => ({
        key,
        url: signObjectUrl.call(
          dialect,
          {
            credentials,
            bucket: config.bucket,
            region: config.region,
            endpoint,
            publicBaseUrl,
            key,
            now,
            ttlSeconds,
          },
          ctx.crypto,
        ),
        expiresAt: expires,
      })),
    };
    sendJson(res, 200, response);
  };
}
