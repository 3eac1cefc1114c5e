// GET /healthz: liveness plus what the app needs to check files before asking for tickets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, SignInPlatformName } from '../../../typings/ticket';
import { sendJsonText } from '../api-error';
import { multipartLimitsFor } from '../multipart/config';
import type { RouteContext } from './context';


/** `signIn`: platforms POST /api/sessions accepts, so the app knows whether to log in. */
export function healthzRoute(ctx: RouteContext, signIn: readonly SignInPlatformName[] = []): (req: IncomingMessage, res: ServerResponse) => void {
  const health: HealthResponse = {
    ok: true,
    provider: ctx.config.provider,
    bucket: ctx.config.bucket,
    limits: ctx.limits,
    privateBucket: ctx.config.privateBucket,
    ...(signIn.length > 0 ? { signIn: [...signIn] } : {}),
    multipart: multipartLimitsFor(ctx.config),
  };
  // Nothing in it changes while the process runs.
  const body = JSON.stringify(health);
  return (_req, res) => sendJsonText(res, 200, body);
}
