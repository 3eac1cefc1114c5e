// AWS: the standard keyless sources through the official @aws-sdk/credential-providers,
// in the order the SDK's own default chain tries them (minus keys in the environment or
// in files, which are not an instance role): web identity (EKS IRSA), container
// credentials (ECS tasks, EKS Pod Identity), then EC2 instance metadata (IMDSv2).
import { ROLE_SESSION_NAME } from '../sts/session';
import type { TemporaryCredentials } from '../sts/types';
import { MetadataError, METADATA_TIMEOUT_MS } from './metadata-http';
import { temporaryCredentials } from './role-answers';
import type { InstanceRoleSettings } from './settings';

type Providers = typeof import('@aws-sdk/credential-providers');
type AwsCredentialIdentity = Awaited<ReturnType<ReturnType<Providers['fromInstanceMetadata']>>>;

/** The SDK's messages are plain and hold no key; long ones are cut. */
const MAX_SDK_MESSAGE_CHARS = 300;

interface AwsSource {
  service: string;
  fetch: () => Promise<AwsCredentialIdentity>;
}

function pickSource(settings: InstanceRoleSettings, { fromHttp, fromInstanceMetadata, fromTokenFile }: Providers): AwsSource {
  const { env } = settings;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    const provider = fromTokenFile({
      webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
      roleArn: env.AWS_ROLE_ARN,
      roleSessionName: env.AWS_ROLE_SESSION_NAME ?? ROLE_SESSION_NAME,
      clientConfig: { region: settings.region },
    });
    return { service: 'AWS web identity (AWS_WEB_IDENTITY_TOKEN_FILE)', fetch: () => provider() };
  }
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
    const provider = fromHttp({
      awsContainerCredentialsFullUri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
      awsContainerCredentialsRelativeUri: env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
      awsContainerAuthorizationToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
      awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
      timeout: METADATA_TIMEOUT_MS,
      maxRetries: 1,
    });
    return { service: 'AWS container credentials', fetch: () => provider() };
  }
  return {
    service: settings.allowPlainMode ? 'AWS EC2 instance metadata' : 'AWS EC2 instance metadata (IMDSv2)',
    // A new provider per fetch: the SDK's provider remembers its last answer and, when
    // IMDS fails, hands it out again with a made-up later expiry ("static stability").
    // The signer must know the real expiry to refuse expired keys.
    fetch: () => fromInstanceMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 1, ec2MetadataV1Disabled: !settings.allowPlainMode })(),
  };
}

export function awsInstanceCredentials(settings: InstanceRoleSettings): () => Promise<TemporaryCredentials> {
  // Loaded on first use, not at import: the SDK is large, and only an AWS signer needs it
  // (it also expects Node globals a browser-like test world lacks).
  let picked: Promise<AwsSource> | undefined;
  return async () => {
    picked ??= import('@aws-sdk/credential-providers').then((providers) => pickSource(settings, providers));
    const source = await picked;
    let identity: AwsCredentialIdentity & { originalExpiration?: Date };
    try {
      identity = await source.fetch();
    } catch (error) {
      // The SDK reports any failed token request (service unreachable, or IMDSv2 refused)
      // as "v1 fallback blocked", which would send an operator the wrong way.
      const message =
        (error as Error)?.name === 'InstanceMetadataV1FallbackError'
          ? 'no IMDSv2 token: PUT /latest/api/token failed, the service is unreachable or refuses IMDSv2; ' +
            'set UPLOAD_METADATA_ALLOW_PLAIN=true only if this instance cannot use IMDSv2'
          : String((error as Error)?.message ?? error).slice(0, MAX_SDK_MESSAGE_CHARS);
      throw new MetadataError(
        'Unreachable',
        `${source.service} gave no credentials (${message}); UPLOAD_CREDENTIALS=instance-role works only where AWS provides a role`,
      );
    }
    return temporaryCredentials(source.service, {
      accessKeyId: identity.accessKeyId,
      accessKeySecret: identity.secretAccessKey,
      securityToken: identity.sessionToken,
      expiration: identity.originalExpiration ?? identity.expiration,
    });
  };
}
