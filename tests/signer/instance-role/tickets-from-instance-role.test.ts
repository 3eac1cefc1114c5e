// Tickets signed with instance-role keys, per cloud, through a real signer (startSigner,
// wired as npm start) against the loopback metadata stand-in, each ticket checked with
// the same official-SDK cross-checks as the static-key dialect tests and carrying the
// security token. Keys rotate every 20 minutes (each set lives 60): a burst of 20 ticket
// requests across a rotation keeps every ticket valid for the keys it names; an outage
// before expiry keeps tickets flowing; after expiry the signer answers 503 and signs nothing.
import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import OSS from 'ali-oss';
import COS from 'cos-nodejs-sdk-v5';
import { buildPolicy } from '../../../miniprogram/shared/signing/dialects/policy';
import type { TicketResponse, UploadTicket } from '../../../typings/ticket';
import { startMetadataStandIn, type IssuedKeys, type MetadataCloud, type MetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner, type RunningSigner } from '../../support/signer';

jest.setTimeout(30_000);

const MINUTE = 60_000;
const T0 = Date.parse('2030-03-01T08:00:00Z');
const ROTATE_EVERY_MS = 20 * MINUTE;
const LIFETIME_MS = 60 * MINUTE;
const MAX_BYTES = 20 * 1024 * 1024;
const PHOTO = { name: 'IMG_0001.jpg', size: 2_345_678, type: 'image/jpeg' };

interface Cloud {
  cloud: MetadataCloud;
  env: Record<string, string>;
  /** Where the ticket names its key id. */
  keyIdOf(ticket: UploadTicket): string;
  /** The official SDK's (or, for OBS, the documented) signature check for the keys named. */
  verify(ticket: UploadTicket, keys: IssuedKeys, now: Date): Promise<void> | void;
  /** The path whose reads hand out keys. */
  credentialsPath: string;
}

const decodePolicy = (ticket: UploadTicket, field: string) => JSON.parse(Buffer.from(ticket.fields[field], 'base64').toString('utf8'));

