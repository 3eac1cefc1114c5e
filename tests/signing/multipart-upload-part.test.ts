// Presigned UploadPart URLs against each vendor's official SDK for the same inputs and
// clock: @aws-sdk/s3-request-presigner with UploadPartCommand, ali-oss signatureUrlV4 and
// signatureUrl with partNumber/uploadId, cos-nodejs-sdk-v5 getAuthorization, and
// esdk-obs-nodejs createSignedUrlSync.
import { S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import OSS from 'ali-oss';
import COS from 'cos-nodejs-sdk-v5';
import ObsClient from 'esdk-obs-nodejs';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import {
  PART_CONTENT_TYPE,
  UPLOAD_PART_SIGNERS,
  cosEndpoint,
  cosKeyTime,
  obsEndpoint,
  ossEndpoint,
  type Credentials,
  type UploadPartInput,
} from '../../miniprogram/shared/signing';
import { AWKWARD_KEY, CREDENTIAL_CASES, NOW, STATIC_CREDENTIALS, atSdkClock, decodedLocation, queryOf } from '../support/dialect-inputs';
import { s3PresignerClient } from '../support/s3-presigner-client';

const UPLOAD_ID = '2~Vb3+/sample=upload.id';
const PART_NUMBER = 7;
const PART_BYTES = 8 * 1024 * 1024;
const TTL = 900;

function partInput(target: { bucket: string; region: string; endpoint: string }, credentials: Credentials): UploadPartInput {
  return { ...target, credentials, key: AWKWARD_KEY, uploadId: UPLOAD_ID, partNumber: PART_NUMBER, partBytes: PART_BYTES, now: NOW, ttlSeconds: TTL };
}

describe('s3 UploadPart presign', () => {
  const target = { bucket: 'examplebucket', region: 'us-east-1', endpoint: 'https://examplebucket.s3.us-east-1.amazonaws.com' };

  const officialClient = (credentials: Credentials): S3Client => s3PresignerClient(credentials, { region: target.region });

  it.each(CREDENTIAL_CASES)('equals getSignedUrl(UploadPartCommand) with %s, Content-Length signed', async (_label, credentials) => {
    const ours = UPLOAD_PART_SIGNERS.s3(partInput(target, credentials), nodeCrypto);
    const theirs = await getSignedUrl(
      officialClient(credentials),
      new UploadPartCommand({ Bucket: target.bucket, Key: AWKWARD_KEY, UploadId: UPLOAD_ID, PartNumber: PART_NUMBER, ContentLength: PART_BYTES }),
      { expiresIn: TTL, signingDate: NOW, signableHeaders: new Set(['content-length']) },
    );
    expect(ours.url).toBe(theirs);
    expect(queryOf(ours.url)['X-Amz-SignedHeaders']).toBe('content-length;host');
  });

  it('signs a different URL for another part, upload or length', () => {
    const base = partInput(target, STATIC_CREDENTIALS);
    const sign = (input: UploadPartInput) => queryOf(UPLOAD_PART_SIGNERS.s3(input, nodeCrypto).url)['X-Amz-Signature'];
    const signatures = new Set([
      sign(base),
      sign({ ...base, partNumber: PART_NUMBER + 1 }),
      sign({ ...base, uploadId: `${UPLOAD_ID}x` }),
      sign({ ...base, partBytes: PART_BYTES - 1 }),
    ]);
    expect(signatures.size).toBe(4);
  });
});

describe('oss UploadPart presign', () => {
  const target = { bucket: 'examplebucket', region: 'cn-hangzhou', endpoint: ossEndpoint('examplebucket', 'cn-hangzhou') };
  const officialClient = (credentials: Credentials) =>
    new OSS({
      region: 'oss-cn-hangzhou',
      bucket: target.bucket,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      stsToken: credentials.securityToken,
      secure: true,
    });

  beforeAll(() => {
    // ali-oss warns on console that a static STS token is not refreshed; that is the signer's job.
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  it.each(CREDENTIAL_CASES)('V4 equals signatureUrlV4 with %s', async (_label, credentials) => {
    const ours = UPLOAD_PART_SIGNERS.oss(partInput(target, credentials), nodeCrypto);
    const client = officialClient(credentials);
    const theirs = await atSdkClock(NOW, () =>
      client.signatureUrlV4(
        'PUT',
        TTL,
        { headers: { 'Content-Type': PART_CONTENT_TYPE }, queries: { partNumber: String(PART_NUMBER), uploadId: UPLOAD_ID } },
        AWKWARD_KEY,
      ),
    );
    expect(queryOf(ours.url)).toEqual(queryOf(theirs));
    expect(decodedLocation(ours.url)).toBe(decodedLocation(theirs));
    expect(ours.headers).toEqual({ 'Content-Type': PART_CONTENT_TYPE });
  });

  it.each(CREDENTIAL_CASES)('V1 equals signatureUrl with %s', (_label, credentials) => {
    const ours = UPLOAD_PART_SIGNERS['oss-v1'](partInput(target, credentials), nodeCrypto);
    const client = officialClient(credentials);
    const theirs = atSdkClock(NOW, () =>
      (client.signatureUrl as (name: string, options: object) => string)(AWKWARD_KEY, {
        method: 'PUT',
        expires: TTL,
        'Content-Type': PART_CONTENT_TYPE,
        subResource: { partNumber: String(PART_NUMBER), uploadId: UPLOAD_ID },
      }),
    );
    expect(queryOf(ours.url)).toEqual(queryOf(theirs));
    expect(decodedLocation(ours.url)).toBe(decodedLocation(theirs));
  });
});

describe('cos UploadPart presign', () => {
  const bucket = 'examplebucket-1250000000';
  const target = { bucket, region: 'ap-guangzhou', endpoint: cosEndpoint(bucket, 'ap-guangzhou') };

  it.each(CREDENTIAL_CASES)('carries COS.getAuthorization for put, the part query and the host, with %s', (_label, credentials) => {
    const ours = UPLOAD_PART_SIGNERS.cos(partInput(target, credentials), nodeCrypto);
    const authorization = COS.getAuthorization({
      SecretId: credentials.accessKeyId,
      SecretKey: credentials.accessKeySecret,
      Method: 'put',
      Key: AWKWARD_KEY,
      Query: { partNumber: String(PART_NUMBER), uploadId: UPLOAD_ID },
      Headers: { Host: `${bucket}.cos.ap-guangzhou.myqcloud.com` },
      KeyTime: cosKeyTime(NOW, TTL),
    });
    const expected: Record<string, string> = {
      partNumber: String(PART_NUMBER),
      uploadId: UPLOAD_ID,
      ...Object.fromEntries(new URLSearchParams(authorization)),
    };
    if (credentials.securityToken) expected['x-cos-security-token'] = credentials.securityToken;
    expect(queryOf(ours.url)).toEqual(expected);
    expect(decodedLocation(ours.url)).toBe(`https://${bucket}.cos.ap-guangzhou.myqcloud.com/${AWKWARD_KEY}`);
    expect(queryOf(ours.url)['q-url-param-list']).toBe('partnumber;uploadid');
  });
});

describe('obs UploadPart presign', () => {
  const target = { bucket: 'examplebucket', region: 'cn-north-4', endpoint: obsEndpoint('examplebucket', 'cn-north-4') };

  /** The SDK's part URL for the same inputs and clock, from a client on `server` (its setup ends a turn later). */
  async function sdkPartUrl(credentials: Credentials, options: { server: string; is_cname?: boolean }) {
    const client = new ObsClient({ access_key_id: credentials.accessKeyId, secret_access_key: credentials.accessKeySecret, security_token: credentials.securityToken, ...options });
    await new Promise((resolve) => setImmediate(resolve));
    return atSdkClock(NOW, () =>
      client.createSignedUrlSync({
        Method: 'PUT',
        Bucket: target.bucket,
        Key: AWKWARD_KEY,
        Expires: TTL,
        QueryParams: { partNumber: String(PART_NUMBER), uploadId: UPLOAD_ID },
        Headers: { 'Content-Type': PART_CONTENT_TYPE },
      }),
    );
  }

  it.each(CREDENTIAL_CASES)('equals createSignedUrlSync for PUT with the part query, with %s', async (_label, credentials) => {
    const ours = UPLOAD_PART_SIGNERS.obs(partInput(target, credentials), nodeCrypto);
    const { SignedUrl, ActualSignedRequestHeaders } = await sdkPartUrl(credentials, { server: 'https://obs.cn-north-4.myhuaweicloud.com' });
    expect(queryOf(ours.url)).toEqual(queryOf(SignedUrl));
    expect(decodedLocation(ours.url)).toBe(decodedLocation(SignedUrl));
    expect(ActualSignedRequestHeaders['Content-Type']).toBe(ours.headers['Content-Type']);
  });

  // On the bucket's custom domain (UPLOAD_ENDPOINT) the SDK (is_cname) signs the resource as
  // /<domain>/<key>, not /<bucket>/<key>. Its URL then takes the S3-compatible names
  // (AWSAccessKeyId); with static keys the string signed is the same, so the signatures must be.
  it('on a custom domain signs /<domain>/<key> as createSignedUrlSync with is_cname does', async () => {
    const custom = { ...target, endpoint: 'https://files.example.com' };
    const ours = UPLOAD_PART_SIGNERS.obs(partInput(custom, STATIC_CREDENTIALS), nodeCrypto);
    const { SignedUrl } = await sdkPartUrl(STATIC_CREDENTIALS, { server: custom.endpoint, is_cname: true });
    expect(queryOf(ours.url).Signature).toBe(queryOf(SignedUrl).Signature);
    expect(queryOf(ours.url).Expires).toBe(queryOf(SignedUrl).Expires);
    expect(decodedLocation(ours.url)).toBe(`https://files.example.com/${AWKWARD_KEY}`);
  });
});
