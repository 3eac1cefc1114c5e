// The embedded dev bucket a configuration asks for (UPLOAD_PROVIDER=local), built one
// way for `npm start` and for the tests that start a real signer, so the two cannot drift.
import type { Config } from './config';
import { createDevBucket, type DevBucket } from './devbucket';
import { createHostGate } from './host-gate';

export interface DevBucketExtras {
  /** Tests pin the bucket's clock together with the signer's. */
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/** The dev bucket for `config`, or undefined when tickets go to a real cloud. */
export function devBucketFor(config: Config, extras: DevBucketExtras = {}): DevBucket | undefined {
  if (config.provider !== 'local') return undefined;
  return createDevBucket({
    dataDir: config.dataDir,
    bucket: config.bucket,
    region: config.region,
    credentials: config.credentials,
    privateReads: config.privateBucket,
    hostAllowed: createHostGate({ listenHost: config.host, allowedHosts: config.allowedHosts }),
    maxMultipartBytes: config.multipart.maxBytes,
    abandonMultipartAfterSeconds: config.multipart.abandonAfterSeconds,
    ...extras,
  });
}
