// Reads what an object store says when it refuses an upload. S3, OSS, COS and OBS
// answer with the same XML shape (<Error><Code/><Message/></Error>); some gateways
// and COS/OBS variants answer JSON. We only need the code and message, to tell an
// expired ticket or a skewed clock (get a fresh ticket) from a real refusal.

export interface StoreError {
  code?: string;
  message?: string;
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name])
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .trim();
}

function xmlElement(body: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body);
  return match ? decodeXml(match[1]) || undefined : undefined;
}

function stringField(source: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function fromJson(body: string): StoreError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const root = parsed as Record<string, unknown>;
  // `{"error":{"code","message"}}` (our signer, some gateways) or a flat object.
  const inner = root.error && typeof root.error === 'object' ? (root.error as Record<string, unknown>) : root;
  const code = stringField(inner, 'code', 'Code');
  const message = stringField(inner, 'message', 'Message');
  return code || message ? { code, message } : undefined;
}

/** The store's code and message, or `{}` when the body says nothing we can read. */
export function parseStoreError(body: string): StoreError {
  const text = body.trim();
  if (text.startsWith('<')) {
    const code = xmlElement(text, 'Code');
    const message = xmlElement(text, 'Message');
    return { code, message };
  }
  return fromJson(text) ?? {};
}

/** Codes that mean "this ticket (or its temporary key) is too old, or the phone's clock is off". */
const EXPIRY_OR_SKEW_CODES: ReadonlySet<string> = new Set([
  'RequestTimeTooSkewed', // S3, OSS, COS, OBS: request date too far from the store's clock
  'ExpiredToken', // S3/COS: the STS security token expired
  'TokenRefreshRequired',
  'SecurityTokenExpired', // OSS STS
  'RequestExpired',
]);

/**
 * Codes a store answers with a 400 when the body came too slowly or stopped short: the
 * network, not the request. S3, OSS and OBS say RequestTimeout ("Your socket connection to
 * the server was not read from or written to within the timeout period"), COS RequestTimeOut;
 * IncompleteBody (S3, COS) is a body shorter than its Content-Length, a connection cut mid-way.
 */
const SLOW_OR_CUT_BODY_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'RequestTimeOut', 'IncompleteBody']);

/** Whether the store gave up on the body (too slow, or cut short): the same upload may work again. */
export function isSlowOrCutBody(error: StoreError): boolean {
  return error.code !== undefined && SLOW_OR_CUT_BODY_CODES.has(error.code);
}

/** AccessDenied / InvalidAccessKeyId messages that actually mean expiry ("Policy expired.", "Request has expired"). */
const EXPIRY_MESSAGE = /\b(policy expired|request has expired|has expired|token.*expired|expired token)\b/i;

export function isExpiryOrSkew(error: StoreError): boolean {
  if (error.code && EXPIRY_OR_SKEW_CODES.has(error.code)) return true;
  return error.message !== undefined && EXPIRY_MESSAGE.test(error.message);
}

/** A policy condition that names the size or the content type ("Policy Condition failed: [\"eq\", \"$Content-Type\", …]"). */
export function violatedCondition(error: StoreError): 'size' | 'type' | undefined {
  if (error.code === 'EntityTooLarge') return 'size';
  const message = error.message ?? '';
  if (/content-length-range/i.test(message)) return 'size';
  if (/content-type/i.test(message)) return 'type';
  return undefined;
}
