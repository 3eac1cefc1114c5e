// Who calls AssumeRole: the long-term key pair from the environment, or (role chaining,
// UPLOAD_CREDENTIALS=instance-role) the instance role's temporary credentials, which
// change on every rotation. Either way a CredentialSource, asked once per call.
import type { Credentials } from '../../../miniprogram/shared/signing/index';
import { staticCredentials, type CredentialSource } from '../credentials';
import { StsConfigError, type StsConfig } from './config';

export function callerSource(config: StsConfig, caller?: CredentialSource): CredentialSource {
  if (caller) return caller;
  if (!config.accessKeyId || !config.accessKeySecret) {
    throw new StsConfigError('UPLOAD_STS_ROLE_ARN needs the keys of a user allowed to assume the role, or the instance role');
  }
  const { accessKeyId, accessKeySecret, securityToken } = config;
  return staticCredentials({ accessKeyId, accessKeySecret, ...(securityToken !== undefined ? { securityToken } : {}) });
}

/**
 * One SDK client per set of caller credentials. Sources hand out the same object until a
 * refresh replaces it, so the client is rebuilt only after a rotation.
 */
export function clientPerCredentials<Client>(build: (credentials: Credentials) => Client): (credentials: Credentials) => Client {
  let last: Credentials | undefined;
  let client: Client | undefined;
  return (credentials) => {
    if (client === undefined || credentials !== last) {
      client = build(credentials);
      last = credentials;
    }
    return client;
  };
}

/** What must never appear in an error text: the caller's secret and token. */
export function callerSecrets(credentials: Credentials): string[] {
  return [credentials.accessKeySecret, credentials.securityToken ?? ''];
}
