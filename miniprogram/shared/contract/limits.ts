// Per-request limits both sides enforce: the app splits its batches by them and the
// signer refuses anything larger with a 400.

/** One ticket request carries 1 to 20 files: one tap of "upload" (WeChat's chooseMedia picks at most 20). */
export const MAX_FILES_PER_TICKET_REQUEST = 20;
/** One /api/object-urls request signs at most 100 links (a history page is never longer in one go). */
export const MAX_KEYS_PER_LINKS_REQUEST = 100;
/** One /api/uploads/parts request signs at most 100 parts: every part in flight under WeChat's 10-request budget, many times over. */
export const MAX_PARTS_PER_SIGN_REQUEST = 100;
/** A file name is at most 255 UTF-16 units (the common file-system limit); the signer refuses longer ones, and the app shortens them first. */
export const MAX_FILE_NAME_LENGTH = 255;
/** A file name, not a path: the signer refuses these, and the app replaces them first. */
export const NAME_SEPARATOR = /[/\\]/;
/** NUL and the other C0 controls plus DEL: no legitimate file name has them, and they break logs and headers. */
export const NAME_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/**
 * A file's `idempotencyKey` in a ticket request: 16 to 64 letters, digits, "-" or "_". The app
 * makes one per file and sends it on every request for that file; the signer refuses another shape.
 */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;
