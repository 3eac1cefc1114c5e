// The photo fixtures (tests/fixtures/photos, made by generate.mjs) and the small
// helpers end-to-end tests use around them: hashes, reading an object back over
// HTTP, and polling for a condition with a deadline instead of sleeping blindly.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

export const PHOTO_DIR = path.resolve(__dirname, '../fixtures/photos');
export const PHOTO_COUNT = 9;
/** photo-1.png … photo-9.png, absolute paths. */
export const photoPaths = (): string[] =>
  Array.from({ length: PHOTO_COUNT }, (_, i) => path.join(PHOTO_DIR, `photo-${i + 1}.png`));

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const sha256OfFile = (file: string) => sha256(fs.readFileSync(file));

/** GET over plain node:http (jest's jsdom environment has no fetch). */
export function httpGet(url: string): Promise<{ status: number; body: Buffer; contentType?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), contentType: res.headers['content-type'] }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Polls `condition` every few ms; fails with `what` when it does not hold in time. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(10);
  }
}
