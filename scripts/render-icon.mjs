#!/usr/bin/env node
// Renders media/icon.svg (the source) to media/icon.png, 128x128 with a transparent
// background, in the same headless Chromium the UI tests use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/browser.mjs';
import { ROOT } from './lib/paths.mjs';

const svg = readFileSync(join(ROOT, 'media', 'icon.svg'), 'utf8');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.screenshot({ path: join(ROOT, 'media', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
