// Tencent Cloud CVM instance role, as the CVM documentation "Instance metadata"
// (document/product/213/4934) and CAM "Roles for CVM" describe it:
// GET /latest/meta-data/cam/security-credentials/ lists the role, /<role> gives
// TmpSecretId, TmpSecretKey, Token, ExpiredTime (Unix seconds), Code. The documented
// service has no token handshake; the official SDK's reader sends plain GETs too.
//
// Written here rather than through tencentcloud-sdk-nodejs-common's CvmRoleCredential:
// it hard-codes metadata.tencentyun.com, returns the keys without their expiry (the
// signer needs it to refresh in time and to refuse expired keys), and caches a failed
// role lookup forever.
import type { TemporaryCredentials } from '../sts/types';
import { MetadataError } from './metadata-http';
import { discoverRole, readCredentialsDocument, temporaryCredentials } from './role-answers';
import type { InstanceRoleSettings } from './settings';

export const TENCENT_METADATA_BASE = 'http://metadata.tencentyun.com';
const SERVICE = 'Tencent Cloud CVM instance metadata';
const ROLE_PATH = '/latest/meta-data/cam/security-credentials/';
const NO_ROLE_HINT = 'bind a CAM role to the CVM instance (console: instance → 更多操作 → 实例设置 → 绑定/修改角色), or set UPLOAD_INSTANCE_ROLE';

export function tencentCvmCredentials(settings: InstanceRoleSettings): () => Promise<TemporaryCredentials> {
  const base = settings.metadataEndpoint ?? new URL(TENCENT_METADATA_BASE);
  return async () => {
    const role = settings.role ?? (await discoverRole(SERVICE, new URL(ROLE_PATH, base), {}, NO_ROLE_HINT));
    const document = await readCredentialsDocument(SERVICE, new URL(ROLE_PATH + encodeURIComponent(role), base), {}, NO_ROLE_HINT);
    if (document.Code !== undefined && document.Code !== 'Success') {
      throw new MetadataError('HttpError', `${SERVICE} answered Code "${String(document.Code)}" for role "${role}"`);
    }
    return temporaryCredentials(SERVICE, {
      accessKeyId: document.TmpSecretId,
      accessKeySecret: document.TmpSecretKey,
      securityToken: document.Token,
      expiration: document.ExpiredTime,
    });
  };
}
