// Whether a text is all ASCII: its UTF-8 byte count is then its length, which spares the
// ticket route counting (and so flattening) a reply it assembled from pieces.
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export const isAscii = (text: string): boolean => ASCII_ONLY.test(text);