const CLOUDS: Cloud[] = [
  {
    cloud: 'alibaba',
    env: { UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-hangzhou' },
    keyIdOf: (ticket) => ticket.fields['x-oss-credential'].split('/')[0],
    verify(ticket, keys, now) {
      const oss = new OSS({ region: 'oss-cn-hangzhou', bucket: 'examplebucket', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, stsToken: keys.securityToken, secure: true });
      expect(ticket.fields['x-oss-signature']).toBe(oss.signPostObjectPolicyV4(decodePolicy(ticket, 'policy'), now));
      expect(ticket.fields['x-oss-security-token']).toBe(keys.securityToken);
      expect(decodePolicy(ticket, 'policy').conditions).toContainEqual({ 'x-oss-security-token': keys.securityToken });
    },
    credentialsPath: '/latest/meta-data/ram/security-credentials/upload-signer',
  },
  {
    cloud: 'tencent',
    env: { UPLOAD_PROVIDER: 'cos', UPLOAD_METHOD: 'put', UPLOAD_BUCKET: 'examplebucket-1250000000', UPLOAD_REGION: 'ap-guangzhou' },
    keyIdOf: (ticket) => /q-ak=([^&]+)/.exec(ticket.headers.Authorization)![1],
    verify(ticket, keys) {
      const keyTime = /q-key-time=([^&]+)/.exec(ticket.headers.Authorization)![1];
      expect(ticket.headers['x-cos-security-token']).toBe(keys.securityToken);
      const expected = COS.getAuthorization({
        SecretId: keys.accessKeyId,
        SecretKey: keys.accessKeySecret,
        Method: 'put',
        Key: ticket.key,
        Headers: {
          'Content-Type': ticket.headers['Content-Type'],
          'Content-Length': String(PHOTO.size),
          Host: new URL(ticket.url).host,
          'x-cos-security-token': keys.securityToken,
        },
        KeyTime: keyTime,
      });
      expect(ticket.headers.Authorization).toBe(expected);
    },
    credentialsPath: '/latest/meta-data/cam/security-credentials/upload-signer',
  },
  {
    cloud: 'huawei',
    env: { UPLOAD_PROVIDER: 'obs', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-north-4' },
    keyIdOf: (ticket) => ticket.fields.AccessKeyId,
    verify(ticket, keys) {
      // esdk-obs-nodejs cannot sign a policy it did not build (tests/signing/obs.test.ts
      // shows our signing step equals its own); OBS documents the step: base64
      // HMAC-SHA1 of the base64 policy under the secret, computed here independently.
      const expected = createHmac('sha1', keys.accessKeySecret).update(ticket.fields.policy).digest('base64');
      expect(ticket.fields.signature).toBe(expected);
      expect(ticket.fields['x-obs-security-token']).toBe(keys.securityToken);
      expect(decodePolicy(ticket, 'policy').conditions).toContainEqual({ 'x-obs-security-token': keys.securityToken });
    },
    credentialsPath: '/openstack/latest/securitykey',
  },
  {
    cloud: 'aws',
    env: { UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'us-east-1' },
    keyIdOf: (ticket) => ticket.fields['X-Amz-Credential'].split('/')[0],
    async verify(ticket, keys, now) {
      const ttlSeconds = (Date.parse(ticket.expiresAt) - now.getTime()) / 1000;
      const client = new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.accessKeySecret, sessionToken: keys.securityToken },
      });
      const { conditions } = buildPolicy({ bucket: 'examplebucket', key: ticket.key, contentType: 'image/jpeg', contentTypeField: 'Content-Type', maxBytes: MAX_BYTES, now, ttlSeconds });
      jest.useFakeTimers({
        now,
        doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime', 'performance'],
      });
      let official;
      try {
        official = await createPresignedPost(client, {
          Bucket: 'examplebucket',
          Key: ticket.key,
          Conditions: conditions as never,
          Fields: { 'Content-Type': 'image/jpeg', success_action_status: '201' },
          Expires: ttlSeconds,
        });
      } finally {
        jest.useRealTimers();
      }
      expect(JSON.stringify(ticket.fields)).toBe(JSON.stringify(official.fields));
      expect(ticket.fields['X-Amz-Security-Token']).toBe(keys.securityToken);
    },
    credentialsPath: '/latest/meta-data/iam/security-credentials/upload-signer',
  },
];

