// The credentials everything that signs uses, from the environment, wired one way for
// `npm start` and for the tests' startSigner(): the instance role's keys
// (UPLOAD_CREDENTIALS=instance-role), AssumeRole sessions (UPLOAD_STS_ROLE_ARN) — with
// both set, the instance role assumes the upload role (role chaining) — or, with neither,
// the static keys the server takes from its config.
import type { Config } from './config';
import { CredentialsUnavailableError, type CredentialSource } from './credentials';
import type { AssumeRole } from './sts/types';

export interface SigningCredentials {
  /** What tickets and links are signed with; undefined = the config's static keys. */
  credentials?: CredentialSource;
  /** Behind GET /api/credentials (UPLOAD_STS_ROLE_ARN). */
  assumeRole?: AssumeRole;
  /**
   * Resolves once the instance role's first keys are in hand, so a missing role or an
   * unreachable metadata service stops startup with its reason rather than failing the
   * first upload. Rejects with that reason (a plain sentence, no secret).
   */
  ready(now: Date): Promise<void>;
}

/**
 * Throws ConfigError / StsConfigError for a bad setting. The vendor SDKs behind STS and
 * the instance role are loaded only when configured: a signer with static keys (and the
 * browser-like test worlds that start one) never loads them.
 */
export async function signingCredentialsFromEnv(env: Record<string, string | undefined>, config: Config): Promise<SigningCredentials> {
  const instanceRole = config.credentialMode === 'instance-role' ? (await import('./instance-role')).instanceRoleFromEnv(env, config) : undefined;
  const sts = env.UPLOAD_STS_ROLE_ARN?.trim() ? (await import('./sts')).temporaryCredentialsFromEnv(env, config, instanceRole) : {};
  return {
    credentials: sts.credentials ?? instanceRole,
    assumeRole: sts.assumeRole,
    ready: async (now) => {
      if (instanceRole === undefined) return;
      try {
        await instanceRole.get(now);
      } catch (error) {
        throw error instanceof CredentialsUnavailableError && error.cause instanceof Error ? error.cause : error;
      }
    },
  };
}
