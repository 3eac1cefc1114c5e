// Settings for UPLOAD_CREDENTIALS=instance-role: which cloud's metadata service to ask
// (it follows UPLOAD_PROVIDER), which role, and whether the unauthenticated "plain"
// metadata mode may be used where the hardened (token) mode is refused.
import type { TicketProvider } from '../../../typings/ticket';
import { ConfigError, echoUrl, type Env } from '../config';

export type InstanceRoleVendor = 'alibaba' | 'tencent' | 'huawei' | 'aws';

export interface InstanceRoleSettings {
  vendor: InstanceRoleVendor;
  /** UPLOAD_INSTANCE_ROLE; undefined = the one role the metadata service lists. */
  role?: string;
  /** UPLOAD_METADATA_ENDPOINT, for tests only: a loopback stand-in instead of the cloud's link-local address. */
  metadataEndpoint?: URL;
  /** UPLOAD_METADATA_ALLOW_PLAIN: fall back to token-less metadata reads when the token is refused. */
  allowPlainMode: boolean;
  /** The bucket's region (AWS web identity calls STS there). */
  region: string;
  /** Where the AWS SDK looks for container and web identity settings (process.env in production). */
  env: Env;
}

/** A provider's keys come from its own cloud's instances. */
const VENDOR_BY_PROVIDER: Readonly<Record<TicketProvider, InstanceRoleVendor>> = {
  oss: 'alibaba',
  'oss-v1': 'alibaba',
  cos: 'tencent',
  obs: 'huawei',
  s3: 'aws',
};

/** RAM and CAM role names: letters, digits and `-_.@+=,`, at most 64 characters. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function metadataEndpoint(env: Env, vendor: InstanceRoleVendor): URL | undefined {
  const raw = read(env, 'UPLOAD_METADATA_ENDPOINT');
  if (raw === undefined) return undefined;
  if (vendor === 'aws') {
    throw new ConfigError(
      'UPLOAD_METADATA_ENDPOINT is not used with UPLOAD_PROVIDER=s3: the AWS SDK reads its own AWS_EC2_METADATA_SERVICE_ENDPOINT.',
    );
  }
  // Named back only when it cannot hold a secret (user info, a query): errors are logged.
  const refused = () => new ConfigError(`UPLOAD_METADATA_ENDPOINT must be an http origin such as http://127.0.0.1:8080 (got ${echoUrl(raw)}).`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused();
  }
  if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) throw refused();
  return url;
}

export function loadInstanceRoleSettings(env: Env, provider: TicketProvider, region: string): InstanceRoleSettings {
  const vendor = VENDOR_BY_PROVIDER[provider];
  const role = read(env, 'UPLOAD_INSTANCE_ROLE');
  if (role !== undefined && (vendor === 'aws' || vendor === 'huawei')) {
    throw new ConfigError(
      vendor === 'aws'
        ? 'UPLOAD_INSTANCE_ROLE is not used with UPLOAD_PROVIDER=s3: an EC2 instance profile holds one role, which the AWS SDK finds itself.'
        : 'UPLOAD_INSTANCE_ROLE is not used with UPLOAD_PROVIDER=obs: an ECS has one agency, and the metadata service answers for it.',
    );
  }
  if (role !== undefined && !ROLE_NAME.test(role)) {
    throw new ConfigError(`UPLOAD_INSTANCE_ROLE must be a role name (letters, digits, "-_.@+=,", up to 64), got "${role}".`);
  }
  const plain = read(env, 'UPLOAD_METADATA_ALLOW_PLAIN')?.toLowerCase();
  if (plain !== undefined && !['true', 'false', '1', '0'].includes(plain)) {
    throw new ConfigError(`UPLOAD_METADATA_ALLOW_PLAIN must be true or false (got "${plain}").`);
  }
  return {
    vendor,
    role,
    metadataEndpoint: metadataEndpoint(env, vendor),
    allowPlainMode: plain === 'true' || plain === '1',
    region,
    env,
  };
}
