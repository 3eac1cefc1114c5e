// Which store a multipart call goes to. For a cloud it is the configured bucket, through
// that vendor's SDK (one file each: s3-store, oss-store, cos-store, obs-store); for the
// dev bucket it is this very server, reached on the address the request came in on
// (the dev bucket is a path on the signer, so the S3 SDK talks to it over loopback HTTP
// like to any S3 endpoint).
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import type { CredentialSource } from '../credentials';
import { DEV_BUCKET_PATH } from '../devbucket';
import { cosMultipartStore } from './cos-store';
import { obsMultipartStore } from './obs-store';
import { ossMultipartStore } from './oss-store';
import { s3MultipartStore } from './s3-store';
import type { MultipartStore, StoreTarget } from './store';

function cloudStore(config: Config, target: StoreTarget): MultipartStore {
  switch (config.ticketProvider) {
    case 'oss':
      return ossMultipartStore({ ...target, signatureVersion: 'v4' });
    case 'oss-v1':
      return ossMultipartStore({ ...target, signatureVersion: 'v1' });
    case 'cos':
      return cosMultipartStore(target);
    case 'obs':
      return obsMultipartStore(target);
    case 's3':
      return s3MultipartStore(target);
  }
}

export function storeResolver(config: Config, credentials: CredentialSource, now: () => Date, log?: (line: string) => void): (req: IncomingMessage) => MultipartStore {
  if (config.provider !== 'local') {
    const store = cloudStore(config, { endpoint: config.endpoint!, bucket: config.bucket, region: config.region, credentials, now, log });
    return () => store;
  }
  const stores = new Map<string, MultipartStore>();
  return (req) => {
    const address = req.socket.localAddress ?? '127.0.0.1';
    const endpoint = `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}${DEV_BUCKET_PATH}`;
    let store = stores.get(endpoint);
    if (!store) {
      store = s3MultipartStore({ endpoint, bucket: config.bucket, region: config.region, credentials, now });
      stores.set(endpoint, store);
    }
    return store;
  };
}
