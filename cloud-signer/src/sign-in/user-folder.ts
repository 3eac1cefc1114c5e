// The folder a user's objects go to: `<prefix><folder>/YYYY/MM/DD/…`. An HMAC of the
// platform and the platform's user id, so it is stable across sessions, signers and
// restarts, yet a URL never shows an openid and nobody without the key can tell whose it is.
import { createHmac } from 'node:crypto';
import type { SignInPlatform } from './settings';

/** Callers without a session (dev bucket on loopback, UPLOAD_ALLOW_ANONYMOUS=true) share this folder. */
export const ANONYMOUS_FOLDER = 'anonymous';
/** Server-to-server callers presenting a static UPLOAD_AUTH_TOKENS token. */
export const SERVICE_FOLDER = 'service';

/** 96 bits: no two users of one app will ever meet in a folder. */
const FOLDER_HEX_CHARACTERS = 24;

/** A user folder is 24 lowercase hex characters; the two shared folders are named. */
export const USER_FOLDER_SHAPE = /^(?:[0-9a-f]{24}|anonymous|service)$/;

export function userFolder(secret: string, platform: SignInPlatform, platformUserId: string): string {
  return createHmac('sha256', secret).update(`${platform}:${platformUserId}`, 'utf8').digest('hex').slice(0, FOLDER_HEX_CHARACTERS);
}
