// Temporary credentials by AssumeRole: pick the vendor from the config, scope the
// session to the upload prefix, and (for the signer's own tickets) cache it.
import type { CredentialSource } from '../credentials';
import { alibabaAssumeRole, alibabaSessionPolicy } from './alibaba';
import { awsAssumeRole, awsSessionPolicy } from './aws';
import { callerSource } from './caller';
import { cachingCredentialSource, MIN_REMAINING_MS, REFRESH_MARGIN_MS, type CachingOptions } from './caching';
import { loadStsConfig, StsConfigError, type StsConfig } from './config';
import { StsError } from './errors';
import { tencentAssumeRole, tencentSessionPolicy } from './tencent';
import type { AssumeRole, StsVendor, TemporaryCredentialSource, UploadScope } from './types';

export { loadStsConfig, StsConfigError, type StsConfig } from './config';
export { StsError } from './errors';
export { cachingCredentialSource, MIN_REMAINING_MS, REFRESH_MARGIN_MS } from './caching';
export type { AssumeRole, TemporaryCredentials, TemporaryCredentialSource, UploadScope } from './types';

const ASSUME_ROLE_BY_VENDOR: Readonly<Record<StsVendor, (config: StsConfig, caller: CredentialSource) => AssumeRole>> = {
  alibaba: alibabaAssumeRole,
  tencent: tencentAssumeRole,
  aws: awsAssumeRole,
};

const SESSION_POLICY_BY_VENDOR: Readonly<Record<StsVendor, (scope: UploadScope) => string>> = {
  alibaba: alibabaSessionPolicy,
  tencent: tencentSessionPolicy,
  aws: (scope) => awsSessionPolicy(scope),
};

/**
 * One AssumeRole per call, each scoped to the prefix it is given (for per-client grants).
 * `caller` signs the AssumeRole calls: the configured key pair when omitted.
 */
export function createAssumeRole(config: StsConfig, caller?: CredentialSource): AssumeRole {
  return ASSUME_ROLE_BY_VENDOR[config.vendor](config, callerSource(config, caller));
}

export interface StsSourceOptions extends CachingOptions {
  /** Who calls AssumeRole when it is not the configured key pair (the instance role). */
  caller?: CredentialSource;
  /**
   * UPLOAD_TICKET_TTL_SECONDS. The store checks the credentials when the upload arrives,
   * up to a ticket's lifetime after signing, so they are refreshed at least that long
   * before they expire.
   */
  ticketTtlSeconds?: number;
}

/**
 * The signer's CredentialSource when UPLOAD_STS_ROLE_ARN is set: credentials scoped to
 * put-object under `scope.keyPrefix`, cached and refreshed before they expire.
 */
export function stsCredentialSource(
  config: StsConfig,
  scope: UploadScope,
  options: StsSourceOptions = {},
): TemporaryCredentialSource {
  const refreshMarginMs = Math.max(options.refreshMarginMs ?? REFRESH_MARGIN_MS, (options.ticketTtlSeconds ?? 0) * 1000);
  // Credentials that enter the refresh window as soon as they arrive would cost one STS call per ticket.
  if (config.durationSeconds * 1000 <= refreshMarginMs + MIN_REMAINING_MS) {
    throw new StsConfigError(
      `UPLOAD_STS_DURATION_SECONDS (${config.durationSeconds}) must be longer than ` +
        `${Math.ceil((refreshMarginMs + MIN_REMAINING_MS) / 1000)} s: tickets must stay usable for their whole lifetime ` +
        `(UPLOAD_TICKET_TTL_SECONDS) and credentials are refreshed that long before they expire`,
    );
  }
  // A scope the vendor's policy cannot express (a COS bucket without its -APPID, a prefix
  // with a wildcard) would fail every fetch, and every ticket with a 503: refused now.
  try {
    SESSION_POLICY_BY_VENDOR[config.vendor](scope);
  } catch (error) {
    if (error instanceof StsError) throw new StsConfigError(`UPLOAD_BUCKET / UPLOAD_KEY_PREFIX cannot be scoped for UPLOAD_STS_ROLE_ARN: ${error.message}`);
    throw error;
  }
  const assumeRole = createAssumeRole(config, options.caller);
  return cachingCredentialSource((now) => assumeRole(scope, now), { ...options, refreshMarginMs });
}

/** What the signer needs from its main config to scope and time the sessions. */
export interface StsUploadSettings {
  bucket: string;
  region: string;
  keyPrefix: string;
  ticketTtlSeconds: number;
  privateBucket: boolean;
}

/**
 * Everything temporary credentials add to the signer, from the environment: the cached
 * source its tickets are signed with and the per-client AssumeRole behind
 * GET /api/credentials. Both undefined when UPLOAD_STS_ROLE_ARN is not set, so
 * `createSignerServer({ config, ...temporaryCredentialsFromEnv(env, config) })` just works.
 * Throws StsConfigError for a bad setting.
 */
export function temporaryCredentialsFromEnv(
  env: Record<string, string | undefined>,
  upload: StsUploadSettings,
  /** The instance role's credentials, when they (not a key pair) assume the role. */
  caller?: CredentialSource,
): { credentials?: TemporaryCredentialSource; assumeRole?: AssumeRole } {
  const config = loadStsConfig(env);
  if (config === undefined) return {};
  const scope: UploadScope = {
    bucket: upload.bucket,
    region: upload.region,
    keyPrefix: upload.keyPrefix,
    // Presigned download links for a private bucket are signed with the same session.
    allowGet: upload.privateBucket,
    // The multipart routes call the store with it (multipart/store-for.ts).
    multipart: true,
  };
  return {
    credentials: stsCredentialSource(config, scope, { ticketTtlSeconds: upload.ticketTtlSeconds, caller }),
    assumeRole: createAssumeRole(config, caller),
  };
}
