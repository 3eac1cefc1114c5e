// One HTTP exchange with an instance metadata service, and the one error type every
// instance-role failure becomes: a plain sentence safe to log (an answer that carries
// keys is never quoted), with a code saying what to fix.
export type MetadataErrorCode = 'Unreachable' | 'NoRole' | 'TokenRefused' | 'HttpError' | 'MalformedResponse';

export class MetadataError extends Error {
  override readonly name = 'MetadataError';
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The metadata service sits on the instance's own link: it answers in milliseconds or
 * not at all. 3 s is what Huawei's SDK allows; a refresh is retried later anyway.
 */
export const METADATA_TIMEOUT_MS = 3000;

/** Longest piece of an error answer we quote (error answers carry no keys). */
const MAX_QUOTED_CHARS = 200;

export interface MetadataAnswer {
  status: number;
  body: string;
}

/** Node's fetch: the metadata services speak plain HTTP/1.1 and need nothing more. */
export async function metadataRequest(
  service: string,
  url: URL,
  init: { method?: 'GET' | 'PUT'; headers?: Record<string, string> } = {},
): Promise<MetadataAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${METADATA_TIMEOUT_MS} ms` : String((error as Error).cause ?? (error as Error).message);
    throw new MetadataError(
      'Unreachable',
      `${service} at ${url.origin} cannot be reached (${reason}); UPLOAD_CREDENTIALS=instance-role works only on a cloud instance with a role attached`,
    );
  }
}

/** For messages about answers that are errors (never about ones carrying keys). */
export function quoted(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}
