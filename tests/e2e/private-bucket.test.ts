// End to end with UPLOAD_PRIVATE_BUCKET=true: the app (its real services, WeChat
// platform and transport over a Node-backed wx doing real HTTP) uploads three photos
// to the real signer's dev bucket, which now serves only presigned GETs. One
// /api/object-urls request signs the batch's links; each link reads back the same
// bytes, while the plain object URL and a tampered link get 403. History keeps the
// keys only, and the history page signs the links again when it is shown.
import fs from 'node:fs';
import path from 'node:path';
import type { PickedFile } from '../../miniprogram/shared/core/types';
import { buildServices, type Services } from '../../miniprogram/services';
import { createHistoryController, initialHistoryData, type HistoryPageData } from '../../miniprogram/shared/ui/history-controller';
import { createNodeWx, installNodeWx, type NodeWx } from '../support/node-wx';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { startSigner, type RunningSigner } from '../support/signer';

const PHOTOS = photoPaths().slice(0, 3);
let signer: RunningSigner;
let nodeWx: NodeWx;
let uninstall: () => void;
let services: Services;

const picked = (file: string): PickedFile => ({ path: file, name: path.basename(file), size: fs.statSync(file).size, type: 'image/png', kind: 'image' });
const linkRequests = () => nodeWx.node.network.log.filter((r) => r.url.endsWith('/api/object-urls'));

beforeAll(async () => {
  signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
  nodeWx = createNodeWx();
  uninstall = installNodeWx(nodeWx);
  services = buildServices({ config: { signerUrl: signer.origin, concurrency: 3, authToken: '' } });
});
afterAll(async () => {
  uninstall();
  nodeWx.node.dispose();
  await signer.close();
});

test('uploads land, one request signs the batch\'s links, and only signed links read the objects', async () => {
  const { engine } = services;
  const { accepted } = await engine.add(PHOTOS.map(picked));
  expect(accepted).toHaveLength(3);
  await waitUntil(() => engine.items().every((i) => i.link?.state === 'ready'), 'every link is signed');

  expect(linkRequests()).toHaveLength(1);
  const items = engine.items();
  for (const [i, item] of items.entries()) {
    expect(item.status).toBe('done');
    const link = item.objectUrl!;
    expect(link).toContain('X-Amz-Signature=');
    const read = await httpGet(link);
    expect(read.status).toBe(200);
    expect(sha256(read.body)).toBe(sha256OfFile(PHOTOS[i]));
  }

  // The ticket's plain objectUrl, as a public bucket would serve it: refused.
  const plain = items[0].objectUrl!.split('?')[0];
  const unsigned = await httpGet(plain);
  expect(unsigned.status).toBe(403);
  expect(unsigned.body.toString()).toContain('<Code>AccessDenied</Code>');

  const tampered = new URL(items[0].objectUrl!);
  tampered.searchParams.set('X-Amz-Signature', '0'.repeat(64));
  const refused = await httpGet(tampered.toString());
  expect(refused.status).toBe(403);
  expect(refused.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');

  // Another item's signature does not open this one.
  const swapped = `${plain}${new URL(items[1].objectUrl!).search}`;
  expect((await httpGet(swapped)).status).toBe(403);
});

test('history keeps keys, not expiring links, and the history page signs them when shown', async () => {
  const entries = services.history.list();
  expect(entries).toHaveLength(3);
  for (const entry of entries) expect(entry).toMatchObject({ url: '', signed: true });
  expect(JSON.stringify([...nodeWx.node.storage.values()])).not.toContain('X-Amz-Signature');

  const host = {
    data: initialHistoryData() as HistoryPageData,
    setData(patch: Record<string, unknown>) {
      for (const [field, value] of Object.entries(patch)) {
        const match = /^entries\[(\d+)\]\.(\w+)$/.exec(field);
        if (match) (this.data.entries[Number(match[1])] as unknown as Record<string, unknown>)[match[2]] = value;
        else (this.data as unknown as Record<string, unknown>)[field] = value;
      }
    },
  };
  const page = createHistoryController(host, services);
  await page.load();
  for (const view of host.data.entries) {
    expect(view.url).toContain('X-Amz-Signature=');
    expect(view.linkText).toBe('');
    expect((await httpGet(view.url)).status).toBe(200);
  }
  // The engine's links were still fresh: shown without a second signing request.
  expect(linkRequests()).toHaveLength(1);

  await page.copy('', host.data.entries[0].key);
  expect(nodeWx.node.clipboard).toBe(host.data.entries[0].url);
});
