// UPLOAD_CREDENTIALS=instance-role: the signer holds no key. Temporary keys come from
// the cloud's instance metadata service for the role attached to the instance, cached
// and refreshed in the background exactly like AssumeRole credentials (sts/caching.ts).
import type { Config } from '../config';
import { cachingCredentialSource, REFRESH_MARGIN_MS, type CachingOptions } from '../sts/caching';
import type { TemporaryCredentials, TemporaryCredentialSource } from '../sts/types';
import { alibabaEcsCredentials } from './alibaba-ecs';
import { awsInstanceCredentials } from './aws';
import { huaweiEcsCredentials } from './huawei-ecs';
import { loadInstanceRoleSettings, type InstanceRoleSettings, type InstanceRoleVendor } from './settings';
import { tencentCvmCredentials } from './tencent-cvm';

export { MetadataError } from './metadata-http';
export { loadInstanceRoleSettings, type InstanceRoleSettings } from './settings';

const FETCH_BY_VENDOR: Readonly<Record<InstanceRoleVendor, (settings: InstanceRoleSettings) => () => Promise<TemporaryCredentials>>> = {
  alibaba: alibabaEcsCredentials,
  tencent: tencentCvmCredentials,
  huawei: huaweiEcsCredentials,
  aws: awsInstanceCredentials,
};

export interface InstanceRoleSourceOptions extends CachingOptions {
  /** UPLOAD_TICKET_TTL_SECONDS: keys are renewed at least a ticket's lifetime before they expire. */
  ticketTtlSeconds?: number;
}

export function instanceRoleCredentialSource(settings: InstanceRoleSettings, options: InstanceRoleSourceOptions = {}): TemporaryCredentialSource {
  const fetch = FETCH_BY_VENDOR[settings.vendor](settings);
  const refreshMarginMs = Math.max(options.refreshMarginMs ?? REFRESH_MARGIN_MS, (options.ticketTtlSeconds ?? 0) * 1000);
  // The metadata services rotate on their own schedule (hours), so unlike AssumeRole there
  // is no session length to check against the margin here.
  return cachingCredentialSource(() => fetch(), { ...options, refreshMarginMs });
}

/** The signer's instance-role source, or undefined unless UPLOAD_CREDENTIALS=instance-role. Throws ConfigError for a bad setting. */
export function instanceRoleFromEnv(
  env: Record<string, string | undefined>,
  config: Pick<Config, 'credentialMode' | 'ticketProvider' | 'region' | 'ticketTtlSeconds'>,
  options: CachingOptions = {},
): TemporaryCredentialSource | undefined {
  if (config.credentialMode !== 'instance-role') return undefined;
  const settings = loadInstanceRoleSettings(env, config.ticketProvider, config.region);
  return instanceRoleCredentialSource(settings, { ...options, ticketTtlSeconds: config.ticketTtlSeconds });
}
