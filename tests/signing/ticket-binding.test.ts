// Every dialect's ticket binds exactly one key, the size range, the content
// type, the expiry and (when set) the STS token, and each of those is under the
// signature: change one input and the signature changes.
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import type { Dialect, TicketInput } from '../../miniprogram/shared/signing/dialects/dialect';
import type { UploadTicket } from '../../typings/ticket';
import { cosDialect, cosEndpoint } from '../../miniprogram/shared/signing/dialects/cos';
import { cosPutDialect } from '../../miniprogram/shared/signing/dialects/cos-put';
import { obsDialect, obsEndpoint } from '../../miniprogram/shared/signing/dialects/obs';
import { ossDialect, ossEndpoint } from '../../miniprogram/shared/signing/dialects/oss';
import { ossV1Dialect } from '../../miniprogram/shared/signing/dialects/oss-v1';
import { s3PutDialect } from '../../miniprogram/shared/signing/dialects/s3-presign';
import { CONTENT_TYPE, MAX_BYTES, NOW, PLAIN_KEY, SIZE, STS_CREDENTIALS, TTL_SECONDS, ticketInput } from '../support/dialect-inputs';

const EXPIRES_AT = new Date(NOW.getTime() + TTL_SECONDS * 1000).toISOString();

interface PostCase {
  name: string;
  dialect: Dialect;
  target: { bucket: string; region: string; endpoint: string };
  signatureField: string;
  tokenField: string;
}

const POST_CASES: PostCase[] = [
  { name: 'oss', dialect: ossDialect, target: { bucket: 'examplebucket', region: 'cn-hangzhou', endpoint: ossEndpoint('examplebucket', 'cn-hangzhou') }, signatureField: 'x-oss-signature', tokenField: 'x-oss-security-token' },
  { name: 'oss-v1', dialect: ossV1Dialect, target: { bucket: 'examplebucket', region: 'cn-hangzhou', endpoint: ossEndpoint('examplebucket', 'cn-hangzhou') }, signatureField: 'Signature', tokenField: 'x-oss-security-token' },
  { name: 'cos', dialect: cosDialect, target: { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', endpoint: cosEndpoint('examplebucket-1250000000', 'ap-guangzhou') }, signatureField: 'q-signature', tokenField: 'x-cos-security-token' },
  { name: 'obs', dialect: obsDialect, target: { bucket: 'examplebucket', region: 'cn-north-4', endpoint: obsEndpoint('examplebucket', 'cn-north-4') }, signatureField: 'signature', tokenField: 'x-obs-security-token' },
];

function policyOf(ticket: UploadTicket): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(ticket.fields.policy, 'base64').toString('utf8'));
}

describe.each(POST_CASES)('$name POST ticket', ({ dialect, target, signatureField, tokenField }) => {
  const sign = (overrides: Partial<TicketInput> = {}) => dialect.signUpload(ticketInput(target, overrides), nodeCrypto);

  it('binds bucket, exact key, content type, size range and expiry in the signed policy', () => {
    const ticket = sign();
    const policy = policyOf(ticket);
    expect(policy.expiration).toBe(EXPIRES_AT);
    expect(ticket.expiresAt).toBe(EXPIRES_AT);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: target.bucket },
        ['eq', '$key', PLAIN_KEY],
        ['eq', '$Content-Type', CONTENT_TYPE],
        ['content-length-range', 1, MAX_BYTES],
      ]),
    );
    expect(ticket).toMatchObject({ method: 'POST', url: target.endpoint, key: PLAIN_KEY, fileField: 'file', maxBytes: MAX_BYTES, contentType: CONTENT_TYPE, successStatus: 200 });
    expect(ticket.fields).toMatchObject({ key: PLAIN_KEY, 'Content-Type': CONTENT_TYPE, success_action_status: '200' });
    expect(Object.values(ticket.fields).every((v) => typeof v === 'string')).toBe(true);
  });

  it('binds the token in form and policy only when one is set', () => {
    expect(sign().fields[tokenField]).toBeUndefined();
    const ticket = sign({ credentials: STS_CREDENTIALS });
    expect(ticket.fields[tokenField]).toBe(STS_CREDENTIALS.securityToken);
    expect(policyOf(ticket).conditions).toContainEqual({ [tokenField]: STS_CREDENTIALS.securityToken });
  });

  it.each<[string, Partial<TicketInput>]>([
    ['key', { key: `${PLAIN_KEY}.exe` }],
    ['size limit', { maxBytes: MAX_BYTES - 1 }],
    ['content type', { contentType: 'image/png' }],
    ['lifetime', { ttlSeconds: TTL_SECONDS + 1 }],
    ['token', { credentials: STS_CREDENTIALS }],
  ])('signs the %s: changing it changes the signature', (_what, change) => {
    expect(sign(change).fields[signatureField]).not.toBe(sign().fields[signatureField]);
  });
});

