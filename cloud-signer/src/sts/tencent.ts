// Tencent Cloud STS (CAM role) through the official SDK, tencentcloud-sdk-nodejs-sts.
import { sts } from 'tencentcloud-sdk-nodejs-sts';
import type { CredentialSource } from '../credentials';
import { callerSecrets, clientPerCredentials } from './caller';
import type { StsConfig } from './config';
import { StsError, toStsError } from './errors';
import { ROLE_SESSION_NAME, scopedObjectPattern, STS_TIMEOUT_MS } from './session';
import type { AssumeRole, UploadScope } from './types';

const StsClient = sts.v20180813.Client;

/** COS bucket names end in the owner's APPID (`examplebucket-1250000000`); the resource names it. */
const COS_BUCKET_APPID = /-(\d+)$/;

/**
 * CAM policy: PostObject and PutObject on `bucket/prefix*` in the bucket's region only
 * (plus GetObject when `scope.allowGet`, and the multipart steps with HeadObject when `scope.multipart`).
 * The session gets the intersection of this and the role's own policy.
 */
export function tencentSessionPolicy(scope: UploadScope): string {
  const appId = COS_BUCKET_APPID.exec(scope.bucket)?.[1];
  if (!appId) {
    throw new StsError('tencent', 'InvalidBucket', `COS bucket "${scope.bucket}" must end in -<APPID>, e.g. examplebucket-1250000000`);
  }
  return JSON.stringify({
    version: '2.0',
    statement: [
      {
        effect: 'allow',
        action: [
          'name/cos:PostObject',
          'name/cos:PutObject',
          ...(scope.allowGet ? ['name/cos:GetObject'] : []),
          // COS authorises each multipart step by its own action (InitiateMultipartUpload's page: "action 设置为 cos:InitiateMultipartUpload").
          ...(scope.multipart
            ? ['name/cos:InitiateMultipartUpload', 'name/cos:UploadPart', 'name/cos:ListParts', 'name/cos:CompleteMultipartUpload', 'name/cos:AbortMultipartUpload', 'name/cos:HeadObject']
            : []),
        ],
        resource: [`qcs::cos:${scope.region}:uid/${appId}:${scope.bucket}/${scopedObjectPattern(scope.keyPrefix)}`],
      },
    ],
  });
}

export function tencentAssumeRole(config: StsConfig, caller: CredentialSource): AssumeRole {
  const clientFor = clientPerCredentials((credentials) => new StsClient({
    credential: { secretId: credentials.accessKeyId, secretKey: credentials.accessKeySecret, token: credentials.securityToken },
    region: config.region,
    profile: {
      httpProfile: {
        // Without an endpoint the SDK uses sts.tencentcloudapi.com.
        endpoint: config.endpoint?.host,
        protocol: config.endpoint ? `${config.endpoint.protocol}//` : undefined,
        reqTimeout: STS_TIMEOUT_MS / 1000,
      },
    },
  }));

  return async (scope, now = new Date()) => {
    const callerCredentials = await caller.get(now);
    const client = clientFor(callerCredentials);
    const secrets = callerSecrets(callerCredentials);
    const policy = tencentSessionPolicy(scope);
    let answer;
    try {
      answer = await client.AssumeRole({
        RoleArn: config.roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        DurationSeconds: config.durationSeconds,
        // Tencent's API reference: "this parameter must be URL-encoded; the server URL-decodes it".
        Policy: encodeURIComponent(policy),
      });
    } catch (error) {
      throw toStsError('tencent', error, secrets);
    }
    const credentials = answer.Credentials;
    if (!credentials?.TmpSecretId || !credentials.TmpSecretKey || !credentials.Token) {
      throw new StsError('tencent', 'MalformedResponse', 'the answer has no Credentials');
    }
    // ExpiredTime (Unix seconds) is the documented field; Expiration (ISO) was added later.
    if (typeof answer.ExpiredTime !== 'number' || !Number.isFinite(answer.ExpiredTime)) {
      throw new StsError('tencent', 'MalformedResponse', 'the answer has no valid ExpiredTime');
    }
    return {
      accessKeyId: credentials.TmpSecretId,
      accessKeySecret: credentials.TmpSecretKey,
      securityToken: credentials.Token,
      expiration: new Date(answer.ExpiredTime * 1000),
    };
  };
}
