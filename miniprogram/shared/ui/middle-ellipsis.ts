// Long names shortened in the middle ("IMG_2026…portrait.jpg"), as file managers do:
// what tells camera shots apart is usually at the end, next to the extension, and
// CSS can only cut at the end. Widths are counted roughly the way text renders: a
// CJK character takes about two Latin ones.

const ELLIPSIS = '…';
const isWide = (ch: string) => /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch);
const widthOf = (chars: string[]) => chars.reduce((sum, ch) => sum + (isWide(ch) ? 2 : 1), 0);

/** A file extension of up to 5 characters (".jpg", ".jpeg", ".HEIC"). */
const EXTENSION_RE = /\.[A-Za-z0-9]{1,5}$/;

/**
 * `name` if it fits `budget` narrow-character widths, else head + "…" + tail (the tail keeps
 * the extension). Only file names are cut in the middle: a label without an extension
 * ("照片 1 · 今天 10:03") reads from its start and is left to the page's end ellipsis.
 */
export function middleEllipsis(name: string, budget: number): string {
  const chars = Array.from(name); // code points: never split an emoji or surrogate pair
  if (widthOf(chars) <= budget || !EXTENSION_RE.test(name)) return name;
  const room = Math.max(2, budget - 1);
  const extension = Array.from(name.slice(name.lastIndexOf('.')));
  // The tail: the extension plus a few characters before it; the head takes the rest.
  let tailWidth = Math.min(room - 1, Math.max(widthOf(extension) + 4, Math.floor(room / 2)));
  const tail: string[] = [];
  for (let i = chars.length - 1; i >= 0 && tailWidth - (isWide(chars[i]) ? 2 : 1) >= 0; i -= 1) {
    tail.unshift(chars[i]);
    tailWidth -= isWide(chars[i]) ? 2 : 1;
  }
  let headWidth = room - widthOf(tail);
  const head: string[] = [];
  for (const ch of chars) {
    const w = isWide(ch) ? 2 : 1;
    if (headWidth - w < 0) break;
    head.push(ch);
    headWidth -= w;
  }
  return head.join('') + ELLIPSIS + tail.join('');
}
