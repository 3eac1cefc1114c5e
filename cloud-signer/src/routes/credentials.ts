// GET /api/credentials: the vendors' client-side signing flow. The app receives
// temporary credentials that can put objects under one fresh prefix and nowhere else,
// and signs its own tickets with the same dialect code the signer uses.
//
// Each request gets its own AssumeRole, scoped to its own prefix: credentials shared
// between callers (like the signer's cached ones) would let one app overwrite another's
// objects. The cost is one STS call per grant; STS allows hundreds per second.
import { CREDENTIALS_PATH } from '../../../miniprogram/shared/contract/index';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialsResponse } from '../../../typings/credentials';
import type { UploadLimits } from '../../../typings/ticket';
import { ApiFailure, sendJson } from '../api-error';
import type { Config } from '../config';
import { CredentialsUnavailableError } from '../credentials';
import { quotasAgainstGrants } from '../guard/settings';
import { CLIENT_FOLDER, datePath, randomKeyPart } from '../keys';
import type { AssumeRole } from '../sts/types';


export { CLIENT_FOLDER };

export interface CredentialsDeps {
  config: Pick<Config, 'ticketProvider' | 'method' | 'bucket' | 'region' | 'endpoint' | 'publicBaseUrl' | 'keyPrefix' | 'ticketTtlSeconds' | 'guard'>;
  limits: UploadLimits;
  /** Undefined when UPLOAD_STS_ROLE_ARN is not set: the route then answers 404 NotConfigured. */
  assumeRole?: AssumeRole;
  now: () => Date;
  /** 16 hex characters from the CSPRNG (tests pin it). */
  randomPart?: () => string;
  /** Where STS failures are reported; their text never holds a secret. */
  log?: (line: string) => void;
}

/** `<prefix>client/YYYY/MM/DD/<random>/`: one grant, one folder. */
export function clientKeyPrefix(keyPrefix: string, now: Date, random: string): string {
  return `${keyPrefix}${CLIENT_FOLDER}${datePath(now)}${random}/`;
}

export function handleCredentials(
  deps: CredentialsDeps,
): (req: IncomingMessage, res: ServerResponse, caller?: { keyPrefix: string }) => Promise<void> {
  const { config, limits, assumeRole } = deps;
  const randomPart = deps.randomPart ?? randomKeyPart;
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));

  return async (req, res, caller) => {
    if (req.method !== 'GET') {
      throw new ApiFailure(405, 'MethodNotAllowed', `${CREDENTIALS_PATH} accepts GET only.`);
    }
    if (assumeRole === undefined || config.endpoint === undefined) {
      throw new ApiFailure(
        404,
        'NotConfigured',
        'This signer does not hand out temporary credentials (UPLOAD_STS_ROLE_ARN is not set); ask for tickets at /api/tickets instead.',
      );
    }
    const quotas = quotasAgainstGrants(config.guard);
    if (quotas.length > 0) {
      throw new ApiFailure(
        403,
        'QuotaNotEnforceable',
        `This signer counts a daily quota (${quotas.join(', ')}), which temporary credentials would get around; ` +
          'ask for tickets at /api/tickets instead, or set the quota to 0 to allow client-side signing.',
      );
    }
    const now = deps.now();
    // Under the caller's own folder, like its tickets' keys.
    const keyPrefix = clientKeyPrefix(caller?.keyPrefix ?? config.keyPrefix, now, randomPart());
    let credentials;
    try {
      credentials = await assumeRole({ bucket: config.bucket, region: config.region, keyPrefix }, now);
    } catch (error) {
      // The signer's own (instance role) credentials have run out: 503, like the tickets.
      if (error instanceof CredentialsUnavailableError) throw error;
      log(`signer: /api/credentials: ${(error as Error).message}`);
      throw new ApiFailure(502, 'InternalError', 'The signer could not obtain temporary credentials from the cloud STS; try again in a moment.');
    }
    // A ticket must not outlive the credentials that signed it.
    const secondsLeft = Math.floor((credentials.expiration.getTime() - now.getTime()) / 1000);
    const body: CredentialsResponse = {
      serverTime: now.toISOString(),
      provider: config.ticketProvider,
      method: config.method,
      bucket: config.bucket,
      region: config.region,
      endpoint: config.endpoint,
      publicBaseUrl: config.publicBaseUrl ?? config.endpoint,
      keyPrefix,
      ticketTtlSeconds: Math.max(0, Math.min(config.ticketTtlSeconds, secondsLeft)),
      credentials: {
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken,
        expiration: credentials.expiration.toISOString(),
      },
      limits,
    };
    sendJson(res, 200, body);
  };
}
