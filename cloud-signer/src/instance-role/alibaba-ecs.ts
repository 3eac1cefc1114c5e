// Alibaba Cloud ECS instance RAM role, as the ECS documentation "Instance RAM roles" and
// "Instance metadata — security hardening mode" describe it: PUT /latest/api/token with
// X-aliyun-ecs-metadata-token-ttl-seconds, then every read with X-aliyun-ecs-metadata-token;
// GET /latest/meta-data/ram/security-credentials/ lists the role, /<role> gives
// AccessKeyId, AccessKeySecret, SecurityToken, Expiration, Code.
//
// Written here rather than through @alicloud/credentials (2.4.7, installed): its
// ECSRAMRoleCredentialsProvider hard-codes the host 100.100.100.200, so no stand-in can
// take its place in tests; it silently drops to plain mode whenever the token request
// fails unless IMDSv1 is disabled by a separate switch; and it keeps its own cache with a
// one-hour prefetch, which would compete with the signer's refresh (sts/caching.ts).
import type { TemporaryCredentials } from '../sts/types';
import { MetadataError } from './metadata-http';
import { discoverRole, readCredentialsDocument, temporaryCredentials } from './role-answers';
import type { InstanceRoleSettings } from './settings';
import { hardenedModeHeaders, type TokenHandshake } from './token-handshake';

export const ALIBABA_METADATA_BASE = 'http://100.100.100.200';
const SERVICE = 'Alibaba Cloud ECS instance metadata';
const ROLE_PATH = '/latest/meta-data/ram/security-credentials/';
const NO_ROLE_HINT = 'attach a RAM role to the ECS instance (console: instance → 授予/收回RAM角色), or set UPLOAD_INSTANCE_ROLE';

export const ALIBABA_TOKEN_HANDSHAKE: TokenHandshake = {
  service: SERVICE,
  path: '/latest/api/token',
  ttlHeader: 'X-aliyun-ecs-metadata-token-ttl-seconds',
  tokenHeader: 'X-aliyun-ecs-metadata-token',
};

export function alibabaEcsCredentials(settings: InstanceRoleSettings): () => Promise<TemporaryCredentials> {
  const base = settings.metadataEndpoint ?? new URL(ALIBABA_METADATA_BASE);
  return async () => {
    const headers = await hardenedModeHeaders(base, ALIBABA_TOKEN_HANDSHAKE, settings.allowPlainMode);
    const role = settings.role ?? (await discoverRole(SERVICE, new URL(ROLE_PATH, base), headers, NO_ROLE_HINT));
    const document = await readCredentialsDocument(SERVICE, new URL(ROLE_PATH + encodeURIComponent(role), base), headers, NO_ROLE_HINT);
    if (document.Code !== undefined && document.Code !== 'Success') {
      throw new MetadataError('HttpError', `${SERVICE} answered Code "${String(document.Code)}" for role "${role}"`);
    }
    return temporaryCredentials(SERVICE, {
      accessKeyId: document.AccessKeyId,
      accessKeySecret: document.AccessKeySecret,
      securityToken: document.SecurityToken,
      expiration: document.Expiration,
    });
  };
}
