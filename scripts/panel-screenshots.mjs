// Screenshots of the profiler panel preview in dark, light and high-contrast themes,
// plus each chart saved through the panel's own "Save PNG" path, into test-results/.
// Fails when the page logs an error or violates its Content-Security-Policy.
//
//   node esbuild.mjs && node scripts/panel-screenshots.mjs [--fixture gpt2-small] [--browser /usr/bin/chromium]
/* global document, window */
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startPreview } from './panel-preview.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'test-results', 'panel');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const fixture = arg('fixture', 'gpt2-small');
const executablePath = arg('browser', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

mkdirSync(OUT, { recursive: true });
const preview = await startPreview();
const browser = await chromium.launch({ executablePath, args: BROWSER_ARGS });
const problems = [];
try {
  for (const theme of ['dark', 'light', 'hc']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${theme}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${theme}: page error: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${preview.url}?theme=${theme}&fixture=${fixture}`);
    await page.waitForSelector('#app[data-state="ready"]');
    await page.waitForFunction(() => document.fonts.status === 'loaded');
    await page.screenshot({ path: join(OUT, `panel-${theme}.png`), fullPage: true });
    for (const chart of ['memory', 'whatif', 'formats']) {
      await page.click(`[data-testid="save-png-${chart}"]`);
      const url = await page.waitForFunction((id) => window.__preview.pngs[id], chart).then((h) => h.jsonValue());
      writeFileSync(join(OUT, `chart-${chart}-${theme}.png`), Buffer.from(String(url).split(',')[1], 'base64'));
    }
    if (theme === 'dark') {
      // A panel beside the editor is often narrow.
      await page.setViewportSize({ width: 640, height: 900 });
      await page.screenshot({ path: join(OUT, 'panel-dark-narrow.png'), fullPage: true });
    }
    await page.close();
  }
} finally {
  await browser.close();
  await preview.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`Screenshots in ${OUT}`);
