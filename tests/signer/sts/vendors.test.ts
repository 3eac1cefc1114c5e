// Each vendor's AssumeRole through its official SDK, against a local stand-in of that
// vendor's STS API: what the SDK sends (role, duration, a session policy narrowed to
// the upload prefix), how the answer becomes credentials, and how a refusal is reported.
import { createAssumeRole, loadStsConfig, stsCredentialSource, StsConfigError, StsError } from '../../../cloud-signer/src/sts';
import { alibabaSessionPolicy } from '../../../cloud-signer/src/sts/alibaba';
import { awsSessionPolicy } from '../../../cloud-signer/src/sts/aws';
import { tencentSessionPolicy } from '../../../cloud-signer/src/sts/tencent';
import type { StsVendor, UploadScope } from '../../../cloud-signer/src/sts/types';
import { deniedReply, okReply, startStandIn, type IssuedCredentials, type StandIn } from '../../support/sts-stand-in';

const LONG_TERM_SECRET = 'LongTermSecret-must-never-leak-0123456789';

interface VendorCase {
  vendor: StsVendor;
  env: Record<string, string>;
  scope: UploadScope;
  /** The session policy as the vendor receives it, parsed. */
  policyOf(raw: string): unknown;
  expectedPolicy: unknown;
}

const CASES: VendorCase[] = [
  {
    vendor: 'alibaba',
    env: { UPLOAD_PROVIDER: 'oss', UPLOAD_STS_ROLE_ARN: 'acs:ram::123456789012:role/uploader', UPLOAD_REGION: 'cn-hangzhou' },
    scope: { bucket: 'examplebucket', region: 'cn-hangzhou', keyPrefix: 'uploads/' },
    policyOf: (raw) => JSON.parse(raw),
    expectedPolicy: {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:examplebucket/uploads/*'] }],
    },
  },
  {
    vendor: 'tencent',
    env: { UPLOAD_PROVIDER: 'cos', UPLOAD_STS_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/uploader', UPLOAD_REGION: 'ap-guangzhou' },
    scope: { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', keyPrefix: 'uploads/' },
    // Tencent wants the policy URL-encoded inside the JSON body.
    policyOf: (raw) => JSON.parse(decodeURIComponent(raw)),
    expectedPolicy: {
      version: '2.0',
      statement: [
        {
          effect: 'allow',
          action: ['name/cos:PostObject', 'name/cos:PutObject'],
          resource: ['qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/uploads/*'],
        },
      ],
    },
  },
  {
    vendor: 'aws',
    env: { UPLOAD_PROVIDER: 's3', UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader', UPLOAD_REGION: 'us-east-1' },
    scope: { bucket: 'examplebucket', region: 'us-east-1', keyPrefix: 'uploads/' },
    policyOf: (raw) => JSON.parse(raw),
    expectedPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::examplebucket/uploads/*' }],
    },
  },
];

const NOW = new Date('2026-11-22T10:00:00Z');
const DURATION_SECONDS = 900;

function issuedAt(now: Date, serial: number): IssuedCredentials {
  return {
    accessKeyId: `STS.TempKey${serial}`,
    accessKeySecret: `TempSecret${serial}`,
    securityToken: `Token${serial}/with+base64=chars`,
    expiration: new Date(now.getTime() + DURATION_SECONDS * 1000),
  };
}

describe.each(CASES)('$vendor STS through the official SDK', (c) => {
  let standIn: StandIn;
  let issueNow = NOW;
  let refuse = false;

  beforeAll(async () => {
    standIn = await startStandIn(c.vendor, (_call, n) =>
      // The stand-in echoes the long-term secret in its refusal, so redaction is really tested.
      refuse ? deniedReply(c.vendor, `role does not trust caller (${LONG_TERM_SECRET})`) : okReply(c.vendor, issuedAt(issueNow, n)),
    );
  });
  afterAll(() => standIn.close());
  beforeEach(() => {
    standIn.calls.length = 0;
    issueNow = NOW;
    refuse = false;
  });

  function config() {
    const sts = loadStsConfig({
      ...c.env,
      UPLOAD_ACCESS_KEY_ID: 'LongTermKeyId',
      UPLOAD_ACCESS_KEY_SECRET: LONG_TERM_SECRET,
      UPLOAD_STS_ENDPOINT: standIn.endpoint,
      UPLOAD_STS_DURATION_SECONDS: String(DURATION_SECONDS),
    });
    if (!sts) throw new Error('expected STS to be configured');
    expect(sts.vendor).toBe(c.vendor);
    return sts;
  }

  test('AssumeRole sends the role, the duration and a put-only policy for the upload prefix', async () => {
    const credentials = await createAssumeRole(config())(c.scope);

    expect(credentials).toEqual(issuedAt(NOW, 1));
    expect(standIn.calls).toHaveLength(1);
    const params = standIn.calls[0].params;
    expect(params.Action).toBe('AssumeRole');
    expect(params.RoleArn).toBe(c.env.UPLOAD_STS_ROLE_ARN);
    expect(params.RoleSessionName).toBe('mini-upload-signer');
    expect(Number(params.DurationSeconds)).toBe(DURATION_SECONDS);
    expect(c.policyOf(params.Policy)).toEqual(c.expectedPolicy);
  });

  test('a refusal becomes an StsError naming the vendor code, without the long-term secret', async () => {
    refuse = true;
    const error = await createAssumeRole(config())(c.scope).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(StsError);
    const sts = error as StsError;
    expect(sts.message).toMatch(/AssumeRole failed/);
    expect(sts.message + sts.code).toMatch(/NoPermission|UnauthorizedOperation|AccessDenied/);
    expect(sts.message).toContain('role does not trust caller');
    const everything = JSON.stringify(sts) + sts.message + String(sts.stack) + JSON.stringify(Object.entries(sts));
    expect(everything).not.toContain(LONG_TERM_SECRET);
    expect(sts.message).toContain('[redacted]');
  });

  test('twenty simultaneous ticket requests share one STS call; near expiry one more', async () => {
    const source = stsCredentialSource(config(), c.scope, { ticketTtlSeconds: 300 });

    const answers = await Promise.all(Array.from({ length: 20 }, () => source.get(NOW)));
    expect(standIn.calls).toHaveLength(1);
    expect(new Set(answers.map((a) => a.accessKeyId))).toEqual(new Set(['STS.TempKey1']));

    // 5 minutes (the ticket TTL) before expiry the next call refreshes, once.
    const nearExpiry = new Date(NOW.getTime() + (DURATION_SECONDS - 299) * 1000);
    issueNow = nearExpiry;
    const refreshed = await Promise.all(Array.from({ length: 5 }, () => source.get(nearExpiry)));
    expect(standIn.calls).toHaveLength(2);
    expect(refreshed.every((r) => r.accessKeyId === 'STS.TempKey2')).toBe(true);
  });
});

describe('session policies', () => {
  const scope = { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', keyPrefix: 'uploads/' };

  test('get-object is added only for the signer\'s own session on a private bucket', () => {
    for (const policyOf of [alibabaSessionPolicy, tencentSessionPolicy, awsSessionPolicy]) {
      expect(policyOf(scope)).not.toMatch(/GetObject/);
      expect(policyOf({ ...scope, allowGet: true })).toMatch(/GetObject/);
    }
  });

  test("the signer's own session may also do what its multipart calls need (start, list, complete, abort, head); an app's only puts", () => {
    const actions = (policy: string): string[] => {
      const statement = JSON.parse(policy).Statement?.[0] ?? JSON.parse(policy).statement[0];
      return [statement.Action ?? statement.action].flat();
    };
    expect(actions(alibabaSessionPolicy({ ...scope, multipart: true }))).toEqual(['oss:PutObject', 'oss:GetObject', 'oss:ListParts', 'oss:AbortMultipartUpload']);
    expect(actions(awsSessionPolicy({ ...scope, multipart: true }))).toEqual(['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload']);
    expect(actions(tencentSessionPolicy({ ...scope, multipart: true }))).toEqual([
      'name/cos:PostObject',
      'name/cos:PutObject',
      'name/cos:InitiateMultipartUpload',
      'name/cos:UploadPart',
      'name/cos:ListParts',
      'name/cos:CompleteMultipartUpload',
      'name/cos:AbortMultipartUpload',
      'name/cos:HeadObject',
    ]);
    // An app's credentials (GET /api/credentials) are scoped without it.
    for (const policyOf of [alibabaSessionPolicy, tencentSessionPolicy, awsSessionPolicy]) expect(policyOf(scope)).not.toMatch(/Multipart|ListParts|HeadObject/);
  });

  test('a key prefix holding a policy wildcard is refused rather than widened', () => {
    expect(() => awsSessionPolicy({ ...scope, keyPrefix: 'uploads/*/' })).toThrow(/policy wildcard/);
  });

  test('a COS bucket without its APPID suffix cannot be scoped', () => {
    expect(() => tencentSessionPolicy({ ...scope, bucket: 'examplebucket' })).toThrow(/must end in -<APPID>/);
  });

  test("such a bucket stops the signer's start (every ticket would be a 503 otherwise), naming the setting", () => {
    const config = loadStsConfig({
      UPLOAD_PROVIDER: 'cos',
      UPLOAD_STS_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/uploader',
      UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      UPLOAD_ACCESS_KEY_SECRET: 'long-term-secret',
    })!;
    expect(() => stsCredentialSource(config, { ...scope, bucket: 'examplebucket' })).toThrow(StsConfigError);
    expect(() => stsCredentialSource(config, { ...scope, bucket: 'examplebucket' })).toThrow(/UPLOAD_BUCKET.*must end in -<APPID>/);
    expect(() => stsCredentialSource(config, scope)).not.toThrow();
  });

  test('AWS resources follow the role\'s partition (China regions)', () => {
    expect(awsSessionPolicy({ ...scope, bucket: 'b' }, 'aws-cn')).toContain('arn:aws-cn:s3:::b/uploads/*');
  });
});
