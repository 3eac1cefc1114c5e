// UPLOAD_CREDENTIALS=instance-role together with UPLOAD_STS_ROLE_ARN: the instance role
// assumes the upload role (role chaining). Every AssumeRole the official STS SDKs send —
// for the signer's own tickets and for GET /api/credentials — is signed with the instance
// role's current keys and carries its token; after a rotation, with the new ones; once
// the instance keys have expired and the metadata service is down, 503 rather than a
// grant or a 502.
import type { CredentialsResponse } from '../../../typings/credentials';
import type { TicketResponse } from '../../../typings/ticket';
import type { StsVendor } from '../../../cloud-signer/src/sts/types';
import { startMetadataStandIn, type MetadataStandIn } from '../../support/metadata-stand-in';
import { startSigner, type RunningSigner } from '../../support/signer';
import { okReply, startStandIn, type StandIn, type StsCall } from '../../support/sts-stand-in';

jest.setTimeout(30_000);

const MINUTE = 60_000;
const T0 = Date.parse('2030-03-01T08:00:00Z');

const VENDORS: Array<{ vendor: StsVendor; cloud: 'alibaba' | 'tencent' | 'aws'; env: Record<string, string>; tokenField: string }> = [
  {
    vendor: 'alibaba',
    cloud: 'alibaba',
    env: { UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-hangzhou', UPLOAD_STS_ROLE_ARN: 'acs:ram::123456789012:role/uploader' },
    tokenField: 'x-oss-security-token',
  },
  {
    vendor: 'tencent',
    cloud: 'tencent',
    env: { UPLOAD_PROVIDER: 'cos', UPLOAD_BUCKET: 'examplebucket-1250000000', UPLOAD_REGION: 'ap-guangzhou', UPLOAD_STS_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/uploader' },
    tokenField: 'x-cos-security-token',
  },
  {
    vendor: 'aws',
    cloud: 'aws',
    env: { UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'us-east-1', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader' },
    tokenField: 'X-Amz-Security-Token',
  },
];

/** Everything a call says about who signed it: headers and parameters as one text. */
const signedBy = (call: StsCall) => JSON.stringify({ headers: call.headers, params: call.params });

describe.each(VENDORS)('$vendor: instance role → AssumeRole', ({ vendor, cloud, env, tokenField }) => {
  let clock = T0;
  let metadata: MetadataStandIn;
  let sts: StandIn;
  let signer: RunningSigner;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    metadata = await startMetadataStandIn({ cloud, clock: () => clock, epochMs: T0, rotateEveryMs: 20 * MINUTE, lifetimeMs: 60 * MINUTE });
    sts = await startStandIn(vendor, (_call, n) =>
      okReply(vendor, { accessKeyId: `STS.Session${n}`, accessKeySecret: `SessionSecret${n}`, securityToken: `SessionToken${n}`, expiration: new Date(clock + 3600_000) }),
    );
    if (cloud === 'aws') process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = metadata.origin;
    signer = await startSigner(
      {
        ...env,
        UPLOAD_CREDENTIALS: 'instance-role',
        ...(cloud === 'aws' ? {} : { UPLOAD_METADATA_ENDPOINT: metadata.origin }),
        UPLOAD_STS_ENDPOINT: sts.endpoint,
        UPLOAD_STS_DURATION_SECONDS: '3600',
      },
      { now: () => new Date(clock) },
    );
  });
  afterAll(async () => {
    await signer?.close();
    await sts?.close();
    await metadata?.close();
    delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    warn.mockRestore();
  });

  const grant = async () => {
    const res = await fetch(`${signer.origin}/api/credentials`);
    return { status: res.status, text: await res.text() };
  };

  test('every AssumeRole is signed by the current instance keys; none once they expired', async () => {
    const gen0 = metadata.keysAt(T0);

    // A grant for the app: one AssumeRole signed with the instance keys and their token.
    const first = await grant();
    expect(first.status).toBe(200);
    expect((JSON.parse(first.text) as CredentialsResponse).credentials.accessKeyId).toMatch(/^STS\.Session/);
    expect(sts.calls).toHaveLength(1);
    expect(signedBy(sts.calls[0])).toContain(gen0.accessKeyId);
    expect(signedBy(sts.calls[0])).toContain(gen0.securityToken);
    expect(signedBy(sts.calls[0])).not.toContain(gen0.accessKeySecret);

    // The signer's own tickets: signed with an AssumeRole session (scoped to the prefix), not the instance keys.
    const tickets = await fetch(`${signer.origin}/api/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1000, type: 'image/jpeg' }] }),
    });
    const ticket = ((await tickets.json()) as TicketResponse).tickets[0];
    expect({ ...ticket.fields, ...ticket.headers }[tokenField]).toMatch(/^SessionToken\d+$/);
    expect(sts.calls).toHaveLength(2);
    expect(signedBy(sts.calls[1])).toContain(gen0.accessKeyId);

    // The instance keys rotate; once the signer has picked up the new ones, AssumeRole is signed with them.
    clock = T0 + 45 * MINUTE + 1000;
    await grant(); // may still go out with the old keys while the refresh runs in the background
    const gen2 = metadata.keysAt(clock);
    for (let i = 0; i < 100; i++) {
      const reads = metadata.calls.filter((call) => call.method === 'GET' && !call.path.endsWith('/')).length;
      if (reads >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await grant()).status).toBe(200);
    expect(signedBy(sts.calls[sts.calls.length - 1])).toContain(gen2.accessKeyId);
    expect(signedBy(sts.calls[sts.calls.length - 1])).toContain(gen2.securityToken);

    // The instance keys expired and the metadata service is down: 503, no AssumeRole sent.
    metadata.down = true;
    clock = gen2.expiration.getTime() + 1000;
    const callsBefore = sts.calls.length;
    const refused = await grant();
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).error.code).toBe('CredentialsUnavailable');
    expect(sts.calls).toHaveLength(callsBefore);
  });
});
