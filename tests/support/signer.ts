// A real signer for tests: the same server main.ts starts (with the dev bucket when the
// provider is local), on 127.0.0.1 and an ephemeral port, with a fresh temp data dir
// that close() removes.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../cloud-signer/src/config';
import { devBucketFor } from '../../cloud-signer/src/dev-bucket-for';
import { createSignerServer } from '../../cloud-signer/src/server';

export interface RunningSigner {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

export async function startSigner(
  env: Record<string, string> = {},
  opts: { now?: () => Date } = {},
): Promise<RunningSigner> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signer-test-'));
  try {
    const config = loadConfig({ UPLOAD_DATA_DIR: dataDir, ...env, HOST: '127.0.0.1', PORT: '0' });
    const devBucket = devBucketFor(config, { now: opts.now, onError: (error) => console.error('dev bucket: unexpected error', error) });
    const server = createSignerServer({ config, devBucket, now: opts.now });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      config,
      dataDir: config.dataDir,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
