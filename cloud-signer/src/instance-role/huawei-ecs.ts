// Huawei Cloud ECS agency credentials, as the ECS documentation "Obtaining metadata"
// (OpenStack-compatible /openstack/latest/securitykey: temporary AK/SK and security
// token of the agency attached to the ECS, valid one hour, renewed ten minutes before
// expiry) describes them. Hardened mode as Huawei's own SDK does it: PUT
// /meta-data/latest/api/token with X-Metadata-Token-Ttl-Seconds, then X-Metadata-Token.
// The answer is {"credential":{"access","secret","securitytoken","expires_at"}}.
import type { TemporaryCredentials } from '../sts/types';
import { MetadataError, metadataRequest, quoted } from './metadata-http';
import { temporaryCredentials } from './role-answers';
import type { InstanceRoleSettings } from './settings';
import { hardenedModeHeaders, type TokenHandshake } from './token-handshake';

export const HUAWEI_METADATA_BASE = 'http://169.254.169.254';
const SERVICE = 'Huawei Cloud ECS instance metadata';
const SECURITY_KEY_PATH = '/openstack/latest/securitykey';
/** What the service says when the ECS has no agency (Huawei's SDK matches the same text). */
const NO_AGENCY_TEXT = 'Cloud Service Agency';

export const HUAWEI_TOKEN_HANDSHAKE: TokenHandshake = {
  service: SERVICE,
  path: '/meta-data/latest/api/token',
  ttlHeader: 'X-Metadata-Token-Ttl-Seconds',
  tokenHeader: 'X-Metadata-Token',
};

export function huaweiEcsCredentials(settings: InstanceRoleSettings): () => Promise<TemporaryCredentials> {
  const base = settings.metadataEndpoint ?? new URL(HUAWEI_METADATA_BASE);
  return async () => {
    const headers = await hardenedModeHeaders(base, HUAWEI_TOKEN_HANDSHAKE, settings.allowPlainMode);
    const answer = await metadataRequest(SERVICE, new URL(SECURITY_KEY_PATH, base), { headers });
    if (answer.status === 404 || answer.body.includes(NO_AGENCY_TEXT)) {
      throw new MetadataError('NoRole', `${SERVICE} names no agency for this ECS: create an ECS agency in IAM and attach it to the instance`);
    }
    if (answer.status !== 200) {
      throw new MetadataError('HttpError', `${SERVICE} answered HTTP ${answer.status} to ${SECURITY_KEY_PATH}: ${quoted(answer.body)}`);
    }
    let credential: Record<string, unknown> | undefined;
    try {
      credential = (JSON.parse(answer.body) as { credential?: Record<string, unknown> }).credential;
    } catch {
      // Reported below without quoting the body: it may hold keys.
    }
    if (typeof credential !== 'object' || credential === null) {
      throw new MetadataError('MalformedResponse', `${SERVICE} answered ${SECURITY_KEY_PATH} without a "credential" object`);
    }
    return temporaryCredentials(SERVICE, {
      accessKeyId: credential.access,
      accessKeySecret: credential.secret,
      securityToken: credential.securitytoken,
      expiration: credential.expires_at,
    });
  };
}
