// Entry point: `node cloud-signer/dist/signer.js`. Reads .env when present, validates
// the configuration, refuses an unsafe exposure, starts the server (and the dev bucket
// for UPLOAD_PROVIDER=local), prints where it is, and shuts down cleanly on a signal.
import { networkInterfaces } from 'node:os';
import { bannerLines } from './banner';
import { ConfigError, loadConfig } from './config';
import { devBucketFor } from './dev-bucket-for';
import { loadDotEnv } from './dot-env';
import { prepareDevDataDir } from './dev-data-dir';
import { endKeptAliveConnections } from './connection-limits';
import { createSignerServer } from './server';
import { signingCredentialsFromEnv, type SigningCredentials } from './signing-credentials';
import { StsConfigError } from './sts/config';
import { startupRefusal } from './sign-in/access-policy';

/** In-flight uploads get this long to finish after SIGINT/SIGTERM before connections are cut. */
const SHUTDOWN_GRACE_MS = 5000;

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    // Variables already in the environment win over .env; a malformed line stops the start, named by its number.
    loadDotEnv('.env');
    // The dev bucket's folder (and its keys) are checked before anything listens.
    config = prepareDevDataDir(loadConfig(process.env));
  } catch (error) {
    stop(error instanceof ConfigError ? `Configuration error: ${error.message}` : `Cannot read configuration: ${(error as Error).message}`);
  }
  const refusal = startupRefusal(config);
  if (refusal !== undefined) stop(refusal);

  let server;
  let signing: SigningCredentials;
  let devBucket;
  try {
    devBucket = devBucketFor(config, {
      onError: (error) => process.stderr.write(`dev bucket: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`),
    });
    // Instance role and/or AssumeRole credentials, refreshed before expiry; else the static keys.
    signing = await signingCredentialsFromEnv(process.env, config);
    server = createSignerServer({
      config,
      devBucket,
      credentials: signing.credentials,
      assumeRole: signing.assumeRole,
      // One JSON line per ticket, unless UPLOAD_AUDIT_LOG names a file.
      guard: { auditWrite: (text) => process.stdout.write(text) },
    });
  } catch (error) {
    const isConfig = error instanceof ConfigError || error instanceof StsConfigError;
    stop(isConfig ? `Configuration error: ${(error as Error).message}` : `Cannot start: ${(error as Error).message}`);
  }

  server.on('error', (error: NodeJS.ErrnoException) => {
    stop(
      error.code === 'EADDRINUSE'
        ? `Port ${config.port} on ${config.host} is already in use; set PORT to another port.`
        : `Cannot listen on ${config.host}:${config.port}: ${error.message}`,
    );
  });
  // Nothing listens before the first keys are in hand and the dev bucket's folders are
  // made and reconciled: a folder that cannot be made would otherwise answer every upload 500.
  const bucketReady = (devBucket?.ready ?? Promise.resolve()).catch((error: Error) =>
    stop(`Cannot prepare the dev bucket in UPLOAD_DATA_DIR (${config.dataDir}): ${error.message}`),
  );
  Promise.all([signing.ready(new Date()), bucketReady]).then(
    () =>
      server.listen(config.port, config.host, () => {
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : config.port;
        process.stdout.write(bannerLines({ config, port, interfaces: networkInterfaces(), temporaryCredentials: signing.assumeRole !== undefined }).join('\n') + '\n');
      }),
    (error: Error) => stop(`Cannot start: ${error.message}`),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing the signer\n`);
    // Uploads cut by the exit leave no temp file: their own cleanup is asynchronous and would never run.
    const exit = () => {
      devBucket?.discardInFlightSync();
      process.exit(0);
    };
    server.close(exit);
    // Kept-alive connections are told to close with their next answer, idle ones closed now.
    endKeptAliveConnections(server);
    setTimeout(() => {
      server.closeAllConnections();
      exit();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

// Every failure inside main() ends in stop() (exit 1) with its own message.
void main();
