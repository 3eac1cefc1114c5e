// Everything client-side signing needs at runtime, behind one function: crypto-js
// (from the mini program's npm build), js-base64 and every dialect. Only ever loaded
// lazily (services.ts requires it when `signing: 'client'` first needs a ticket), so
// the default server-signing app runs even when npm was never built.
import type { CredentialsResponse } from '../../../../typings/credentials';
import type { UploadTicket } from '../../../../typings/ticket';
import { ClientSigningError, signClientTicket, type ClientFile } from '../client/index';
import { cryptoJs } from './crypto-js';
import { findDialect } from '../index';

export function signWithCryptoJs(grant: CredentialsResponse, file: ClientFile, random: string, now: Date): UploadTicket {
  const dialect = findDialect(grant.provider, grant.method);
  if (!dialect) throw new ClientSigningError(`This app cannot sign ${grant.provider} uploads with method ${grant.method}.`);
  return signClientTicket(grant, file, { dialect, crypto: cryptoJs, random, now });
}
