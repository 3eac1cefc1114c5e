// ali-oss set up the one way the OSS dialect tests (V4 and V1) compare against:
// the documented example bucket in Hangzhou over HTTPS, with the credentials under test.
import OSS from 'ali-oss';
import { ossEndpoint } from '../../miniprogram/shared/signing/dialects/oss';
import type { Credentials } from '../../miniprogram/shared/signing/dialects/dialect';

export const OSS_TARGET = { bucket: 'examplebucket', region: 'cn-hangzhou', endpoint: ossEndpoint('examplebucket', 'cn-hangzhou') };

export function officialOssClient(credentials: Credentials): OSS {
  return new OSS({
    region: 'oss-cn-hangzhou',
    bucket: OSS_TARGET.bucket,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    stsToken: credentials.securityToken,
    secure: true,
  });
}

/** ali-oss advises on console that a static STS token is not refreshed; that is the signer's job here. */
export function quietAliOssTokenAdvice(): void {
  beforeAll(() => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
}
