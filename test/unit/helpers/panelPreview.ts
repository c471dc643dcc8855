/**
 * What the suites that run shipped code need: the bundles built once per test process, and
 * the panel's bundle in the standalone preview (scripts/panel-preview.mjs: the CSP VS Code
 * gives it, a fake host) with a headless Chromium to open it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let built = false;

/** `node esbuild.mjs` (the development build into dist/), once however many suites ask. */
export function buildBundlesOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
  built = true;
}

export interface PanelPreview {
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

export async function startPanelPreview(): Promise<PanelPreview> {
  buildBundlesOnce();
  const mod = (await import(join(ROOT, 'scripts', 'panel-preview.mjs'))) as { startPreview(): Promise<{ url: string; close(): Promise<void> }> };
  const preview = await mod.startPreview();
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  return {
    browser,
    url: preview.url,
    close: async () => {
      await browser.close();
      await preview.close();
    },
  };
}
