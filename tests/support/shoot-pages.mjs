// Lays out HTML files in headless Chromium, screenshots each and runs a measuring
// function in it. A separate Node process because playwright-core cannot load in
// jest's jsdom environment (where the simulator, and so the pages, live).
// stdin: {"shots":[{"html":path,"png":path,"viewport"?}],"measure":"<function source>","viewport":{width,height}}
// stdout: a JSON array with the measure's result per shot.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'];

const job = JSON.parse(readFileSync(0, 'utf8'));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
try {
  const results = [];
  for (const shot of job.shots) {
    // deviceScaleFactor 2: a phone's density, so the PNG shows text as crisply as a phone would.
    const tab = await browser.newPage({ viewport: shot.viewport ?? job.viewport, deviceScaleFactor: 2 });
    await tab.setContent(readFileSync(shot.html, 'utf8'));
    await tab.screenshot({ path: shot.png, fullPage: true });
    results.push(await tab.evaluate(`(${job.measure})()`));
    await tab.close();
  }
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
