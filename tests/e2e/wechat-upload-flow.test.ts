// End to end, with nothing faked but the phone: the real upload page (through
// miniprogram-simulate), the real engine and WeChat adapter, a Node-backed `wx` whose
// uploadFile is a real multipart POST, and the real signer with its dev bucket on an
// ephemeral port. Assertions read the rendered page and the bytes the bucket stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createNodeWx, type NodeWx, type PickableFile } from '../support/node-wx';
import { addFromAlbum, COPY, openWechatUploadPage, SETTLED, type WechatUploadPage as Session } from '../support/wechat-upload-page';
import { startSigner, type RunningSigner } from '../support/signer';
import { httpGet, photoPaths, sha256, sha256OfFile, waitUntil } from '../support/fixtures';
import { appConfig } from '../../miniprogram/config';
import { failureMessage } from '../../miniprogram/shared/core/messages';
import { middleEllipsis, TILE_NAME_BUDGET } from '../../miniprogram/shared/ui/index';

const TICKET_TTL_SECONDS = 600;
/** Past the ticket's expiry by more than any skew allowance a store grants. */
const PAST_EXPIRY_MS = (TICKET_TTL_SECONDS + 15 * 60) * 1000;
/** Room for the fixtures (about 9 KB each) but not for the one that grew after it was picked. */
const SMALL_BUCKET_MAX_BYTES = 16 * 1024;
const PAGE_NOW = new Date(2026, 10, 22, 10, 3).getTime();

jest.setTimeout(60_000);

/** The pages' clock is pinned: photos picked now are shown as "照片 1 · 今天 10:03". */
const openUploadPage = (wx: NodeWx, signer: RunningSigner) => openWechatUploadPage(wx, signer.origin, { now: () => PAGE_NOW });

const text = (node: { dom: unknown } | undefined) => ((node?.dom as HTMLElement | undefined)?.textContent ?? '').trim();
const STATUSES = ['waiting', 'uploading', 'done', 'failed', 'cancelled'] as const;

/** What each rendered tile says, read from the DOM of its upload-card component (the + tile has none). */
function renderedCards(session: Session) {
  const items = session.services.engine.items();
  return session.page
    .querySelectorAll('.grid-cell')
    .filter((cell) => !!cell.querySelector('.tile'))
    .map((card, i) => {
      const tile = card.querySelector('.tile')!;
      const status = STATUSES.find((s) => ((tile.dom as HTMLElement).className ?? '').includes(`tile--${s}`)) ?? '';
      return {
        card,
        /** The temp path behind the tile (tiles are in the engine's order; their names are "照片 N · …"). */
        tempPath: items[i]?.file.path,
        name: text(card.querySelector('.name')),
        status,
        note: text(card.querySelector('.note')),
        hint: text(card.querySelector('.overlay-hint')),
      };
    });
}

/** Long-presses a tile, taps 复制链接 and returns what landed on the clipboard. */
async function copyLink(session: Session, card: ReturnType<typeof renderedCards>[number]) {
  const before = session.wx.node.clipboard;
  session.wx.node.planSheet(COPY);
  card.card.querySelector('.tile')!.dispatchEvent('longpress');
  await waitUntil(() => session.wx.node.clipboard !== before, `the link of ${card.name} is copied`);
  return session.wx.node.clipboard;
}

/** The fixture each card's temp file was copied from. */
const sourceOf = (wx: NodeWx, tempPath: string | undefined) => wx.node.picked.find((p) => p.tempPath === tempPath)?.source;

const ticketRequests = (wx: NodeWx) => wx.node.network.log.filter((r) => r.api === 'request' && r.url.endsWith('/api/tickets'));
const uploadsOf = (wx: NodeWx, tempPath: string) => wx.node.network.log.filter((r) => r.api === 'uploadFile' && r.filePath === tempPath);

async function expectStoredCopy(session: Session, card: ReturnType<typeof renderedCards>[number], original: string) {
  const url = await copyLink(session, card);
  const stored = await httpGet(url);
  expect({ name: card.name, status: stored.status, sha256: sha256(stored.body) }).toEqual({ name: card.name, status: 200, sha256: sha256OfFile(original) });
}