describe.each(CLOUDS)('$cloud instance role', (cloud) => {
  let clock = T0;
  let service: MetadataStandIn;
  let signer: RunningSigner;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    service = await startMetadataStandIn({ cloud: cloud.cloud, clock: () => clock, epochMs: T0, rotateEveryMs: ROTATE_EVERY_MS, lifetimeMs: LIFETIME_MS });
    // The AWS SDK takes its IMDS endpoint from the process environment only.
    if (cloud.cloud === 'aws') process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = service.origin;
    signer = await startSigner(
      {
        ...cloud.env,
        UPLOAD_CREDENTIALS: 'instance-role',
        ...(cloud.cloud === 'aws' ? {} : { UPLOAD_METADATA_ENDPOINT: service.origin }),
        UPLOAD_TICKET_TTL_SECONDS: '600',
      },
      { now: () => new Date(clock) },
    );
  });
  afterAll(async () => {
    await signer?.close();
    await service?.close();
    delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    warn.mockRestore();
  });

  const credentialReads = () => service.calls.filter((call) => call.method === 'GET' && call.path === cloud.credentialsPath).length;
  /** The keys generation n of the stand-in issued. */
  const keysNamed = (keyId: string) => service.keysAt(T0 + Number(/(\d+)$/.exec(keyId)![1]) * ROTATE_EVERY_MS);

  async function askTickets(count: number): Promise<{ status: number; text: string; body?: TicketResponse }> {
    const res = await fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: Array.from({ length: count }, () => PHOTO) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.ok ? (JSON.parse(text) as TicketResponse) : undefined };
  }

  /** Every ticket verifies for the keys it names, and expires no later than they do. */
  async function expectValid(tickets: UploadTicket[], now: Date): Promise<string[]> {
    const ids: string[] = [];
    for (const ticket of tickets) {
      const keys = keysNamed(cloud.keyIdOf(ticket));
      await cloud.verify(ticket, keys, now);
      expect(Date.parse(ticket.expiresAt)).toBeLessThanOrEqual(keys.expiration.getTime());
      ids.push(keys.accessKeyId);
    }
    return ids;
  }

  test('signs with the role keys, across a rotation, through an outage, and never once they expired', async () => {
    // Startup fetched the first keys: one read.
    expect(credentialReads()).toBe(1);

    // A 20-file batch: every ticket with generation 0, verified, carrying the token.
    const batch = await askTickets(20);
    expect(batch.status).toBe(200);
    expect(await expectValid(batch.body!.tickets, new Date(clock))).toEqual(Array(20).fill(keysNamed('0').accessKeyId));
    expect(credentialReads()).toBe(1);

    // 45 minutes on, the cache starts a background refresh (lead point: 5 min before the
    // 10 min ticket-lifetime margin) while 20 requests arrive; the service has rotated
    // twice by then. Whichever keys each ticket got, it is valid for them.
    clock = T0 + 45 * MINUTE + 1000;
    const burst = await Promise.all(Array.from({ length: 20 }, () => askTickets(1)));
    expect(burst.map((b) => b.status)).toEqual(Array(20).fill(200));
    const used = await expectValid(burst.flatMap((b) => b.body!.tickets), new Date(clock));
    expect(new Set(used).size).toBeLessThanOrEqual(2);
    for (let i = 0; i < 100 && credentialReads() < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(credentialReads()).toBe(2); // one refresh for the whole burst
    const afterRotation = await askTickets(20);
    expect(await expectValid(afterRotation.body!.tickets, new Date(clock))).toEqual(Array(20).fill(keysNamed('2').accessKeyId));

    // An outage 5 minutes before those keys expire: the refresh fails, is logged, and
    // tickets keep flowing with the current keys, each no longer-lived than they are.
    service.down = true;
    clock = T0 + 95 * MINUTE;
    const duringOutage = await askTickets(20);
    expect(duringOutage.status).toBe(200);
    expect(await expectValid(duringOutage.body!.tickets, new Date(clock))).toEqual(Array(20).fill(keysNamed('2').accessKeyId));
    expect(duringOutage.body!.tickets[0].expiresAt).toBe(new Date(T0 + 100 * MINUTE).toISOString());
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/still serving the current temporary credentials, valid until 2030-03-01T09:40:00.000Z/));

    // Past their expiry, with the service still down: 503, and nothing signed.
    clock = T0 + 100 * MINUTE + 1000;
    const expired = await askTickets(20);
    expect(expired.status).toBe(503);
    expect(JSON.parse(expired.text)).toEqual({ error: { code: 'CredentialsUnavailable', message: expect.stringMatching(/expired/) } });
    expect(expired.text).not.toContain(keysNamed('2').securityToken);
    expect(expired.text).not.toContain(keysNamed('2').accessKeySecret);
    expect(signer.logged.join('\n')).toMatch(/no valid signing credentials/);
    expect(signer.logged.join('\n')).not.toContain(keysNamed('2').accessKeySecret);

    // The service is back: fresh keys, tickets again.
    service.down = false;
    clock = T0 + 101 * MINUTE;
    const recovered = await askTickets(1);
    expect(recovered.status).toBe(200);
    expect(await expectValid(recovered.body!.tickets, new Date(clock))).toEqual([keysNamed('5').accessKeyId]);
  });
});
