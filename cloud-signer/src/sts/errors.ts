// STS failures as one error type whose text is safe to log and to show an operator:
// the vendor's code and message, never the secret that signed the request.

const VENDOR_NAMES = { alibaba: 'Alibaba Cloud STS', tencent: 'Tencent Cloud STS', aws: 'AWS STS' } as const;

export class StsError extends Error {
  override readonly name = 'StsError';
  constructor(
    readonly vendor: keyof typeof VENDOR_NAMES,
    /** The vendor's error code (e.g. `AccessDenied`), or ours for malformed answers. */
    readonly code: string,
    message: string,
  ) {
    super(`${VENDOR_NAMES[vendor]} AssumeRole failed (${code}): ${message}`);
  }
}

/** Longest vendor message we keep: enough for the reason, not a whole response dump. */
const MAX_VENDOR_MESSAGE_CHARS = 300;

/**
 * Turns whatever an SDK threw into an StsError. SDK errors carry the request, the
 * response body and sometimes the client config, so nothing of the original object
 * is kept but its code and message, and any secret that still appears is masked.
 */
export function toStsError(vendor: StsError['vendor'], error: unknown, secrets: readonly string[]): StsError {
  if (error instanceof StsError) return error;
  const raw = (error ?? {}) as { code?: unknown; Code?: unknown; name?: unknown; message?: unknown };
  const code = String(raw.code ?? raw.Code ?? raw.name ?? 'UnknownError');
  const message = typeof raw.message === 'string' ? raw.message : String(error);
  return new StsError(vendor, redact(code, secrets), redact(message, secrets).slice(0, MAX_VENDOR_MESSAGE_CHARS));
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A date the vendor sent, or an StsError: an unparseable expiry must never be cached as valid. */
export function parseExpiration(vendor: StsError['vendor'], value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new StsError(vendor, 'MalformedResponse', 'the answer has no valid credential expiration');
  }
  return date;
}
