// The hardened metadata mode Alibaba ECS and Huawei ECS share with AWS IMDSv2: PUT a
// token request, then send the token with every read. A token proves the request came
// from the instance itself, not from a server-side request forgery relayed through it.
import { MetadataError, metadataRequest, quoted } from './metadata-http';

export interface TokenHandshake {
  service: string;
  /** e.g. `/latest/api/token` */
  path: string;
  ttlHeader: string;
  tokenHeader: string;
}

/**
 * Each refresh asks for a fresh token, so it only has to outlive the two or three reads
 * that follow; a short life leaves little for anyone who might copy it.
 */
export const METADATA_TOKEN_TTL_SECONDS = 60;

/**
 * Headers for the metadata reads: the token, or none when the service refuses tokens and
 * plain mode is allowed (UPLOAD_METADATA_ALLOW_PLAIN). An unreachable service throws
 * either way: plain reads would not get through it either.
 */
export async function hardenedModeHeaders(
  base: URL,
  handshake: TokenHandshake,
  allowPlainMode: boolean,
): Promise<Record<string, string>> {
  const answer = await metadataRequest(handshake.service, new URL(handshake.path, base), {
    method: 'PUT',
    headers: { [handshake.ttlHeader]: String(METADATA_TOKEN_TTL_SECONDS) },
  });
  const token = answer.body.trim();
  if (answer.status === 200 && token !== '') return { [handshake.tokenHeader]: token };
  if (allowPlainMode) return {};
  throw new MetadataError(
    'TokenRefused',
    `${handshake.service} refused a hardened-mode token (PUT ${handshake.path}: HTTP ${answer.status} ${quoted(answer.body)}); ` +
      'set UPLOAD_METADATA_ALLOW_PLAIN=true only if this instance cannot use hardened mode',
  );
}
