// A loopback stand-in for each cloud's instance metadata service, answering the paths and
// shapes of the vendors' documents: Alibaba ECS "Instance metadata" (hardened mode: PUT
// /latest/api/token with X-aliyun-ecs-metadata-token-ttl-seconds, reads with
// X-aliyun-ecs-metadata-token; ram/security-credentials/<role>), Tencent CVM "Instance
// metadata" (cam/security-credentials/<role>: TmpSecretId, TmpSecretKey, Token,
// ExpiredTime; no token handshake), Huawei ECS "Obtaining metadata"
// (/openstack/latest/securitykey; token via PUT /meta-data/latest/api/token with
// X-Metadata-Token-Ttl-Seconds) and AWS "Use IMDSv2" (PUT /latest/api/token with
// X-aws-ec2-metadata-token-ttl-seconds; iam/security-credentials/<role>).
//
// Keys rotate on the test's own clock: generation n is issued at epoch + n × rotateEveryMs
// and expires lifetimeMs later, so consecutive generations overlap as the real services'
// do. `down = true` is an outage: connections are cut without an answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type MetadataCloud = 'alibaba' | 'tencent' | 'huawei' | 'aws';

export interface IssuedKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiration: Date;
}

export interface MetadataStandInOptions {
  cloud: MetadataCloud;
  /** The attached role; null = none attached. Ignored by Huawei (one agency per ECS). */
  role?: string | null;
  /** The test's pinned clock, in ms. */
  clock: () => number;
  epochMs: number;
  rotateEveryMs: number;
  lifetimeMs: number;
  /** `required`: reads without a valid token get 401 (hardened only); `unsupported`: the token PUT is 404. */
  tokens?: 'required' | 'optional' | 'unsupported';
}

export interface MetadataCall {
  method: string;
  path: string;
  /** The token header sent, if any. */
  token?: string;
  /** The Authorization header (AWS container credentials). */
  authorization?: string;
}

export interface MetadataStandIn {
  origin: string;
  calls: MetadataCall[];
  down: boolean;
  /** The keys the service hands out at `ms` on the test clock. */
  keysAt(ms: number): IssuedKeys;
  close(): Promise<void>;
}

interface CloudShape {
  tokenPath?: string;
  ttlHeader?: string;
  tokenHeader?: string;
  rolePath?: string;
  document(keys: IssuedKeys, issuedAt: Date): unknown;
}

const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const SHAPES: Record<MetadataCloud, CloudShape> = {
  alibaba: {
    tokenPath: '/latest/api/token',
    ttlHeader: 'x-aliyun-ecs-metadata-token-ttl-seconds',
    tokenHeader: 'x-aliyun-ecs-metadata-token',
    rolePath: '/latest/meta-data/ram/security-credentials/',
    document: (keys, issuedAt) => ({
      AccessKeyId: keys.accessKeyId,
      AccessKeySecret: keys.accessKeySecret,
      Expiration: isoSeconds(keys.expiration),
      SecurityToken: keys.securityToken,
      LastUpdated: isoSeconds(issuedAt),
      Code: 'Success',
    }),
  },
  tencent: {
    rolePath: '/latest/meta-data/cam/security-credentials/',
    document: (keys) => ({
      TmpSecretId: keys.accessKeyId,
      TmpSecretKey: keys.accessKeySecret,
      ExpiredTime: Math.floor(keys.expiration.getTime() / 1000),
      Expiration: isoSeconds(keys.expiration),
      Token: keys.securityToken,
      Code: 'Success',
    }),
  },
  huawei: {
    tokenPath: '/meta-data/latest/api/token',
    ttlHeader: 'x-metadata-token-ttl-seconds',
    tokenHeader: 'x-metadata-token',
    document: (keys) => ({
      credential: {
        access: keys.accessKeyId,
        secret: keys.accessKeySecret,
        securitytoken: keys.securityToken,
        // Huawei writes microseconds.
        expires_at: keys.expiration.toISOString().replace(/Z$/, '000Z'),
      },
    }),
  },
  aws: {
    tokenPath: '/latest/api/token',
    ttlHeader: 'x-aws-ec2-metadata-token-ttl-seconds',
    tokenHeader: 'x-aws-ec2-metadata-token',
    rolePath: '/latest/meta-data/iam/security-credentials/',
    document: (keys, issuedAt) => ({
      Code: 'Success',
      LastUpdated: isoSeconds(issuedAt),
      Type: 'AWS-HMAC',
      AccessKeyId: keys.accessKeyId,
      SecretAccessKey: keys.accessKeySecret,
      Token: keys.securityToken,
      Expiration: isoSeconds(keys.expiration),
    }),
  },
};

