// Which object keys a caller may get links to: its own. A user's keys lie under its
// folder; server-to-server callers (static tokens) may link any key this signer issues.
import { isIssuedKeyShape, isIssuedKeyTail } from '../keys';
import { USER_FOLDER_SHAPE } from '../sign-in/user-folder';
import type { Caller } from './caller';

export function ownsKey(caller: Caller, key: string, basePrefix: string): boolean {
  if (caller.kind !== 'service') return isIssuedKeyShape(key, caller.keyPrefix);
  if (!key.startsWith(basePrefix)) return false;
  const rest = key.slice(basePrefix.length);
  const slash = rest.indexOf('/');
  return slash > 0 && USER_FOLDER_SHAPE.test(rest.slice(0, slash)) && isIssuedKeyTail(rest.slice(slash + 1));
}
