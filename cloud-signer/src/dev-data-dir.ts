// The dev bucket's data folder, prepared before the signer listens: it must be a
// folder this process can write (a file there used to start fine, answer /healthz ok
// and fail every upload with 500), and it keeps the dev bucket's keys and the session
// secret, made on first start, so a restart does not turn every ticket already handed
// out into InvalidAccessKeyId, nor every upload in parts under way (and every session)
// into InvalidUploadToken. Synchronous on purpose: it runs once, before anything listens.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Credentials } from '../../miniprogram/shared/signing/index';
import { ConfigError, type Config } from './config';
import { MIN_SECRET_LENGTH } from './multipart/config';

/** In the data folder itself, beside objects/, meta/ and tmp/ (which the bucket owns). */
export const DEV_KEYS_FILE = 'dev-keys.json';
/** Beside it: what UPLOAD_SESSION_SECRET would be, for upload tokens and session tokens. */
export const DEV_SESSION_SECRET_FILE = 'dev-session-secret';
/** Owner read/write only: the file holds the dev bucket's secret. */
const KEY_FILE_MODE = 0o600;

/**
 * `config` with its data folder ready and, unless the operator set them, the folder's own
 * dev keys and session secret.
 */
export function prepareDevDataDir(config: Config): Config {
  if (config.provider !== 'local') return config;
  ensureWritableFolder(config.dataDir);
  let prepared = config;
  if (prepared.ephemeralCredentials) prepared = { ...prepared, credentials: devKeysIn(config.dataDir), ephemeralCredentials: false };
  if (prepared.signIn.ephemeralSessionSecret) {
    const secret = devSessionSecretIn(config.dataDir);
    prepared = {
      ...prepared,
      // As UPLOAD_SESSION_SECRET set to it would give (multipart/config.ts, sign-in/settings.ts).
      multipart: { ...prepared.multipart, secret },
      signIn: { ...prepared.signIn, sessionSecret: new Uint8Array(Buffer.from(secret, 'utf8')), ephemeralSessionSecret: false },
    };
  }
  return prepared;
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
  const made: Credentials = {
    accessKeyId: 'DEV' + randomBytes(8).toString('hex').toUpperCase(),
    accessKeySecret: randomBytes(24).toString('base64url'),
  };
  return parseKeys(file, madeOnce(file, JSON.stringify(made) + '\n'));
}

/** Reads the folder's session secret, making it first when there is none. */
function devSessionSecretIn(dir: string): string {
  const file = path.join(dir, DEV_SESSION_SECRET_FILE);
  const secret = madeOnce(file, randomBytes(32).toString('hex') + '\n').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    // Never quote the file: it holds a secret.
    throw new ConfigError(
      `The dev session secret ${file} (UPLOAD_DATA_DIR) is damaged; delete it and a new one is made at the next start ` +
        '(uploads in parts under way then start again, and sessions sign in again).',
    );
  }
  return secret;
}

/**
 * The text of `file`, writing `text` there first when there is no such file. Written
 * whole under a private name, then linked into place: a second signer starting at the
 * same moment either wins the link or reads the winner's file, never a half-written one.
 */
function madeOnce(file: string, text: string): string {
  const existing = readIfThere(file);
  if (existing !== undefined) return existing;
  const draft = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(draft, text, { mode: KEY_FILE_MODE, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readIfThere(file) ?? text;
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseKeys(file: string, text: string): Credentials {
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
