// Settings for obtaining temporary credentials by AssumeRole. Parsed apart from the
// signer's main config so the STS feature stays in one folder; the long-term keys
// that call AssumeRole are the usual UPLOAD_ACCESS_KEY_ID / UPLOAD_ACCESS_KEY_SECRET,
// or, with UPLOAD_CREDENTIALS=instance-role, the instance role's (role chaining).
import type { StsVendor } from './types';
import { echoUrl } from '../config';

export class StsConfigError extends Error {
  override readonly name = 'StsConfigError';
}

export interface StsConfig {
  vendor: StsVendor;
  roleArn: string;
  /** Origin of the STS API (`https://sts.aliyuncs.com`); undefined = the SDK's default for the region. */
  endpoint?: URL;
  durationSeconds: number;
  /** Region the STS client is created for (Tencent and AWS sign with it). */
  region: string;
  /**
   * The RAM/CAM/IAM user allowed to assume the role. Undefined with
   * UPLOAD_CREDENTIALS=instance-role: the instance role assumes it instead.
   */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** UPLOAD_SECURITY_TOKEN: the caller's keys are a session's, and AssumeRole is signed with it. */
  securityToken?: string;
}

/** Short enough that a leaked token soon dies; the vendors' common minimum is 900 s. */
export const DEFAULT_DURATION_SECONDS = 900;
/** Alibaba, Tencent and AWS all refuse shorter sessions than 15 minutes. */
export const MIN_DURATION_SECONDS = 900;
/** The vendors' ceiling (12 hours); a role may allow less, and then STS says so. */
export const MAX_DURATION_SECONDS = 43200;

// A role ARN names its cloud, so the vendor needs no setting of its own.
const ROLE_ARN_PATTERNS: ReadonlyArray<[StsVendor, RegExp, string]> = [
  ['alibaba', /^acs:ram::\d+:role\/[\w.@-]+$/i, 'acs:ram::<account id>:role/<role name>'],
  ['tencent', /^qcs::cam::uin\/\d+:role(Name)?\/[\w+=,.@/-]+$/, 'qcs::cam::uin/<uin>:roleName/<role name>'],
  ['aws', /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'arn:aws:iam::<account id>:role/<role name>'],
];

/** The upload provider each vendor's STS can serve (its temporary keys sign for that store). */
const PROVIDERS_BY_VENDOR: Readonly<Record<StsVendor, readonly string[]>> = {
  alibaba: ['oss', 'oss-v1'],
  tencent: ['cos'],
  aws: ['s3'],
};

const DEFAULT_REGIONS: Readonly<Record<StsVendor, string>> = {
  alibaba: 'cn-hangzhou',
  tencent: 'ap-guangzhou',
  aws: 'us-east-1',
};

type Env = Record<string, string | undefined>;

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Reads UPLOAD_STS_* from `env`. Returns undefined when UPLOAD_STS_ROLE_ARN is not set
 * (temporary credentials are off); throws StsConfigError with a plain message otherwise.
 */
export function loadStsConfig(env: Env): StsConfig | undefined {
  const roleArn = setting(env, 'UPLOAD_STS_ROLE_ARN');
  if (!roleArn) return undefined;

  const match = ROLE_ARN_PATTERNS.find(([, pattern]) => pattern.test(roleArn));
  if (!match) {
    const shapes = ROLE_ARN_PATTERNS.map(([, , shape]) => shape).join(', ');
    throw new StsConfigError(`UPLOAD_STS_ROLE_ARN "${roleArn}" is not a role ARN; expected one of: ${shapes}`);
  }
  const vendor = match[0];

  // Lower-cased, as loadConfig reads it (UPLOAD_PROVIDER=S3 is s3 there too).
  const provider = (setting(env, 'UPLOAD_PROVIDER') ?? 'local').toLowerCase();
  if (!PROVIDERS_BY_VENDOR[vendor].includes(provider)) {
    throw new StsConfigError(
      `UPLOAD_STS_ROLE_ARN is a ${vendor} role, which cannot sign uploads for UPLOAD_PROVIDER=${provider}; ` +
        `use it with UPLOAD_PROVIDER=${PROVIDERS_BY_VENDOR[vendor].join(' or ')}`,
    );
  }

  const accessKeyId = setting(env, 'UPLOAD_ACCESS_KEY_ID');
  const accessKeySecret = setting(env, 'UPLOAD_ACCESS_KEY_SECRET');
  // Keys that are temporary themselves (a session's) carry their token, or every AssumeRole is refused.
  const securityToken = setting(env, 'UPLOAD_SECURITY_TOKEN');
  const byInstanceRole = setting(env, 'UPLOAD_CREDENTIALS')?.toLowerCase() === 'instance-role';
  if (!byInstanceRole && (!accessKeyId || !accessKeySecret)) {
    throw new StsConfigError(
      'UPLOAD_STS_ROLE_ARN needs UPLOAD_ACCESS_KEY_ID and UPLOAD_ACCESS_KEY_SECRET of a user allowed to assume that role ' +
        '(or UPLOAD_CREDENTIALS=instance-role, when the instance role may assume it)',
    );
  }

  return {
    vendor,
    roleArn,
    endpoint: parseEndpoint(setting(env, 'UPLOAD_STS_ENDPOINT')),
    durationSeconds: parseDuration(setting(env, 'UPLOAD_STS_DURATION_SECONDS')),
    region: stsRegion(vendor, setting(env, 'UPLOAD_STS_REGION') ?? setting(env, 'UPLOAD_REGION') ?? DEFAULT_REGIONS[vendor]),
    ...(byInstanceRole ? {} : { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) }),
  };
}

/**
 * The region id the vendor's STS client is made for. OSS takes its region as "cn-hangzhou" or
 * "oss-cn-hangzhou" (ossEndpoint and the dialects drop the prefix); Alibaba's STS SDK derives
 * its host from the id, and sts.oss-cn-hangzhou.aliyuncs.com does not exist.
 */
function stsRegion(vendor: StsVendor, region: string): string {
  return vendor === 'alibaba' ? region.replace(/^oss-/, '') : region;
}

function parseDuration(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DURATION_SECONDS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    throw new StsConfigError(
      `UPLOAD_STS_DURATION_SECONDS must be a whole number from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}, got "${raw}"`,
    );
  }
  return seconds;
}

/** `sts.example.com` means https; a scheme may be given for a local stand-in (`http://127.0.0.1:9000`). */
function parseEndpoint(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  // As every URL setting: one that may hold credentials is refused without being repeated.
  if (raw.includes('@')) throw new StsConfigError(`UPLOAD_STS_ENDPOINT must not carry user info (user:password@) (got ${echoUrl(raw)})`);
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new StsConfigError(`UPLOAD_STS_ENDPOINT ${echoUrl(raw)} is not a host name or URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new StsConfigError(`UPLOAD_STS_ENDPOINT ${echoUrl(raw)} must be an http(s) origin such as https://sts.aliyuncs.com`);
  }
  return url;
}
