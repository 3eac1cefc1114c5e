// End to end with signing: 'client'. A real signer (UPLOAD_PROVIDER=s3, STS by the
// official AWS SDK against a local stand-in) hands out temporary credentials on
// GET /api/credentials; the app (its real services, WeChat platform and transport
// over a Node-backed wx doing real HTTP, crypto-js loaded lazily by services.ts)
// signs its own S3 POST policies and uploads to a dev bucket that knows exactly those
// temporary credentials and their token, verifying every form as S3 would. No
// /api/tickets request is made; the bytes read back are the bytes sent.
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../cloud-signer/src/config';
import { createSignerServer } from '../../cloud-signer/src/server';
import { temporaryCredentialsFromEnv } from '../../cloud-signer/src/sts';
import type { PickedFile } from '../../miniprogram/shared/core/types';
import { buildServices } from '../../miniprogram/services';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { BUCKET, REGION, startBucket, type RunningBucket } from '../support/bucket-harness';
import { okReply, startStandIn, type StandIn } from '../support/sts-stand-in';
import { openSignerEnv } from '../support/open-signer-env';

/** What the STS stand-in issues, and therefore the only keys the dev bucket accepts. */
const TEMPORARY = { accessKeyId: 'ASIATEMPCLIENT0001', accessKeySecret: 'temporary-secret-for-the-app', securityToken: 'FwoGZXIvYXdzEJr//token+for/client==' };
const STS_DURATION_MS = 900_000;
const PHOTOS = photoPaths().slice(0, 3);

let bucket: RunningBucket;
let standIn: StandIn;
let signer: http.Server;
let signerOrigin: string;
let nodeWx: NodeWx;
let uninstall: () => void;

const picked = (file: string): PickedFile => ({ path: file, name: path.basename(file), size: fs.statSync(file).size, type: 'image/png', kind: 'image' });
const calls = (suffix: string) => nodeWx.node.network.log.filter((r) => r.url.endsWith(suffix));

beforeAll(async () => {
  bucket = await startBucket({ now: new Date(), credentials: TEMPORARY });
  standIn = await startStandIn('aws', () => okReply('aws', { ...TEMPORARY, expiration: new Date(Date.now() + STS_DURATION_MS) }));
  const env = {
    UPLOAD_PROVIDER: 's3',
    UPLOAD_BUCKET: BUCKET,
    UPLOAD_REGION: REGION,
    UPLOAD_ENDPOINT: bucket.endpoint,
    UPLOAD_ACCESS_KEY_ID: 'long-term-key-id-0001',
    UPLOAD_ACCESS_KEY_SECRET: 'long-term-secret-never-on-a-phone',
    UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader',
    UPLOAD_STS_ENDPOINT: standIn.endpoint,
  };
  const config = loadConfig(openSignerEnv(env));
  signer = createSignerServer({ config, ...temporaryCredentialsFromEnv(env, config), log: () => undefined });
  await new Promise<void>((resolve) => signer.listen(0, '127.0.0.1', resolve));
  signerOrigin = `http://127.0.0.1:${(signer.address() as AddressInfo).port}`;
  nodeWx = createNodeWx();
  uninstall = installNodeWx(nodeWx);
});
afterAll(async () => {
  uninstall();
  nodeWx.node.dispose();
  signer.closeAllConnections();
  await new Promise<void>((resolve) => signer.close(() => resolve()));
  await standIn.close();
  await bucket.close();
  await fs.promises.rm(bucket.root, { recursive: true, force: true });
});

test('the app signs its own uploads from one credentials grant, and the bucket accepts them', async () => {
  const { engine } = buildServices({ config: { signerUrl: signerOrigin, concurrency: 3, authToken: '', signing: 'client' } });
  await engine.add(PHOTOS.map(picked));
  await waitUntil(() => engine.items().every((i) => i.status !== 'waiting' && i.status !== 'uploading'), 'every upload ended');

  const items = engine.items();
  expect(items.map((i) => [i.status, i.error?.message])).toEqual(PHOTOS.map(() => ['done', undefined]));
  expect(calls('/api/credentials')).toHaveLength(1);
  expect(calls('/api/tickets')).toHaveLength(0);
  expect(standIn.calls).toHaveLength(1); // one AssumeRole, scoped to this grant's prefix

  const uploads = nodeWx.node.network.log.filter((r) => r.api === 'uploadFile');
  expect(uploads.map((u) => u.outcome)).toEqual([201, 201, 201]);
  const keys = new Set<string>();
  for (const [i, item] of items.entries()) {
    // The grant's folder plus 16 hex characters from the platform's secure random source.
    expect(item.key).toMatch(/^uploads\/anonymous\/client\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\/[0-9a-f]{16}\.png$/);
    keys.add(item.key!);
    const form = uploads.find((u) => u.formData?.key === item.key)!.formData!;
    expect(form['X-Amz-Credential']).toMatch(new RegExp(`^${TEMPORARY.accessKeyId}/`));
    expect(form['X-Amz-Security-Token']).toBe(TEMPORARY.securityToken);
    const read = await httpGet(item.objectUrl!);
    expect(read.status).toBe(200);
    expect(sha256(read.body)).toBe(sha256OfFile(PHOTOS[i]));
  }
  expect(keys.size).toBe(3);
  // The phone never sees the long-term secret.
  expect(JSON.stringify(nodeWx.node.network.log)).not.toContain('long-term-secret');
});

test('a signer without STS: the files fail with what the developer must change', async () => {
  const plain = createSignerServer({ config: loadConfig(openSignerEnv({ UPLOAD_PROVIDER: 's3', UPLOAD_BUCKET: BUCKET, UPLOAD_REGION: REGION, UPLOAD_ENDPOINT: bucket.endpoint, UPLOAD_ACCESS_KEY_ID: 'AKIA0000', UPLOAD_ACCESS_KEY_SECRET: 'x' })) });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    const origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const { engine } = buildServices({ config: { signerUrl: origin, concurrency: 3, authToken: '', signing: 'client' } });
    await engine.add([picked(PHOTOS[0])]);
    await waitUntil(() => engine.items()[0].status === 'failed', 'the file failed');
    expect(engine.items()[0].error).toMatchObject({ reason: 'clientSigning', code: 'NotConfigured', retryable: false });
    expect(engine.items()[0].error?.message).toContain("signing 改为 'server'");
  } finally {
    plain.closeAllConnections();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  }
});
