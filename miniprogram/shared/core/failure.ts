// A failure as the engine classifies it (reason + facts), turned into the
// `UploadFailure` a page shows only at the end, in the person's language.
import type { FailureReason, Lang, UploadFailure } from './types';
import { failureMessage, type MessageContext } from './messages';

export interface Problem {
  reason: FailureReason;
  retryable: boolean;
  status?: number;
  code?: string;
  /** Facts for the message (the limit that applied, the signer's sentence…). */
  context?: MessageContext;
  /** How long the answer (Retry-After) asked to wait before asking again. */
  retryAfterMs?: number;
}

/** Whether a retry button makes sense for each reason, unless a case says otherwise. */
const RETRYABLE: Readonly<Record<FailureReason, boolean>> = Object.freeze({
  network: true,
  timeout: true,
  server: true,
  tooLarge: false, // the same bytes will be refused again
  typeNotAllowed: false,
  expired: true, // usually the phone's clock: fixable, then retry
  denied: true, // a signature problem may be a stale ticket; a retry gets a fresh one
  unauthorized: false, // needs a configuration change first
  signerUnreachable: true,
  signerSlow: true,
  signerRejected: false,
  appFault: false, // the same request (same file, same key) is refused again; picked again, the file gets a new key
  badResponse: true, // a proxy's error page is often transient
  domain: false,
  file: false,
  clientSigning: false, // a developer must change the configuration first
  quota: false, // nothing changes before the next day: a retry button would only fail again
  rateLimited: true,
  signIn: true, // a login usually works a moment later
  unknown: true,
});

export function problem(reason: FailureReason, extra: Partial<Omit<Problem, 'reason'>> = {}): Problem {
  return { retryable: RETRYABLE[reason], ...extra, reason };
}

export function toFailure(p: Problem, lang: Lang): UploadFailure {
  const failure: UploadFailure = {
    reason: p.reason,
    message: failureMessage(p.reason, lang, { status: p.status, code: p.code, ...p.context }),
    retryable: p.retryable,
  };
  if (p.status !== undefined) failure.status = p.status;
  if (p.code !== undefined) failure.code = p.code;
  return failure;
}

/** "https://bucket.oss-cn-hangzhou.aliyuncs.com/x" -> "bucket.oss-cn-hangzhou.aliyuncs.com" (no URL class in the mini program world). */
export function hostOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(url);
  return match ? match[1] : undefined;
}
