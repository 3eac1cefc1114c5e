// Keys that are a session's themselves (UPLOAD_ACCESS_KEY_ID, _SECRET and UPLOAD_SECURITY_TOKEN,
// as a developer's temporary keys are) assume the role with their token: each vendor's STS, the
// loopback stand-in here, receives it on the AssumeRole call. Without it every call is refused
// (InvalidClientTokenId / InvalidSecurityToken), so every ticket would answer 503.
import { loadConfig } from '../../../cloud-signer/src/config';
import { temporaryCredentialsFromEnv } from '../../../cloud-signer/src/sts';
import { okReply, startStandIn } from '../../support/sts-stand-in';
import { openSignerEnv } from '../../support/open-signer-env';

const TARGETS = {
  aws: { UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'us-east-1', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader' },
  alibaba: { UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-hangzhou', UPLOAD_STS_ROLE_ARN: 'acs:ram::1234567890:role/uploader' },
  tencent: { UPLOAD_PROVIDER: 'cos', UPLOAD_BUCKET: 'examplebucket-1250000000', UPLOAD_REGION: 'ap-guangzhou', UPLOAD_STS_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/uploader' },
} as const;
const CALLER_TOKEN = 'CALLER-SESSION-TOKEN-123';

test.each(['aws', 'alibaba', 'tencent'] as const)('%s: AssumeRole carries the caller keys\' UPLOAD_SECURITY_TOKEN', async (vendor) => {
  const standIn = await startStandIn(vendor, () =>
    okReply(vendor, { accessKeyId: 'TMPKEY', accessKeySecret: 'TmpSecret', securityToken: 'NewToken', expiration: new Date(Date.now() + 3600_000) }),
  );
  try {
    const env = {
      ...TARGETS[vendor],
      UPLOAD_ACCESS_KEY_ID: 'ASIACALLERKEY',
      UPLOAD_ACCESS_KEY_SECRET: 'caller-secret',
      UPLOAD_SECURITY_TOKEN: CALLER_TOKEN,
      UPLOAD_STS_ENDPOINT: standIn.endpoint,
    };
    const { credentials } = temporaryCredentialsFromEnv(env, loadConfig(openSignerEnv(env)));
    expect((await credentials!.get(new Date())).accessKeyId).toBe('TMPKEY');
    expect(standIn.calls).toHaveLength(1);
    expect(JSON.stringify(standIn.calls[0])).toContain(CALLER_TOKEN);
  } finally {
    await standIn.close();
  }
});
