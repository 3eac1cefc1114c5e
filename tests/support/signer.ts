// The one way tests start a signer: the same server main.ts starts, on 127.0.0.1 and an
// ephemeral port, with a fresh temp data dir that close() removes. With the local provider
// the dev bucket is mounted too, as `npm start` does; `devBucket: false` leaves it out for
// tests of the signing API alone. Log lines are kept in `logged` instead of printed.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../cloud-signer/src/config';
import type { CredentialSource } from '../../cloud-signer/src/credentials';
import { prepareDevDataDir } from '../../cloud-signer/src/dev-data-dir';
import { devBucketFor } from '../../cloud-signer/src/dev-bucket-for';
import { createSignerServer, type SignerDeps } from '../../cloud-signer/src/server';
import { signingCredentialsFromEnv } from '../../cloud-signer/src/signing-credentials';
import { openSignerEnv } from './open-signer-env';

export interface RunningSigner {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  config: Config;
  dataDir: string;
  /** What the signer logged (it never prints during tests). */
  logged: string[];
  close(): Promise<void>;
}

export interface SignerOptions {
  now?: () => Date;
  /** Overrides the credentials the environment describes (static keys, instance role, STS). */
  credentials?: CredentialSource;
  /** Mount the dev bucket when the provider is local (default true, like npm start). */
  devBucket?: boolean;
  /** Where audit lines go (none by default), or a Redis client for the limits. */
  guard?: SignerDeps['guard'];
}

export async function startSigner(env: Record<string, string> = {}, opts: SignerOptions = {}): Promise<RunningSigner> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signer-test-'));
  try {
    const signerEnv = openSignerEnv({ UPLOAD_DATA_DIR: dataDir, ...env, HOST: '127.0.0.1', PORT: '0' });
    // As main.ts does: the dev bucket's folder and its keys are ready before anything listens.
    const config = prepareDevDataDir(loadConfig(signerEnv));
    const logged: string[] = [];
    const devBucket =
      opts.devBucket === false
        ? undefined
        : devBucketFor(config, { now: opts.now, onError: (error) => console.error('dev bucket: unexpected error', error) });
    // Its folder is prepared before anything listens, so a close() right after start
    // never removes the folder under a preparation still running.
    await devBucket?.ready;
    // Instance role / STS credentials exactly as main.ts wires them; startup waits for the first keys.
    const signing = await signingCredentialsFromEnv(signerEnv, config);
    await signing.ready(opts.now?.() ?? new Date());
    const server = createSignerServer({
      config,
      devBucket,
      now: opts.now,
      credentials: opts.credentials ?? signing.credentials,
      assumeRole: signing.assumeRole,
      guard: opts.guard,
      log: (line) => logged.push(line),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      config,
      dataDir: config.dataDir,
      logged,
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
