// Where the signer answers. The apps build their request URLs from these and the
// signer's route table is keyed by them, so the two sides cannot drift apart.
export const HEALTH_PATH = '/healthz';
export const TICKETS_PATH = '/api/tickets';
export const OBJECT_URLS_PATH = '/api/object-urls';
export const CREDENTIALS_PATH = '/api/credentials';
/** Login code in, session token out (sign-in). */
export const SESSIONS_PATH = '/api/sessions';
/** Every signing route lives under this prefix (and only those need a token). */
export const API_PREFIX = '/api/';
/** Multipart (resumable) uploads: start, sign parts, complete, abort, list what the store holds. */
export const UPLOADS_PATH = '/api/uploads';
export const UPLOAD_PARTS_PATH = '/api/uploads/parts';
export const UPLOAD_COMPLETE_PATH = '/api/uploads/complete';
export const UPLOAD_ABORT_PATH = '/api/uploads/abort';
export const UPLOAD_LIST_PATH = '/api/uploads/list';
