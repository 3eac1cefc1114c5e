// The Alipay side of pause / resume and the 继续上传 list: the real Alipay upload page
// and tile component (their Page()/Component() objects, driven as the templates call
// them) over the shared controller, and what the .axml templates show for the view
// data. The engine here is a stand-in that records what the page asks of it: these
// tests are about the bindings (which handler, which id, which words, which buttons
// disabled); the engine's own pause/resume is proven end to end on WeChat
// (tests/e2e/wechat-multipart-resume.test.ts) through the same Transport port.
import path from 'node:path';
import { createFakeMy } from '../support/fake-my';
import { loadComponent, loadPage } from '../support/alipay-runtime';
import { axmlText } from '../support/axml-text';
import { appConfig } from '../../miniprogram/config';
import { buildServices, setServices } from '../../alipay/services';
import { cardView, resumeRowView, uiMessages, type CardView, type ResumeRowView } from '../../miniprogram/shared/ui/index';
import type { SavedUploadSummary, UploadEngineApi, UploadItem } from '../../miniprogram/shared/core/index';
import fs from 'node:fs';

const ALIPAY = path.resolve(__dirname, '../../alipay');
const PAGE_AXML = path.join(ALIPAY, 'pages/upload/index.axml');
const CARD_AXML = path.join(ALIPAY, 'components/upload-card/index.axml');
const zh = uiMessages('zh');
const en = uiMessages('en');
const NOW = new Date(2026, 10, 22, 10, 3).getTime();
const MIB = 1024 * 1024;

const inParts = (status: UploadItem['status']): UploadItem => ({
  id: 'u1',
  file: { path: 'https://resource/apml1.mp4', name: 'clip.mp4', size: 30 * MIB, type: 'video/mp4', kind: 'video' },
  status,
  bytesSent: 12 * MIB,
  totalBytes: 30 * MIB,
  percent: 40,
  attempts: 1,
  inParts: true,
});

const saved = (id: string, name: string): SavedUploadSummary => ({
  id,
  file: { path: `https://resource/${name}`, name, size: 30 * MIB, type: 'video/mp4', kind: 'video' },
  bytesDone: 10 * MIB,
  totalBytes: 30 * MIB,
});

describe('the Alipay tile: 暂停 / 继续', () => {
  const mount = loadComponent(path.join(ALIPAY, 'components/upload-card/index'));

  it('shows 暂停 on a file in parts while going and 继续 while paused, in both languages; a single request has none', () => {
    expect(axmlText(CARD_AXML, 'action-text', { card: cardView(inParts('uploading'), zh, NOW) })).toBe('暂停');
    expect(axmlText(CARD_AXML, 'action-text', { card: cardView(inParts('paused'), zh, NOW) })).toBe('继续');
    expect(axmlText(CARD_AXML, 'action-text', { card: cardView(inParts('uploading'), en, NOW) })).toBe('Pause');
    expect(axmlText(CARD_AXML, 'action-text', { card: cardView(inParts('paused'), en, NOW) })).toBe('Resume');
    const single = cardView({ ...inParts('uploading'), inParts: undefined }, zh, NOW);
    expect([single.actionText, single.canPause]).toEqual(['', false]);
    // The button is only drawn when there is a word for it.
    expect(fs.readFileSync(CARD_AXML, 'utf8')).toMatch(/a:if="\{\{card\.actionText\}\}"[^>]*catchTap="onAction"/);
  });

  it('reports its button through onAction with the tile id, not as a tap on the tile', () => {
    const calls: string[] = [];
    const card: CardView = cardView(inParts('uploading'), zh, NOW);
    const tile = mount({ card, labels: { cancel: zh.cancel, remove: zh.remove }, onAction: (id: string) => calls.push(`action ${id}`), onTile: (id: string) => calls.push(`tile ${id}`) });
    tile.onAction();
    expect(calls).toEqual(['action u1']);
  });
});

