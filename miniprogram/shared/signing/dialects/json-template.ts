// JSON text with holes: serialise an object once with marker strings where the values
// change, then fill the holes per call. The signer's ticket path answers thousands of
// tickets a second that differ only in key, policy and signature; JSON.stringify of
// the whole ticket costs more than its HMAC (V8 re-walks and re-escapes ~1.5 KB each
// time), splicing four strings into fixed text costs next to nothing.

/** Characters JSON.stringify writes as they are: no quote, backslash, control or surrogate. */
const NEEDS_NO_ESCAPING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** What JSON.stringify writes between the quotes of a string value. */
export function jsonStringContent(value: string): string {
  return NEEDS_NO_ESCAPING.test(value) ? value : JSON.stringify(value).slice(1, -1);
}

/**
 * `render(contents)` is byte for byte `JSON.stringify(sample)` with every string value equal
 * to `markers[i]` replaced by the string whose JSON content is `contents[i]` (callers escape
 * with jsonStringContent, or pass text that needs none: base64, hex, checked keys).
 * Markers must be strings no real value can be (e.g. with a NUL in them) and appear only
 * as whole string values, never as names.
 */
export function jsonTemplate(sample: unknown, markers: readonly string[]): (contents: readonly string[]) => string {
  const text = JSON.stringify(sample);
  const quoted = markers.map((marker) => JSON.stringify(marker));
  const pieces: string[] = [];
  const holes: number[] = [];
  let from = 0;
  for (;;) {
    let next = -1;
    let which = -1;
    for (let i = 0; i < quoted.length; i++) {
      const at = text.indexOf(quoted[i], from);
      if (at >= 0 && (next < 0 || at < next)) {
        next = at;
        which = i;
      }
    }
    if (next < 0) break;
    pieces.push(text.slice(from, next + 1)); // up to and with the opening quote
    holes.push(which);
    from = next + quoted[which].length - 1; // from the closing quote on
  }
  pieces.push(text.slice(from));
  return (contents) => {
    let out = pieces[0];
    for (let i = 0; i < holes.length; i++) out += contents[holes[i]] + pieces[i + 1];
    return out;
  };
}
