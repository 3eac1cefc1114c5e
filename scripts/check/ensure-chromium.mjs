// The dev bucket console and the mini program pages are rendered in a real headless
// Chromium (playwright-core cannot download browsers here), so `npm test` makes sure
// Debian's one is present, with a CJK font so Chinese text has real glyph widths:
// installed with apt-get when we may (root), otherwise a plain instruction.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's WenQuanYi Micro Hei: without a CJK font every Chinese glyph is an empty box. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM) || !existsSync(CJK_FONT)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Chromium or the CJK font is missing. Install them: sudo apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH).`);
    process.exit(1);
  }
  console.log('Installing Debian chromium and fonts-wqy-microhei for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], { stdio: 'inherit', env });
}
