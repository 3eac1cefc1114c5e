// The dialects as the running signer uses them: for each cloud and upload
// method, a real signer on 127.0.0.1 hands out a ticket in that provider's
// dialect and signs private-bucket links, over real HTTP (no cloud contacted).
import { startSigner, type RunningSigner } from '../support/signer';

const NOW = new Date('2026-11-22T10:00:00.000Z');

const CLOUDS = [
  { provider: 'oss', method: 'post', bucket: 'examplebucket', region: 'cn-hangzhou', signatureField: 'x-oss-signature', linkParam: 'x-oss-signature' },
  { provider: 'oss-v1', method: 'post', bucket: 'examplebucket', region: 'cn-hangzhou', signatureField: 'Signature', linkParam: 'Signature' },
  { provider: 'cos', method: 'post', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', signatureField: 'q-signature', linkParam: 'q-signature' },
  { provider: 'cos', method: 'put', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', signatureField: undefined, linkParam: 'q-signature' },
  { provider: 'obs', method: 'post', bucket: 'examplebucket', region: 'cn-north-4', signatureField: 'signature', linkParam: 'Signature' },
  { provider: 's3', method: 'put', bucket: 'examplebucket', region: 'us-east-1', signatureField: undefined, linkParam: 'X-Amz-Signature' },
] as const;

async function postJson(origin: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe.each(CLOUDS)('signer with UPLOAD_PROVIDER=$provider, UPLOAD_METHOD=$method', (cloud) => {
  let signer: RunningSigner;
  beforeAll(async () => {
    signer = await startSigner(
      {
        UPLOAD_PROVIDER: cloud.provider,
        UPLOAD_METHOD: cloud.method,
        UPLOAD_BUCKET: cloud.bucket,
        UPLOAD_REGION: cloud.region,
        UPLOAD_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        UPLOAD_ACCESS_KEY_SECRET: 'example-secret',
        UPLOAD_SECURITY_TOKEN: 'example+token/==',
        UPLOAD_PRIVATE_BUCKET: 'true',
      },
      { now: () => NOW },
    );
  });
  afterAll(() => signer.close());

  it('issues a ticket in the provider dialect, with the token, never the secret', async () => {
    const reply = await postJson(signer.origin, '/api/tickets', { files: [{ name: 'IMG_1.jpg', size: 1234, type: 'image/jpeg' }] });
    expect(reply.status).toBe(200);
    const [ticket] = reply.json.tickets;
    expect(ticket.provider).toBe(cloud.provider);
    expect(ticket.method).toBe(cloud.method.toUpperCase());
    if (cloud.signatureField) expect(ticket.fields[cloud.signatureField]).toBeTruthy();
    // In a presigned URL the token is percent-encoded; decode before looking.
    const text = decodeURIComponent(JSON.stringify(reply.json));
    expect(text).toContain('example+token/==');
    expect(text).not.toContain('example-secret');
  });

  it('signs a private-bucket link', async () => {
    const reply = await postJson(signer.origin, '/api/object-urls', { keys: ['uploads/anonymous/2026/11/22/0123456789abcdef.jpg'] });
    expect(reply.status).toBe(200);
    const link = new URL(reply.json.urls[0].url);
    expect(link.pathname).toContain('0123456789abcdef.jpg');
    expect(link.searchParams.get(cloud.linkParam)).toBeTruthy();
  });
});
