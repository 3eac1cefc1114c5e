// The dev bucket's data folder, prepared before the signer listens: it must be a
// folder this process can write (a file there used to start fine, answer /healthz ok
// and fail every upload with 500), and it keeps the dev bucket's keys, made on first
// start, so a restart does not turn every ticket already handed out into
// InvalidAccessKeyId. Synchronous on purpose: it runs once, before anything listens.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Credentials } from '../../miniprogram/shared/signing/index';
import { ConfigError, type Config } from './config';

/** In the data folder itself, beside objects/, meta/ and tmp/ (which the bucket owns). */
export const DEV_KEYS_FILE = 'dev-keys.json';
/** Owner read/write only: the file holds the dev bucket's secret. */
const KEY_FILE_MODE = 0o600;

/** `config` with its data folder ready and, unless the operator set keys, the folder's own dev keys. */
export function prepareDevDataDir(config: Config): Config {
  if (config.provider !== 'local') return config;
  ensureWritableFolder(config.dataDir);
  if (!config.ephemeralCredentials) return config;
  return { ...config, credentials: devKeysIn(config.dataDir), ephemeralCredentials: false };
}

function ensureWritableFolder(dir: string): void {
  let stat;
  try {
    stat = statSync(dir, { throwIfNoEntry: false });
  } catch {
    stat = undefined; // e.g. ENOTDIR: mkdir below names the problem
  }
  if (stat && !stat.isDirectory()) {
    throw new ConfigError(`UPLOAD_DATA_DIR must be a folder for the dev bucket's objects, but ${dir} is a file.`);
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`UPLOAD_DATA_DIR=${dir} cannot be used as the dev bucket's folder (${code}); choose a folder this user can write.`);
  }
}

/** Reads the folder's keys, making them first when there are none. */
function devKeysIn(dir: string): Credentials {
  const file = path.join(dir, DEV_KEYS_FILE);
  const existing = readKeys(file);
  if (existing) return existing;
  const made: Credentials = {
    accessKeyId: 'DEV' + randomBytes(8).toString('hex').toUpperCase(),
    accessKeySecret: randomBytes(24).toString('base64url'),
  };
  // Written whole under a private name, then linked into place: a second signer
  // starting at the same moment either wins the link or reads the winner's file,
  // never a half-written one.
  const draft = path.join(dir, `.${DEV_KEYS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(draft, JSON.stringify(made) + '\n', { mode: KEY_FILE_MODE, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readKeys(file) ?? made;
}

function readKeys(file: string): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Partial<Credentials> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<Credentials>;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed?.accessKeyId !== 'string' || typeof parsed.accessKeySecret !== 'string' || !parsed.accessKeyId || !parsed.accessKeySecret) {
    // Never quote the file: it holds a secret.
    throw new ConfigError(
      `The dev bucket's key file ${file} (UPLOAD_DATA_DIR) is damaged; delete it and new keys are made at the next start ` +
        '(tickets handed out before then stop working).',
    );
  }
  return { accessKeyId: parsed.accessKeyId, accessKeySecret: parsed.accessKeySecret };
}