describe('upload page, end to end against the real signer and dev bucket', () => {
  it('uploads 9 picked photos: 9 done cards with links, each stored byte for byte', async () => {
    const signer = await startSigner({ UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS) });
    const photos = photoPaths();
    const session = await openUploadPage(createNodeWx({ media: [photos.map((p) => ({ path: p }))] }), signer);
    try {
      const { wx, services } = session;
      expect(session.page.querySelector('.empty')).toBeTruthy();

      addFromAlbum(session);
      await waitUntil(() => renderedCards(session).filter((c) => c.status === 'done').length === photos.length, '9 tiles show done');

      const cards = renderedCards(session);
      expect(cards).toHaveLength(photos.length);
      for (const card of cards) expect(card).toMatchObject({ status: 'done', hint: '' });
      // Human names, not wxfile://tmp_<hex>.png (shortened in the middle to fit the tile); the same in the history.
      expect(cards.map((c) => c.name)).toEqual(photos.map((_, i) => middleEllipsis(`照片 ${i + 1} · 今天 10:03`, TILE_NAME_BUDGET)));
      expect(services.history.list().map((e) => e.label?.number).sort((a, b) => a! - b!)).toEqual(photos.map((_, i) => i + 1));
      expect(text(session.page.querySelector('.summary-count'))).toBe(services.messages.doneCount(9, 9));

      const sources = cards.map((card) => sourceOf(wx, card.tempPath));
      expect(new Set(sources)).toEqual(new Set(photos));
      for (const [i, card] of cards.entries()) await expectStoredCopy(session, card, sources[i]!);

      expect(ticketRequests(wx)).toHaveLength(1); // one ticket request for the whole batch
      expect(wx.node.network.count('uploadFile')).toBe(photos.length);
      expect(wx.node.network.maxConcurrent).toBeLessThanOrEqual(appConfig.concurrency + 1); // uploads, plus at most the page's one request
    } finally {
      session.close();
      await signer.close();
    }
  });

  it('shows exactly what happened when the bucket refuses an oversize file and another ticket expires', async () => {
    // The signer and its bucket share a clock the test moves; the phone keeps real time.
    let clockMs = Date.now();
    const signer = await startSigner(
      { UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS), UPLOAD_MAX_BYTES: String(SMALL_BUCKET_MAX_BYTES) },
      { now: () => new Date(clockMs) },
    );
    const photos = photoPaths();
    // A photo whose file grew after the picker measured it: the picker reports the old
    // size (which passes every check), the file on disk is larger than the bucket allows.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-grown-'));
    const grown = path.join(tmp, 'grown.png');
    fs.writeFileSync(grown, Buffer.concat([fs.readFileSync(photos[8]), randomBytes(SMALL_BUCKET_MAX_BYTES)]));
    const picks: PickableFile[] = [...photos.slice(0, 8).map((p) => ({ path: p })), { path: grown, declaredSize: fs.statSync(photos[8]).size }];
    const expiring = photos[4];

    let session!: Session;
    let heldBack = false;
    const wx = createNodeWx({
      media: [picks],
      // Hold the expiring photo's first upload until every other file has settled, then
      // move the signer's clock past its ticket's expiry: the bucket must refuse it.
      beforeUpload: async ({ filePath }) => {
        if (heldBack || filePath !== wx.node.picked.find((p) => p.source === expiring)?.tempPath) return;
        heldBack = true;
        const others = () => session.services.engine.items().filter((item) => item.file.path !== filePath);
        await waitUntil(() => others().every((item) => SETTLED.includes(item.status)), 'the other uploads settle');
        clockMs += PAST_EXPIRY_MS;
      },
    });
    session = await openUploadPage(wx, signer);
    try {
      const { services } = session;
      addFromAlbum(session);
      await waitUntil(() => renderedCards(session).length === picks.length && renderedCards(session).every((c) => SETTLED.includes(c.status)), 'every tile settles');

      const cards = renderedCards(session);
      const bySource = new Map(cards.map((card) => [sourceOf(wx, card.tempPath), card]));
      const oversize = bySource.get(grown)!;
      const recovered = bySource.get(expiring)!;

      // The oversize file failed, saying why, with no retry (the same bytes would be refused again).
      expect(oversize).toMatchObject({ status: 'failed', note: services.messages.status.failed, hint: '' });
      const failedItem = services.engine.items().find((item) => item.status === 'failed')!;
      expect(failedItem.error?.message).toBe(failureMessage('tooLarge', services.messages.lang, { maxBytes: SMALL_BUCKET_MAX_BYTES }));
      oversize.card.querySelector('.tile')!.dispatchEvent('tap'); // the reason, one tap away
      await waitUntil(() => session.wx.node.modals.length + session.wx.node.toasts.length > 0, 'the reason shows');
      expect([...session.wx.node.modals.map((m) => m.content), ...session.wx.node.toasts.map((t) => t.title)]).toEqual([failedItem.error?.message]);
      const oversizeUploads = uploadsOf(wx, wx.node.picked.find((p) => p.source === grown)!.tempPath);
      expect(oversizeUploads.map((u) => u.outcome)).toEqual([400]);
      expect(oversizeUploads[0].response).toContain('EntityTooLarge');

      // The expired ticket was refused by the bucket, then a fresh ticket carried the file.
      expect(recovered).toMatchObject({ status: 'done' });
      const expiringUploads = uploadsOf(wx, wx.node.picked.find((p) => p.source === expiring)!.tempPath);
      const [refused, accepted] = expiringUploads.map((u) => u.outcome as number);
      expect(expiringUploads).toHaveLength(2);
      expect(refused).toBe(403);
      expect(expiringUploads[0].response).toMatch(/expired/i);
      expect(accepted >= 200 && accepted < 300).toBe(true);
      expect(expiringUploads[0].formData!.key).not.toBe(expiringUploads[1].formData!.key);
      expect(ticketRequests(wx)).toHaveLength(2); // the batch's, and one fresh ticket

      // Everything else went through untouched, and reads back byte for byte.
      const done = cards.filter((card) => card.status === 'done');
      expect(done).toHaveLength(8);
      for (const card of done) await expectStoredCopy(session, card, sourceOf(wx, card.tempPath)!);
      expect(text(session.page.querySelector('.summary-count'))).toBe(services.messages.doneCount(8, 9));
    } finally {
      session.close();
      await signer.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
