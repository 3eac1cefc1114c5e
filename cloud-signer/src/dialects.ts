// Provider -> dialect. One file per provider lives in miniprogram/core/signing/ (shared
// with the mini program); this table is the only place the signer chooses among them.
import type { TicketProvider } from '../../typings/ticket';
import type { Dialect } from '../../miniprogram/core/signing/dialect';
import { s3Dialect } from '../../miniprogram/core/signing/s3';
import { ossDialect } from '../../miniprogram/core/signing/oss';
import { ossV1Dialect } from '../../miniprogram/core/signing/oss-v1';
import { cosDialect } from '../../miniprogram/core/signing/cos';
import { cosPutDialect } from '../../miniprogram/core/signing/cos-put';
import { obsDialect } from '../../miniprogram/core/signing/obs';
import { s3PutDialect } from '../../miniprogram/core/signing/s3-presign';
import { ConfigError, type UploadMethod } from './config';

const POST_DIALECTS: Partial<Record<TicketProvider, Dialect>> = {
  s3: s3Dialect,
  oss: ossDialect,
  'oss-v1': ossV1Dialect,
  cos: cosDialect,
  obs: obsDialect,
};

const PUT_DIALECTS: Partial<Record<TicketProvider, Dialect>> = {
  s3: s3PutDialect,
  cos: cosPutDialect,
};

/** The dialect for a provider and upload method; a ConfigError when there is none (checked at startup). */
export function dialectFor(provider: TicketProvider, method: UploadMethod): Dialect {
  const dialect = (method === 'put' ? PUT_DIALECTS : POST_DIALECTS)[provider];
  if (dialect === undefined) {
    throw new ConfigError(
      `UPLOAD_PROVIDER=${provider} with UPLOAD_METHOD=${method} is not supported by this signer yet.`,
    );
  }
  return dialect;
}
