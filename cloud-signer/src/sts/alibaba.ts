// Alibaba Cloud STS (RAM role) through the official SDK, @alicloud/sts20150401.
import Sts20150401, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { Config as OpenApiConfig } from '@alicloud/openapi-client';
import type { CredentialSource } from '../credentials';
import { callerSecrets, clientPerCredentials } from './caller';
import type { StsConfig } from './config';
import { parseExpiration, StsError, toStsError } from './errors';
import { ROLE_SESSION_NAME, scopedObjectPattern, STS_TIMEOUT_MS } from './session';
import type { AssumeRole, TemporaryCredentials, UploadScope } from './types';

/**
 * RAM policy: PutObject (which also authorises PostObject) on `bucket/prefix*` only
 * (plus GetObject when `scope.allowGet`, and listing and aborting uploads in parts with
 * GetObject for their HeadObject when `scope.multipart`).
 * The session gets the intersection of this and the role's own policy.
 */
export function alibabaSessionPolicy(scope: UploadScope): string {
  return JSON.stringify({
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        // PutObject also authorises InitiateMultipartUpload, UploadPart and CompleteMultipartUpload;
        // listing and aborting are actions of their own, and HeadObject is GetObject's.
        Action: [
          'oss:PutObject',
          ...(scope.allowGet || scope.multipart ? ['oss:GetObject'] : []),
          ...(scope.multipart ? ['oss:ListParts', 'oss:AbortMultipartUpload'] : []),
        ],
        Resource: [`acs:oss:*:*:${scope.bucket}/${scopedObjectPattern(scope.keyPrefix)}`],
      },
    ],
  });
}

export function alibabaAssumeRole(config: StsConfig, caller: CredentialSource): AssumeRole {
  const clientFor = clientPerCredentials((credentials) => new Sts20150401(
    new OpenApiConfig({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
      regionId: config.region,
      // Without an endpoint the SDK derives sts.<region>.aliyuncs.com (or sts.aliyuncs.com).
      endpoint: config.endpoint?.host,
      protocol: config.endpoint?.protocol.replace(':', ''),
      connectTimeout: STS_TIMEOUT_MS,
      readTimeout: STS_TIMEOUT_MS,
    }),
  ));

  return async (scope, now = new Date()) => {
    const callerCredentials = await caller.get(now);
    const client = clientFor(callerCredentials);
    const secrets = callerSecrets(callerCredentials);
    const request = new AssumeRoleRequest({
      roleArn: config.roleArn,
      roleSessionName: ROLE_SESSION_NAME,
      durationSeconds: config.durationSeconds,
      policy: alibabaSessionPolicy(scope),
    });
    let answer;
    try {
      answer = await client.assumeRole(request);
    } catch (error) {
      throw toStsError('alibaba', error, secrets);
    }
    const credentials = answer.body?.credentials;
    if (!credentials?.accessKeyId || !credentials.accessKeySecret || !credentials.securityToken) {
      throw new StsError('alibaba', 'MalformedResponse', 'the answer has no Credentials');
    }
    const temporary: TemporaryCredentials = {
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
      expiration: parseExpiration('alibaba', credentials.expiration),
    };
    return temporary;
  };
}
