// Provider -> dialect. One file per provider lives in miniprogram/shared/signing/ (shared
// with the mini program), and so does the table (the app signs from it in client mode);
// this wrapper only turns "no such dialect" into a startup ConfigError.
import type { TicketProvider } from '../../typings/ticket';
import type { Dialect } from '../../miniprogram/shared/signing/index';
import { findDialect } from '../../miniprogram/shared/signing/index';
import { ConfigError, type UploadMethod } from './config';

/** The dialect for a provider and upload method; a ConfigError when there is none (checked at startup). */
export function dialectFor(provider: TicketProvider, method: UploadMethod): Dialect {
  const dialect = findDialect(provider, method);
  if (dialect === undefined) {
    throw new ConfigError(
      `UPLOAD_PROVIDER=${provider} with UPLOAD_METHOD=${method} is not supported by this signer yet.`,
    );
  }
  return dialect;
}
