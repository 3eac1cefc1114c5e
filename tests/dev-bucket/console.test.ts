// The console page at `/`, in a real headless Chromium against a real signer with its
// dev bucket: empty state first, then two uploaded photos listed newest first with
// thumbnails that really decode. The screenshot lands in test-results/console.png.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderConsole } from '../../cloud-signer/src/devbucket/console-page';
import { formatBytes } from '../../miniprogram/shared/contract/index';
import type { TicketResponse } from '../../typings/ticket';
import { startSigner, type RunningSigner } from '../support/signer';

const PHOTOS = path.join(__dirname, '../fixtures/photos');
const SCREENSHOT = path.join(__dirname, '../../test-results/console.png');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

let signer: RunningSigner;
let browser: Browser;
let clock = new Date('2026-11-22T10:00:00.000Z');

beforeAll(async () => {
  signer = await startSigner({}, { now: () => clock });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await signer?.close();
});

async function upload(file: string): Promise<string> {
  const data = await fs.readFile(path.join(PHOTOS, file));
  const res = await fetch(`${signer.origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ name: file, size: data.length, type: 'image/png' }] }),
  });
  expect(res.status).toBe(200);
  const [ticket] = ((await res.json()) as TicketResponse).tickets;
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append(ticket.fileField, new Blob([data], { type: ticket.contentType }), file);
  const answer = await fetch(ticket.url, { method: 'POST', body: form });
  expect(answer.status).toBe(ticket.successStatus);
  return ticket.key;
}

it('shows an empty state before anything is uploaded', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${signer.origin}/`);
    await expect(page.locator('.empty').textContent()).resolves.toContain('The bucket is empty');
    expect(await page.locator('tr.object').count()).toBe(0);
  } finally {
    await page.close();
  }
}, 30_000);

it('lists uploaded photos newest first with real thumbnails, sizes, times and links', async () => {
  const older = await upload('photo-3.png');
  clock = new Date('2026-11-22T10:05:00.000Z');
  const newer = await upload('photo-7.png');

  const page = await browser.newPage({ viewport: { width: 1000, height: 420 } });
  try {
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await page.goto(`${signer.origin}/`, { waitUntil: 'load' });

    const rows = page.locator('tr.object');
    expect(await rows.count()).toBe(2);
    expect(await rows.locator('.key a').allTextContents()).toEqual([newer, older]);
    expect(await rows.locator('.time').allTextContents()).toEqual(['2026-11-22 10:05:00 UTC', '2026-11-22 10:00:00 UTC']);
    const size7 = (await fs.stat(path.join(PHOTOS, 'photo-7.png'))).size;
    expect(await rows.first().locator('.size').textContent()).toBe(formatBytes(size7));

    // Each thumbnail is the object itself, fetched and decoded by the browser.
    const widths = await rows.locator('img.thumb').evaluateAll((imgs) =>
      (imgs as HTMLImageElement[]).map((img) => ({ complete: img.complete, naturalWidth: img.naturalWidth })),
    );
    expect(widths).toHaveLength(2);
    for (const w of widths) expect(w.naturalWidth).toBeGreaterThan(0);

    // The link opens the stored bytes.
    const href = await rows.first().locator('.key a').getAttribute('href');
    const linked = await fetch(new URL(href ?? '', signer.origin));
    expect(Buffer.from(await linked.arrayBuffer()).equals(await fs.readFile(path.join(PHOTOS, 'photo-7.png')))).toBe(true);

    expect(scriptErrors).toEqual([]);
    await fs.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect((await fs.stat(SCREENSHOT)).size).toBeGreaterThan(0);
  } finally {
    await page.close();
  }
}, 30_000);

describe('renderConsole', () => {
  it('escapes keys and types, so an uploaded name can never become markup', () => {
    const html = renderConsole({
      bucket: 'b<i>',
      region: 'r"',
      objectsPath: '/dev-bucket',
      objects: [
        { key: 'x/<img src=x onerror=alert(1)>.png', size: 1, contentType: 'image/png"><script>alert(2)</script>', etag: '"e"', lastModified: new Date(0) },
      ],
    });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

});
