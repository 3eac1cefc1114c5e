// UPLOAD_REGION=oss-cn-hangzhou is accepted for OSS (README: '"oss-cn-hangzhou" is accepted
// too'), and the tickets, links and multipart calls all use cn-hangzhou from it. AssumeRole
// must too: Alibaba's STS SDK derives its host from the region id, and "oss-cn-hangzhou"
// made it sts.oss-cn-hangzhou.aliyuncs.com, a host Alibaba does not run, so every ticket
// was 503 CredentialsUnavailable behind an unreachable STS.
import Sts20150401 from '@alicloud/sts20150401';
import { Config as OpenApiConfig } from '@alicloud/openapi-client';
import { loadStsConfig } from '../../../cloud-signer/src/sts/config';

const ENV = {
  UPLOAD_PROVIDER: 'oss',
  UPLOAD_STS_ROLE_ARN: 'acs:ram::1234567890123456:role/uploader',
  UPLOAD_ACCESS_KEY_ID: 'LTAIexample',
  UPLOAD_ACCESS_KEY_SECRET: 'very-secret-value',
};

/** The host the Alibaba STS SDK calls for a region id, as sts/alibaba.ts makes its client. */
const stsHost = (regionId: string) =>
  (new Sts20150401(new OpenApiConfig({ accessKeyId: 'a', accessKeySecret: 'b', regionId })) as unknown as { _endpoint: string })._endpoint;

test.each(['oss-cn-hangzhou', 'cn-hangzhou'])('UPLOAD_REGION=%s asks sts.cn-hangzhou.aliyuncs.com', (region) => {
  const config = loadStsConfig({ ...ENV, UPLOAD_REGION: region })!;
  expect(config.region).toBe('cn-hangzhou');
  expect(stsHost(config.region)).toBe('sts.cn-hangzhou.aliyuncs.com');
});

test('UPLOAD_STS_REGION in the OSS spelling is read the same way', () => {
  expect(loadStsConfig({ ...ENV, UPLOAD_REGION: 'cn-hangzhou', UPLOAD_STS_REGION: 'oss-cn-shanghai' })!.region).toBe('cn-shanghai');
});
