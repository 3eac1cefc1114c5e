// SigV4 presigning against @aws-sdk/s3-request-presigner getSignedUrl, whose
// own signingDate option pins its clock. The SDK adds an `x-id=<Operation>`
// marker to every URL and, by default, flexible-checksum parameters (an empty
// body's CRC32 on a PUT, which a real upload would then fail); the clients (tests/support/s3-presigner-client.ts)
// turn checksums off (WHEN_REQUIRED) and a build-step middleware drops x-id
// before the SDK signs, so both sides sign the same request.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { s3PutDialect, signS3ObjectUrl } from '../../miniprogram/shared/signing/dialects/s3-presign';
import type { Credentials } from '../../miniprogram/shared/signing/dialects/dialect';
import { s3PresignerClient } from '../support/s3-presigner-client';
import { AWKWARD_KEY, CONTENT_TYPE, NOW, SIZE, STATIC_CREDENTIALS, STS_CREDENTIALS, TTL_SECONDS, objectUrlInput, ticketInput } from '../support/dialect-inputs';

const AWS_TARGET = { bucket: 'examplebucket', region: 'us-east-1', endpoint: 'https://examplebucket.s3.us-east-1.amazonaws.com' };
/** R2 and MinIO are addressed path-style: the bucket is the first path segment. */
const R2_TARGET = { bucket: 'photos', region: 'auto', endpoint: 'https://0123abcd.r2.cloudflarestorage.com/photos' };

function officialClient(credentials: Credentials, target: typeof AWS_TARGET): S3Client {
  const pathStyle = target === R2_TARGET;
  return s3PresignerClient(credentials, { region: target.region, endpoint: pathStyle ? 'https://0123abcd.r2.cloudflarestorage.com' : undefined, forcePathStyle: pathStyle });
}

const CASES = [
  ['AWS, static keys', AWS_TARGET, STATIC_CREDENTIALS],
  ['AWS, an STS token', AWS_TARGET, STS_CREDENTIALS],
  ['R2 path style', R2_TARGET, STATIC_CREDENTIALS],
] as const;

describe('s3 presigned PUT (R2-style stores)', () => {
  it.each(CASES)('equals getSignedUrl(PutObjectCommand) for %s', async (_label, target, credentials) => {
    const ticket = s3PutDialect.signUpload(ticketInput(target, { credentials, key: AWKWARD_KEY }), nodeCrypto);
    const theirs = await getSignedUrl(
      officialClient(credentials, target),
      new PutObjectCommand({ Bucket: target.bucket, Key: AWKWARD_KEY, ContentType: CONTENT_TYPE, ContentLength: SIZE }),
      { expiresIn: TTL_SECONDS, signingDate: NOW, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    expect(ticket.url).toBe(theirs);
  });

  it('signs content-length, content-type and host, so the PUT must send exactly the declared bytes', () => {
    const ticket = s3PutDialect.signUpload(ticketInput(AWS_TARGET), nodeCrypto);
    expect(new URL(ticket.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(ticket).toMatchObject({ method: 'PUT', maxBytes: SIZE, headers: { 'Content-Type': CONTENT_TYPE } });
  });

  it('refuses a lifetime SigV4 would reject (over seven days)', () => {
    expect(() => s3PutDialect.signUpload(ticketInput(AWS_TARGET, { ttlSeconds: 604_801 }), nodeCrypto)).toThrow(/604800/);
  });
});

describe('s3 presigned GET (private buckets)', () => {
  it.each(CASES)('equals getSignedUrl(GetObjectCommand) for %s', async (_label, target, credentials) => {
    const ours = signS3ObjectUrl(objectUrlInput(target, { credentials }), nodeCrypto);
    const theirs = await getSignedUrl(
      officialClient(credentials, target),
      new GetObjectCommand({ Bucket: target.bucket, Key: AWKWARD_KEY }),
      { expiresIn: 3600, signingDate: NOW },
    );
    expect(ours).toBe(theirs);
  });
});