describe('cos PUT ticket', () => {
  const target = { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', endpoint: cosEndpoint('examplebucket-1250000000', 'ap-guangzhou') };
  const sign = (overrides: Partial<TicketInput> = {}) => cosPutDialect.signUpload(ticketInput(target, overrides), nodeCrypto);

  it('binds the key (path), exact size and type (signed headers), expiry (key time) and token', () => {
    const ticket = sign({ credentials: STS_CREDENTIALS });
    expect(decodeURIComponent(new URL(ticket.url).pathname)).toBe(`/${PLAIN_KEY}`);
    const auth = new URLSearchParams(ticket.headers.Authorization);
    expect(auth.get('q-header-list')).toBe('content-length;content-type;host;x-cos-security-token');
    expect(auth.get('q-key-time')).toBe(`${NOW.getTime() / 1000};${NOW.getTime() / 1000 + TTL_SECONDS}`);
    expect(ticket).toMatchObject({ method: 'PUT', maxBytes: SIZE, expiresAt: EXPIRES_AT, headers: { 'Content-Type': CONTENT_TYPE, 'x-cos-security-token': STS_CREDENTIALS.securityToken } });
  });

  it.each<[string, Partial<TicketInput>]>([
    ['key', { key: `${PLAIN_KEY}.exe` }],
    ['size', { size: SIZE + 1 }],
    ['content type', { contentType: 'image/png' }],
    ['token', { credentials: STS_CREDENTIALS }],
  ])('signs the %s', (_what, change) => {
    const signature = (t: UploadTicket) => new URLSearchParams(t.headers.Authorization).get('q-signature');
    expect(signature(sign(change))).not.toBe(signature(sign()));
  });
});

describe('s3 presigned PUT ticket', () => {
  const target = { bucket: 'photos', region: 'auto', endpoint: 'https://0123abcd.r2.cloudflarestorage.com/photos' };
  const sign = (overrides: Partial<TicketInput> = {}) => s3PutDialect.signUpload(ticketInput(target, overrides), nodeCrypto);

  it('binds the key (path), exact size and type (signed headers), expiry and token (query)', () => {
    const ticket = sign({ credentials: STS_CREDENTIALS });
    const url = new URL(ticket.url);
    expect(decodeURIComponent(url.pathname)).toBe(`/photos/${PLAIN_KEY}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(TTL_SECONDS));
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261122T100000Z');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(STS_CREDENTIALS.securityToken);
    expect(ticket).toMatchObject({ method: 'PUT', maxBytes: SIZE, expiresAt: EXPIRES_AT, headers: { 'Content-Type': CONTENT_TYPE } });
  });

  it.each<[string, Partial<TicketInput>]>([
    ['key', { key: `${PLAIN_KEY}.exe` }],
    ['size', { size: SIZE + 1 }],
    ['content type', { contentType: 'image/png' }],
    ['token', { credentials: STS_CREDENTIALS }],
  ])('signs the %s', (_what, change) => {
    const signature = (t: UploadTicket) => new URL(t.url).searchParams.get('X-Amz-Signature');
    expect(signature(sign(change))).not.toBe(signature(sign()));
  });
});

describe('objectUrl', () => {
  it('honours a public base URL (CDN) and encodes keys the provider way', () => {
    const key = "uploads/a b(1).jpg";
    const cos = cosDialect.signUpload(ticketInput(POST_CASES[2].target, { key, publicBaseUrl: 'https://cdn.example.com/' }), nodeCrypto);
    expect(cos.objectUrl).toBe('https://cdn.example.com/uploads/a%20b%281%29.jpg');
    const oss = ossDialect.signUpload(ticketInput(POST_CASES[0].target, { key }), nodeCrypto);
    expect(oss.objectUrl).toBe('https://examplebucket.oss-cn-hangzhou.aliyuncs.com/uploads/a%20b(1).jpg');
  });
});
