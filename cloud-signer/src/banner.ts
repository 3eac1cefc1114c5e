// The lines the signer prints when it starts: where to reach it (from this machine and
// from a phone on the same Wi-Fi), what it signs for and where objects are kept.
// Never a secret: no key, no token.
import type { NetworkInterfaceInfo } from 'node:os';
import { isLoopbackHost } from './auth';
import type { Config } from './config';
import { quotasAgainstGrants } from './guard/settings';
import { anonymousAllowed } from './sign-in/access-policy';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Private ranges in the order a phone's Wi-Fi is likely to share them: home and office
 * routers hand out 192.168/16, then 10/8; 172.16/12 is mostly container bridges (docker0).
 */
const LAN_PREFERENCE = [/^192\.168\./, /^10\./, /^172\.(1[6-9]|2\d|3[01])\./];

/** The IPv4 a phone on the same network could most likely reach, or undefined. */
export function lanIPv4(interfaces: Interfaces): string | undefined {
  const candidates: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4' && !info.internal) candidates.push(info.address);
    }
  }
  for (const range of LAN_PREFERENCE) {
    const match = candidates.find((address) => range.test(address));
    if (match) return match;
  }
  return candidates[0];
}

/** Who may get tickets: sign-in platforms, the dev login, tokens, anonymous callers, limits. */
function accessLines(config: Config): string[] {
  const { signIn, guard } = config;
  const lines: string[] = [];
  const real = [signIn.wechat && 'WeChat', signIn.alipay && 'Alipay'].filter(Boolean);
  if (real.length > 0) lines.push(`  Sign-in: ${real.join(' and ')} (POST /api/sessions)`);
  if (signIn.devLogin.length > 0) {
    lines.push(
      `  Dev login (no appid needed): any ${signIn.devLogin.map((p) => (p === 'wechat' ? 'wx.login' : 'my.getAuthCode')).join(' or ')} ` +
        'code signs in as one local user; "dev:<name>" codes name others',
    );
  }
  if (config.authTokens.length > 0) lines.push(`  Static bearer tokens for server-to-server callers: ${config.authTokens.length} configured`);
  lines.push(anonymousAllowed(config) ? '  Anonymous callers get tickets too (keys under anonymous/)' : '  Tickets need a session or a token');
  if (signIn.ephemeralSessionSecret) lines.push('  Session tokens end with this process (no UPLOAD_SESSION_SECRET)');
  const limits = [
    guard.ratePerMinute > 0 && `${guard.ratePerMinute} requests/minute`,
    guard.filesPerDay > 0 && `${guard.filesPerDay} files/day`,
    guard.bytesPerDay > 0 && `${guard.bytesPerDay} bytes/day`,
  ].filter(Boolean);
  lines.push(
    limits.length > 0
      ? `  Limits per user (per IP without a session): ${limits.join(', ')}, counted ${guard.redisUrl ? (guard.redisCluster ? 'in a Redis Cluster' : 'in Redis') : 'in this process'}`
      : '  No rate limit or quota (UPLOAD_RATE_PER_MINUTE, UPLOAD_QUOTA_FILES_PER_DAY, UPLOAD_QUOTA_BYTES_PER_DAY)',
  );
  return lines;
}

export interface BannerFacts {
  config: Config;
  /** The port actually bound (PORT=0 picks one). */
  port: number;
  interfaces: Interfaces;
  /** UPLOAD_STS_ROLE_ARN is set: GET /api/credentials exists (client-side signing). */
  temporaryCredentials?: boolean;
}

export function bannerLines({ config, port, interfaces, temporaryCredentials }: BannerFacts): string[] {
  const lines = [`Signer listening on http://${urlHost(config.host)}:${port}`];
  const lan = lanIPv4(interfaces);
  if (WILDCARD_HOSTS.has(config.host)) {
    lines.push(lan ? `  Phone on the same network (debug mode): http://${lan}:${port}` : '  No LAN IPv4 address found for a phone to use.');
  } else if (isLoopbackHost(config.host)) {
    lines.push(
      lan
        ? `  Reachable from this machine only. For a phone in debug mode, start with HOST=0.0.0.0 (and UPLOAD_AUTH_TOKENS) and use http://${lan}:${port}`
        : '  Reachable from this machine only; for a phone in debug mode set HOST=0.0.0.0 (and UPLOAD_AUTH_TOKENS).',
    );
  }
  if (config.provider === 'local') {
    lines.push(`  Provider: local (embedded dev bucket, S3 ${config.method === 'put' ? 'presigned PUT' : 'POST policy'}), bucket "${config.bucket}"`);
    lines.push(`  Objects kept in: ${config.dataDir}`);
    lines.push(`  Console: http://${urlHost(WILDCARD_HOSTS.has(config.host) ? '127.0.0.1' : config.host)}:${port}/`);
  } else {
    lines.push(`  Provider: ${config.provider}, bucket "${config.bucket}" in ${config.region}`);
    lines.push(`  Uploads go to: ${config.endpoint}`);
  }
  lines.push(...accessLines(config));
  if (temporaryCredentials) {
    const quotas = quotasAgainstGrants(config.guard);
    lines.push(
      quotas.length > 0
        ? `  Client-side signing (GET /api/credentials) is refused while ${quotas.join(' and ')} ${quotas.length > 1 ? 'are' : 'is'} on: set ${quotas.length > 1 ? 'them' : 'it'} to 0 to offer it`
        : '  Client-side signing: GET /api/credentials grants temporary credentials (no daily quota holds them)',
    );
  }
  return lines;
}
