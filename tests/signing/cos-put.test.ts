// COS PUT against cos-nodejs-sdk-v5 COS.getAuthorization for the same method,
// key, headers and window (KeyTime is the SDK's own time parameter).
import COS from 'cos-nodejs-sdk-v5';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { cosEndpoint, cosKeyTime } from '../../miniprogram/shared/signing/dialects/cos';
import { cosPutDialect } from '../../miniprogram/shared/signing/dialects/cos-put';
import { AWKWARD_KEY, CONTENT_TYPE, CREDENTIAL_CASES, NOW, SIZE, STS_CREDENTIALS, TTL_SECONDS, ticketInput } from '../support/dialect-inputs';

const BUCKET = 'examplebucket-1250000000';
const HOST = `${BUCKET}.cos.ap-guangzhou.myqcloud.com`;
const TARGET = { bucket: BUCKET, region: 'ap-guangzhou', endpoint: cosEndpoint(BUCKET, 'ap-guangzhou') };

describe('cos PUT with an Authorization header', () => {
  it.each(CREDENTIAL_CASES)('signs like COS.getAuthorization with %s', (_label, credentials) => {
    const ticket = cosPutDialect.signUpload(ticketInput(TARGET, { credentials, key: AWKWARD_KEY }), nodeCrypto);
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPE, 'Content-Length': String(SIZE), Host: HOST };
    if (credentials.securityToken) headers['x-cos-security-token'] = credentials.securityToken;
    const expected = COS.getAuthorization({
      SecretId: credentials.accessKeyId,
      SecretKey: credentials.accessKeySecret,
      Method: 'put',
      Key: AWKWARD_KEY,
      Headers: headers,
      KeyTime: cosKeyTime(NOW, TTL_SECONDS),
    });
    expect(ticket.headers.Authorization).toBe(expected);
  });

  it('PUTs to the object URL with COS key encoding, sending the signed content type', () => {
    const ticket = cosPutDialect.signUpload(ticketInput(TARGET, { key: AWKWARD_KEY }), nodeCrypto);
    expect(ticket.method).toBe('PUT');
    expect(ticket.url).toBe(`https://${HOST}/uploads/2026/11/22/a%20b%281%29%21%27%2A%E7%85%A7%E7%89%87.jpg`);
    expect(ticket.headers['Content-Type']).toBe(CONTENT_TYPE);
    expect(ticket.headers.Authorization).toContain('q-header-list=content-length;content-type;host&');
    expect(ticket.fields).toEqual({});
  });

  it('sends and signs the token header when temporary credentials are used', () => {
    const ticket = cosPutDialect.signUpload(ticketInput(TARGET, { credentials: STS_CREDENTIALS }), nodeCrypto);
    expect(ticket.headers['x-cos-security-token']).toBe(STS_CREDENTIALS.securityToken);
    expect(ticket.headers.Authorization).toContain('q-header-list=content-length;content-type;host;x-cos-security-token&');
  });

  it('refuses a declared size above the limit: the PUT would pin it', () => {
    expect(() => cosPutDialect.signUpload(ticketInput(TARGET, { size: 21, maxBytes: 20 }), nodeCrypto)).toThrow(/exact size/);
  });
});
