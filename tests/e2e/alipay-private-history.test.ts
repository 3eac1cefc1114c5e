// Private bucket on Alipay: the history page keeps object keys, and copy/preview sign a
// link again from the key the template passes in data-key (a stored link would expire).
// Real signer with UPLOAD_PRIVATE_BUCKET=true, real Alipay pages, Node-backed `my`.
import path from 'node:path';
import { createNodeMy } from '../support/node-my';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { loadPage } from '../support/alipay-runtime';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import type { CardView } from '../../miniprogram/shared/ui/upload-view';

const ALIPAY = path.resolve(__dirname, '../../alipay');

jest.setTimeout(60_000);

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
});
afterAll(() => signer.close());

it('copies a freshly signed link from a history entry by its key, and the link reads back the bytes', async () => {
  const nodeMy = createNodeMy();
  const g = globalThis as Record<string, unknown>;
  g.my = nodeMy.my;
  setServices(buildServices({ config: { ...appConfig, signerUrl: signer.origin } }));
  const upload = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
  try {
    await upload.onLoad();
    upload.onShow();
    const photos = photoPaths().slice(0, 2);
    nodeMy.planPicks(photos);
    nodeMy.planSheet(1); // 从相册选择
    await upload.onAdd();
    const cards = () => upload.data.items as CardView[];
    await waitUntil(() => cards().length === 2 && cards().every((c) => c.status === 'done'), 'both uploads done');

    const history = loadPage(path.join(ALIPAY, 'pages/history/index'))();
    history.onLoad();
    const entries = history.data.entries as { key: string; url: string }[];
    expect(entries).toHaveLength(2);
    // Plain GETs are refused by the private bucket: only a signed link can read the object.
    const objectKey = entries[1].key;
    expect((await httpGet(`${signer.origin}/dev-bucket/${objectKey}`)).status).toBe(403);

    // The template passes both data-url and data-key; with no usable link the key is what counts.
    await history.onCopy({ currentTarget: { dataset: { url: '', key: objectKey } } });
    await waitUntil(() => nodeMy.device.clipboard().includes('X-Amz-Signature='), 'a signed link on the clipboard');
    const copied = nodeMy.device.clipboard();
    expect(copied).toContain(objectKey);
    const stored = await httpGet(copied);
    expect(stored.status).toBe(200);
    const original = photos.find((p) => sha256OfFile(p) === sha256(stored.body));
    expect(original).toBeDefined();
    history.onUnload();
  } finally {
    upload.onUnload();
    setServices(undefined);
    delete g.my;
    nodeMy.dispose();
  }
});
