// Object key naming: `<prefix>YYYY/MM/DD/<16 hex random>.<ext>`. The server alone
// picks keys; nothing from the client's file name survives but the normalised extension,
// so a client can neither choose a path nor overwrite someone else's object.
import { randomFillSync } from 'node:crypto';

/** 8 random bytes = 64 bits: collisions within one day's folder are not a practical concern. */
const RANDOM_BYTES_PER_KEY = 8;

// Filling one buffer for many keys keeps the ticket hot path free of a syscall per key
// (the same trick Node uses for randomUUID). Values are still from the CSPRNG.
const POOL_KEYS = 128;
const pool = Buffer.alloc(RANDOM_BYTES_PER_KEY * POOL_KEYS);
let poolOffset = pool.length;

/** 16 lowercase hex characters from the CSPRNG. */
export function randomKeyPart(): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const part = pool.toString('hex', poolOffset, poolOffset + RANDOM_BYTES_PER_KEY);
  poolOffset += RANDOM_BYTES_PER_KEY;
  return part;
}

function twoDigits(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const DAY_MS = 86_400_000;
// The last day named: every key of a day shares its folder, so it is formatted once a day.
let lastDay = NaN;
let lastDayPath = '';

/** `YYYY/MM/DD/` of `now` in UTC, so every signer names the same day the same way. */
export function datePath(now: Date): string {
  const day = Math.floor(now.getTime() / DAY_MS);
  if (day !== lastDay) {
    lastDayPath = `${now.getUTCFullYear()}/${twoDigits(now.getUTCMonth() + 1)}/${twoDigits(now.getUTCDate())}/`;
    lastDay = day;
  }
  return lastDayPath;
}

export function objectKey(prefix: string, now: Date, extension: string, random: string = randomKeyPart()): string {
  return `${prefix}${datePath(now)}${random}.${extension}`;
}

/** Folder under the prefix for objects the app signed itself (/api/credentials), so an operator can tell them apart. */
export const CLIENT_FOLDER = 'client/';

/** Keys this signer could have issued: used to refuse object links for anything else. */
export const KEY_SHAPE = /^\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.[a-z0-9]{1,10}$/;
/** Keys the app names in a grant's folder: `client/YYYY/MM/DD/<16 hex grant>/<16 hex>.<ext>`. */
export const CLIENT_KEY_SHAPE = new RegExp(`^${CLIENT_FOLDER}\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{16}/[0-9a-f]{16}\\.[a-z0-9]{1,10}$`);

/** Whether what follows a caller's folder is a key we hand out, ourselves or through a grant. */
export function isIssuedKeyTail(rest: string): boolean {
  return KEY_SHAPE.test(rest) || CLIENT_KEY_SHAPE.test(rest);
}

/** Whether `key` lies under `prefix` and has the shape of a key we hand out, ourselves or through a grant. */
export function isIssuedKeyShape(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && isIssuedKeyTail(key.slice(prefix.length));
}
