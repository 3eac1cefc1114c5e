// `Date.prototype.toISOString` remembered for the last millisecond asked. Under load
// dozens of tickets share a millisecond, and the ticket path names it twice (the
// answer's serverTime and the audit line): one formatting instead of one per use.
let lastMs = NaN;
let lastText = '';

/** The same text as `now.toISOString()`. */
export function isoTime(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastMs) {
    lastText = now.toISOString();
    lastMs = ms;
  }
  return lastText;
}
