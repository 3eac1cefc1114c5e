// The official S3 client the presign cross-checks sign with. The SDK adds an
// `x-id=<Operation>` marker to every URL and, by default, flexible-checksum parameters
// (an empty body's CRC32 on a PUT, which a real upload would then fail): checksums are
// off (WHEN_REQUIRED) and a build-step middleware drops x-id before the SDK signs, so the
// SDK and our dialect sign the same request.
import { S3Client } from '@aws-sdk/client-s3';
import type { Credentials } from '../../miniprogram/shared/signing/dialects/dialect';

export function s3PresignerClient(
  credentials: Credentials,
  options: { region: string; endpoint?: string; forcePathStyle?: boolean },
): S3Client {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.accessKeySecret, sessionToken: credentials.securityToken },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    (next) => async (args: any) => {
      delete args.request.query['x-id'];
      return next(args);
    },
    { step: 'build', name: 'dropOperationMarker' },
  );
  return client;
}
