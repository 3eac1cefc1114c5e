// Client-side signing mode (config `signing: 'client'`): tickets made on the phone
// from a /api/credentials grant, behind the same TicketSource the engine uses for
// POST /api/tickets, so uploads, retries and fresh tickets work the same either way.
// One grant serves every file until shortly before its credentials expire; files
// needing it at the same moment share one request. The signing code (crypto-js and
// the dialects) is loaded only here, on first use, so the default server mode never
// needs the mini program's npm packages.
import type { UploadTicket, TicketRequestFile } from '../../../typings/ticket';
import type { CredentialsResponse } from '../../../typings/credentials';
import { ClientSigningError, type ClientFile } from '../signing/client/index';
import { problem, type Problem } from './failure';
import { effectiveType, extensionOf, UNKNOWN_TYPE } from './mime';
import { SignerError, signerProblem, type CredentialsGrant, type TicketClient, type TicketSource } from './ticket-client';

/** Signs one ticket for `file` with the grant's credentials at the signer's time `now`. */
export type SignTicket = (grant: CredentialsResponse, file: ClientFile, random: string, now: Date) => UploadTicket;

export interface ClientSigningOptions {
  /** Loads the signing code; throws when it is not there (WeChat npm not built). */
  loadSigner: () => SignTicket;
  /** Cryptographically secure random bytes from the platform (WeChat: getRandomValues); undefined when it has none. */
  secureRandom?: (length: number) => Promise<Uint8Array>;
}

/**
 * Credentials with less than this left are replaced before signing: client-signer.ts
 * refuses under a minute, and a ticket signed now must still be good when its upload
 * reaches the store a minute later.
 */
export const CREDENTIALS_REFRESH_MS = 2 * 60 * 1000;
/** 8 bytes = the 16 hex characters of the key's random part (the signer's own shape). */
const RANDOM_BYTES_PER_KEY = 8;

const clientSigning = (code: string, extra: Partial<Problem> = {}) => new SignerError(problem('clientSigning', { ...extra, code }));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 1) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

/** What the app binds into the policy for one file, or the problem that stops it. */
function clientFile(file: TicketRequestFile): ClientFile | Problem {
  const contentType = effectiveType({ name: file.name, type: file.type ?? '' });
  const extension = extensionOf(file.name);
  if (contentType === UNKNOWN_TYPE || !/^[a-z0-9]{1,10}$/.test(extension)) {
    return problem('typeNotAllowed', { context: { fileType: contentType === UNKNOWN_TYPE ? extension || undefined : contentType } });
  }
  return { size: file.size, contentType, extension };
}

export function createClientTicketSource(
  client: Pick<TicketClient, 'credentials'>,
  options: ClientSigningOptions,
  now: () => number,
): TicketSource {
  let cached: CredentialsGrant | undefined;
  let fetching: Promise<CredentialsGrant> | undefined;
  let sign: SignTicket | undefined;

  const msLeft = (held: CredentialsGrant) => Date.parse(held.grant.credentials.expiration) - (now() + held.serverOffsetMs);

  function grant(): Promise<CredentialsGrant> {
    if (cached && msLeft(cached) > CREDENTIALS_REFRESH_MS) return Promise.resolve(cached);
    if (!fetching) {
      fetching = client.credentials().then(
        (fresh) => {
          cached = fresh;
          fetching = undefined;
          return fresh;
        },
        (error: unknown) => {
          fetching = undefined; // the next need asks again
          const p = signerProblem(error);
          // 404 NotConfigured: this signer has no STS role, so it cannot hand out credentials.
          // 403 QuotaNotEnforceable: it counts a daily quota that credentials would get around.
          if (p.code === 'NotConfigured' || p.code === 'QuotaNotEnforceable') throw clientSigning(p.code, { status: p.status });
          throw error;
        },
      );
    }
    return fetching;
  }

  function loadSigner(): SignTicket {
    if (!sign) {
      try {
        sign = options.loadSigner();
      } catch {
        throw clientSigning('NpmNotBuilt');
      }
    }
    return sign;
  }

  return {
    async tickets(files) {
      const signTicket = loadSigner();
      if (!options.secureRandom) throw clientSigning('NoSecureRandom');
      const held = await grant();
      const prepared = files.map(clientFile);
      const bad = prepared.findIndex((p) => 'reason' in p);
      if (bad >= 0) throw new SignerError(prepared[bad] as Problem, bad);

      let random: Uint8Array;
      try {
        random = await options.secureRandom(RANDOM_BYTES_PER_KEY * files.length);
      } catch {
        throw clientSigning('NoSecureRandom');
      }
      if (random.length < RANDOM_BYTES_PER_KEY * files.length) throw clientSigning('NoSecureRandom');

      const serverTimeMs = now() + held.serverOffsetMs;
      const tickets = (prepared as ClientFile[]).map((file, i) => {
        const part = hex(random.subarray(i * RANDOM_BYTES_PER_KEY, (i + 1) * RANDOM_BYTES_PER_KEY));
        try {
          return signTicket(held.grant, file, part, new Date(serverTimeMs));
        } catch (error) {
          if (file.size > held.grant.limits.maxBytes) {
            throw new SignerError(problem('tooLarge', { context: { maxBytes: held.grant.limits.maxBytes } }), i);
          }
          const detail = error instanceof ClientSigningError ? error.message : undefined;
          throw new SignerError(problem('clientSigning', { code: 'SignFailed', context: { detail } }), i);
        }
      });
      return { tickets, serverOffsetMs: held.serverOffsetMs, serverTimeMs, limits: held.grant.limits };
    },
  };
}
