// Provider and upload method -> dialect: the one table both the signer (its tickets)
// and the app (client-side signing from a /api/credentials grant) choose from, so the
// app signs exactly as the signer would for the same settings.
import type { TicketProvider } from '../../../../typings/ticket';
import type { Dialect } from './dialect';
import { s3Dialect } from './s3';
import { ossDialect } from './oss';
import { ossV1Dialect } from './oss-v1';
import { cosDialect } from './cos';
import { cosPutDialect } from './cos-put';
import { obsDialect } from './obs';
import { s3PutDialect } from './s3-presign';

export type UploadMethodSetting = 'post' | 'put';

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

/** The dialect for a provider and method, or undefined when there is none. */
export function findDialect(provider: TicketProvider, method: UploadMethodSetting): Dialect | undefined {
  const table = method === 'put' ? PUT_DIALECTS : POST_DIALECTS;
  return Object.prototype.hasOwnProperty.call(table, provider) ? table[provider] : undefined;
}
