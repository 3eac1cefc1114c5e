// GET /healthz: liveness plus what the app needs to check files before asking for tickets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, SignInPlatformName } from '../../../typings/ticket';
import { errorBody, sendJsonText } from '../api-error';
import { multipartLimitsFor } from '../multipart/config';
import type { RouteContext } from './context';

/** As the ticket route's 503 says: a failing credential source is asked again about every 2 s. */
const RETRY_AFTER_SECONDS = '2';

/**
 * Said on /healthz, which anyone may read: a fixed sentence, never the cause (that names the
 * metadata or STS endpoint and the role; it goes to the log).
 */
export const CREDENTIALS_UNAVAILABLE_REASON =
  'credentials expired and could not be renewed: the signer refuses every ticket, link and credential request until its credential source (instance metadata service or STS) answers again';

/**
 * `signIn`: platforms POST /api/sessions accepts, so the app knows whether to log in.
 * `log`: told when the answer turns to 503 and back (once each, not per probe).
 */
export function healthzRoute(
  ctx: RouteContext,
  signIn: readonly SignInPlatformName[] = [],
  log: (line: string) => void = () => undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
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
  // `error` as every other route's 503 has it, so the app reads a retryable server failure.
  const unavailableBody = JSON.stringify({
    ok: false,
    reason: CREDENTIALS_UNAVAILABLE_REASON,
    ...errorBody('CredentialsUnavailable', 'The signer\'s cloud credentials have expired and could not be renewed yet; try again in a moment.'),
  });
  const { credentials } = ctx;
  let failing = false;

  const healthy = (res: ServerResponse) => {
    if (failing) log('signer: /healthz ok again: the signing credentials were renewed');
    failing = false;
    sendJsonText(res, 200, body);
  };
  const unavailable = (res: ServerResponse, error: unknown) => {
    if (!failing) log(`signer: /healthz answers 503: ${error instanceof Error ? error.message : String(error)}`);
    failing = true;
    sendJsonText(res, 503, unavailableBody, { 'Retry-After': RETRY_AFTER_SECONDS });
  };

  // Static keys: nothing can expire, the constant answer always.
  if (credentials.validAt === undefined) return (_req, res) => sendJsonText(res, 200, body);
  return (_req, res) => {
    const now = ctx.now();
    if (credentials.validAt!(now)) {
      healthy(res);
      return;
    }
    // Expired (or never obtained): ask for fresh keys here too, so a signer the balancer has
    // taken out of rotation (and so gets no ticket requests) still recovers. The source makes
    // one fetch for every waiting caller and, after a failure, answers at once for ~2 s.
    credentials.get(now).then(
      () => healthy(res),
      (error: unknown) => unavailable(res, error),
    );
  };
}
