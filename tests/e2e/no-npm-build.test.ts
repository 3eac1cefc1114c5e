// The default app (signing: 'server') must not need the mini program's npm build: here
// crypto-js cannot be loaded at all, as in a WeChat project where `npm run pack:mp` (or
// DevTools' Build npm) never ran. Server signing still uploads; client signing says
// plainly what to run, without asking the signer for anything it cannot use.
import fs from 'node:fs';
import path from 'node:path';
import type { PickedFile } from '../../miniprogram/shared/core/types';
import { buildServices } from '../../miniprogram/services';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { photoPaths, waitUntil } from '../support/fixtures';
import { startSigner, type RunningSigner } from '../support/signer';

jest.mock('crypto-js', () => {
  throw new Error("module 'miniprogram_npm/crypto-js/index.js' is not defined");
});

const PHOTO = photoPaths()[0];
const picked: PickedFile = { path: PHOTO, name: path.basename(PHOTO), size: fs.statSync(PHOTO).size, type: 'image/png', kind: 'image' };
let signer: RunningSigner;
let nodeWx: NodeWx;
let uninstall: () => void;

beforeAll(async () => {
  signer = await startSigner();
  nodeWx = createNodeWx();
  uninstall = installNodeWx(nodeWx);
});
afterAll(async () => {
  uninstall();
  nodeWx.node.dispose();
  await signer.close();
});

test('crypto-js really is unavailable in this file', () => {
  expect(() => require('crypto-js')).toThrow(/not defined/);
});

test("signing: 'server' uploads without ever loading crypto-js", async () => {
  const { engine } = buildServices({ config: { signerUrl: signer.origin, concurrency: 3, authToken: '' } });
  await engine.add([picked]);
  await waitUntil(() => engine.items()[0].status === 'done', 'the upload is done');
});

test("signing: 'client' fails the file with the command to run, before any credentials request", async () => {
  const { engine } = buildServices({ config: { signerUrl: signer.origin, concurrency: 3, authToken: '', signing: 'client' } });
  await engine.add([picked]);
  await waitUntil(() => engine.items()[0].status === 'failed', 'the file failed');
  expect(engine.items()[0].error).toMatchObject({ reason: 'clientSigning', code: 'NpmNotBuilt', retryable: false });
  expect(engine.items()[0].error?.message).toContain('npm run pack:mp');
  expect(nodeWx.node.network.log.filter((r) => r.url.endsWith('/api/credentials'))).toHaveLength(0);
});
