// Headless Chromium (the system's, driven by playwright-core) pointed at code-server.
import { chromium } from 'playwright-core';
import { chromiumPath } from './system.mjs';

/** Flags that let Chromium run headless as root in a container, with no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch Chromium; `close()` on the result ends it (Playwright owns that process). */
export async function launchChromium() {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (install it or set CHROMIUM_PATH)');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
