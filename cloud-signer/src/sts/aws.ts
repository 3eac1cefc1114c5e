// AWS STS through the official SDK, @aws-sdk/client-sts.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CredentialSource } from '../credentials';
import { callerSecrets, clientPerCredentials } from './caller';
import type { StsConfig } from './config';
import { parseExpiration, StsError, toStsError } from './errors';
import { ROLE_SESSION_NAME, scopedObjectPattern, STS_TIMEOUT_MS } from './session';
import type { AssumeRole, UploadScope } from './types';

/**
 * IAM session policy: s3:PutObject (POST uploads are authorised as PutObject) on
 * `bucket/prefix*` only (plus s3:GetObject when `scope.allowGet`, and the multipart
 * calls with s3:GetObject for HeadObject when `scope.multipart`). `partition` follows
 * the role (aws, aws-cn, aws-us-gov).
 */
export function awsSessionPolicy(scope: UploadScope, partition = 'aws'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        // PutObject also authorises CreateMultipartUpload, UploadPart and CompleteMultipartUpload;
        // ListParts and AbortMultipartUpload are actions of their own, HeadObject is GetObject's.
        Action: scope.multipart
          ? ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload']
          : scope.allowGet
            ? ['s3:PutObject', 's3:GetObject']
            : 's3:PutObject',
        Resource: `arn:${partition}:s3:::${scope.bucket}/${scopedObjectPattern(scope.keyPrefix)}`,
      },
    ],
  });
}

export function awsAssumeRole(config: StsConfig, caller: CredentialSource): AssumeRole {
  const clientFor = clientPerCredentials((credentials) => new STSClient({
    region: config.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.accessKeySecret,
      sessionToken: credentials.securityToken,
    },
    // Without an endpoint the SDK picks the regional STS endpoint.
    endpoint: config.endpoint?.origin,
    requestHandler: { requestTimeout: STS_TIMEOUT_MS, connectionTimeout: STS_TIMEOUT_MS },
  }));
  const partition = config.roleArn.split(':')[1];

  return async (scope, now = new Date()) => {
    const callerCredentials = await caller.get(now);
    const client = clientFor(callerCredentials);
    const secrets = callerSecrets(callerCredentials);
    let answer;
    try {
      answer = await client.send(
        new AssumeRoleCommand({
          RoleArn: config.roleArn,
          RoleSessionName: ROLE_SESSION_NAME,
          DurationSeconds: config.durationSeconds,
          Policy: awsSessionPolicy(scope, partition),
        }),
      );
    } catch (error) {
      throw toStsError('aws', error, secrets);
    }
    const credentials = answer.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new StsError('aws', 'MalformedResponse', 'the answer has no Credentials');
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      accessKeySecret: credentials.SecretAccessKey,
      securityToken: credentials.SessionToken,
      expiration: parseExpiration('aws', credentials.Expiration),
    };
  };
}