describe('the Alipay upload page: 继续上传', () => {
  function open(unfinished: SavedUploadSummary[], fileSizes: Record<string, number>) {
    const fake = createFakeMy();
    const g = globalThis as Record<string, unknown>;
    g.my = fake.my;
    const asked: string[] = [];
    const engine = {
      loadLimits: async () => ({ maxBytes: 20 * MIB, maxFiles: 20, allowedTypes: ['image/*', 'video/*'] }),
      items: () => [],
      progress: () => ({ total: 0, waiting: 0, uploading: 0, paused: 0, done: 0, failed: 0, cancelled: 0, bytesSent: 0, totalBytes: 0, percent: 0 }),
      on: () => () => undefined,
      unfinished: () => unfinished,
      continueSaved: (id: string) => (asked.push(`continue ${id}`), inParts('waiting')),
      discardSaved: async (id: string) => void asked.push(`discard ${id}`),
      pause: (id: string) => void asked.push(`pause ${id}`),
      resume: (id: string) => void asked.push(`resume ${id}`),
    } as unknown as UploadEngineApi;
    const services = buildServices({ config: { ...appConfig }, now: () => NOW, createEngine: () => engine });
    // Which files are still on the phone (getFileInfo), as the page checks each before offering 继续上传.
    services.platform.fileSize = async (p: string) => {
      if (p in fileSizes) return fileSizes[p];
      throw new Error('getFileInfo:fail file not found');
    };
    setServices(services);
    const page = loadPage(path.join(ALIPAY, 'pages/upload/index'))();
    return {
      page,
      asked,
      close: () => {
        page.onUnload();
        setServices(undefined);
        delete g.my;
      },
    };
  }
  const event = (id: string) => ({ currentTarget: { dataset: { id } } });

  it('lists each with name, size and how far; 继续上传 and 放弃 reach the engine with the row id', async () => {
    const s = open([saved('k1', 'clip.mp4'), saved('k2', 'gone.mp4')], { 'https://resource/clip.mp4': 30 * MIB });
    try {
      await s.page.onLoad();
      const rows = s.page.data.resumable as ResumeRowView[];
      expect(rows.map((r) => [axmlText(PAGE_AXML, 'resume-name', { item: r }), r.fileGone, r.canContinue])).toEqual([
        ['clip.mp4', false, true],
        ['gone.mp4', true, false],
      ]);
      expect(axmlText(PAGE_AXML, 'resume-title', { t: s.page.data.t })).toBe(zh.resumeTitle);
      expect(s.page.data.t).toMatchObject({ continueUpload: zh.continueUpload, discard: zh.discard });
      expect(axmlText(PAGE_AXML, 'resume-note', { item: rows[1] })).toBe(zh.resumeFileGone(30 * MIB));

      await s.page.onDiscardSaved(event('k2')); // fake-my's confirm answers yes
      s.page.onContinueSaved(event('k1'));
      expect(s.asked).toEqual(['discard k2', 'continue k1']);
      expect(s.page.data.resumable).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('binds the buttons as the view model says: no 继续上传 for a gone file, both disabled while a row is busy', () => {
    const axml = fs.readFileSync(PAGE_AXML, 'utf8');
    expect(axml).toMatch(/<button a:if="\{\{!item\.fileGone\}\}" class="btn-continue[^"]*" disabled="\{\{!item\.canContinue\}\}" data-id="\{\{item\.id\}\}" onTap="onContinueSaved">/);
    expect(axml).toMatch(/<button class="btn-discard[^"]*" disabled="\{\{item\.busy\}\}" data-id="\{\{item\.id\}\}" onTap="onDiscardSaved">/);
    const busy = resumeRowView(saved('k1', 'clip.mp4'), zh, NOW, false, true);
    expect([busy.busy, busy.canContinue]).toEqual([true, false]);
    expect(resumeRowView(saved('k1', 'clip.mp4'), en, NOW, false).noteText).toBe(en.resumeProgress(10 * MIB, 30 * MIB));
  });
});
