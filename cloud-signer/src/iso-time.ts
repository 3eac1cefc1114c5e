// `Date.prototype.toISOString` without formatting a date per ticket. Under load dozens of
// tickets share a millisecond, and the ticket path names it twice (the answer's serverTime
// and the audit line); under light load each ticket has a millisecond of its own, and V8
// formats every ISO time through a printf-style routine (~6.7k instructions, counted with
// `npm run bench:instructions`). So the text up to the second is remembered for the last
// second asked, and the milliseconds are written on.
let lastSecond = NaN;
let secondText = '';
let lastMs = NaN;
let lastText = '';

/** The same text as `now.toISOString()`. */
export function isoTime(now: Date): string {
  const ms = now.getTime();
  if (ms === lastMs) return lastText;
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    // "YYYY-MM-DDTHH:MM:SS" (years outside 0000–9999 have a longer form, and stay whole).
    secondText = now.toISOString().slice(0, -5);
    lastSecond = second;
  }
  const millis = ms - second * 1000;
  lastText = `${secondText}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  lastMs = ms;
  return lastText;
}