/** Path of the AWS container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) on the aws stand-in. */
export const CONTAINER_CREDENTIALS_PATH = '/v2/credentials/task';

export async function startMetadataStandIn(options: MetadataStandInOptions): Promise<MetadataStandIn> {
  const shape = SHAPES[options.cloud];
  const role = options.role === undefined ? 'upload-signer' : options.role;
  const tokens = options.tokens ?? 'required';
  const issuedTokens = new Set<string>();
  const calls: MetadataCall[] = [];
  let tokenCount = 0;

  const generationAt = (ms: number) => Math.max(0, Math.floor((ms - options.epochMs) / options.rotateEveryMs));
  const keysOf = (generation: number): IssuedKeys => ({
    accessKeyId: `${options.cloud.toUpperCase()}KEY${generation}`,
    accessKeySecret: `${options.cloud}-secret-${generation}/+=`,
    securityToken: `${options.cloud}-token-${generation}+/=`,
    expiration: new Date(options.epochMs + generation * options.rotateEveryMs + options.lifetimeMs),
  });
  const keysAt = (ms: number) => keysOf(generationAt(ms));

  const send = (res: http.ServerResponse, status: number, body: string, type = 'text/plain') => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const standIn = { down: false } as MetadataStandIn;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const token = shape.tokenHeader ? (req.headers[shape.tokenHeader] as string | undefined) : undefined;
    calls.push({ method: req.method ?? '', path, token, authorization: req.headers.authorization });
    if (standIn.down) {
      req.socket.destroy();
      return;
    }
    if (shape.tokenPath && path === shape.tokenPath) {
      if (req.method !== 'PUT' || tokens === 'unsupported') return send(res, tokens === 'unsupported' ? 404 : 405, 'Not Found');
      const ttl = Number(req.headers[shape.ttlHeader!]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return send(res, 400, 'Missing or invalid token TTL header');
      const issued = `${options.cloud}-metadata-token-${++tokenCount}`;
      issuedTokens.add(issued);
      return send(res, 200, issued);
    }
    // AWS container credentials ("Task IAM role" / EKS Pod Identity): no IMDS token, the
    // platform's authorization token instead.
    if (options.cloud === 'aws' && path === CONTAINER_CREDENTIALS_PATH) {
      if (!req.headers.authorization) return send(res, 401, 'Unauthorized');
      return send(res, 200, JSON.stringify(shape.document(keysAt(options.clock()), new Date(options.clock()))), 'application/json');
    }
    if (shape.tokenHeader && tokens === 'required' && (token === undefined || !issuedTokens.has(token))) {
      return send(res, 401, 'Unauthorized');
    }
    const now = options.clock();
    const generation = generationAt(now);
    const document = () => JSON.stringify(shape.document(keysOf(generation), new Date(options.epochMs + generation * options.rotateEveryMs)));
    if (options.cloud === 'huawei' && path === '/openstack/latest/securitykey') {
      if (role === null) return send(res, 401, '{"error":"Please configure Cloud Service Agency first"}', 'application/json');
      return send(res, 200, document(), 'application/json');
    }
    if (shape.rolePath && path === shape.rolePath) {
      return role === null ? send(res, 404, 'Not Found') : send(res, 200, role);
    }
    if (shape.rolePath && role !== null && path === shape.rolePath + role) return send(res, 200, document(), 'application/json');
    send(res, 404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(standIn, {
    origin: `http://127.0.0.1:${port}`,
    calls,
    keysAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
