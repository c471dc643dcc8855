/**
 * Playwright helpers for UI tests against code-server's workbench: open it, open a
 * file, run a palette command, hover a word, read notifications and output
 * channels, find a webview's content frame, take screenshots. Selectors are those
 * of VS Code 1.100's workbench DOM.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { e2eEnv } from './env';

/** The page's DOM, typed loosely: these callbacks run in the browser, not in Node. */
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageNode>;
  createTreeWalker(root: PageNode, whatToShow: number): { nextNode(): PageNode | null };
  createRange(): {
    setStart(node: PageNode, offset: number): void;
    setEnd(node: PageNode, offset: number): void;
    getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  };
};
interface PageNode {
  textContent: string | null;
}

export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Launch Chromium and open the workbench on the e2e workspace; resolves when the explorer shows. */
export async function openWorkbench(): Promise<Workbench> {
  const env = e2eEnv();
  const browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: env.chromiumArgs, timeout: 60_000 });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(env.workbenchUrl, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return { browser, page, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Run a command from the palette (F1) by typing its title, as "Model Profiler: Check Fits on This Machine". */
export async function runPaletteCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  const typed = `>${title}`;
  await input.fill(typed);
  const row = quickPickRow(page, title);
  await row.waitFor();
  await row.click();
  // The palette closes, or gives way to the command's own quick pick.
  const widget = page.locator('.quick-input-widget');
  await poll(async () => !(await widget.isVisible()) || (await input.inputValue()) !== typed, `the palette to run "${title}"`);
}

/** Poll `check` until it returns true; fails after `ms`. */
export async function poll(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The row of the open quick pick (palette, Quick Open, a command's picker) labelled exactly `label`. */
export function quickPickRow(page: Page, label: string) {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
}

/** Pick an item from an open quick pick by its exact label. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const row = quickPickRow(page, label);
  await row.waitFor();
  await row.click();
}

/** Open a workspace file through Quick Open (Ctrl+P), as a person does; waits for its editor tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = path.basename(relativePath);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(relativePath);
  await pickQuickItem(page, name);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
}

/** Texts of the notification toasts now showing. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Wait for a notification toast whose text matches, and return its text. */
export async function waitForNotification(page: Page, text: string | RegExp): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: text }).first();
  await toast.waitFor();
  return toast.innerText();
}

/** Where a word is on the screen: its bounding box in page coordinates. */
export interface WordBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Hover the mouse over the topmost whole-word occurrence of `word` in the visible
 * lines of the active editor and return the hover widget's text.
 */
export async function hoverAtWord(page: Page, word: string, ms = 60_000): Promise<string> {
  const find = () =>
    page.evaluate((w: string) => {
      const pattern = new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
      const lines = document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line');
      // The editor recycles line elements, so DOM order is not screen order: keep the topmost match.
      let best: { x: number; y: number; width: number; height: number } | undefined;
      for (let i = 0; i < lines.length; i++) {
        const walker = document.createTreeWalker(lines[i]!, 4 /* NodeFilter.SHOW_TEXT */);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const match = pattern.exec(node.textContent ?? '');
          if (!match) continue;
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + w.length);
          const r = range.getBoundingClientRect();
          if (!best || r.y < best.y) best = { x: r.x, y: r.y, width: r.width, height: r.height };
          break;
        }
      }
      return best;
    }, word);
  return hoverOver(page, find, `"${word}" on a visible line of the active editor`, ms);
}

/**
 * Hover the box `find` gives and return the hover widget's text. The box is found again
 * before each try: a CodeLens or an inlay arriving moves the lines under a fixed point.
 */
export async function hoverOver(page: Page, find: () => Promise<WordBox | undefined>, what: string, ms = 60_000): Promise<string> {
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
  // The widget shows "Loading..." while providers compute. A provider may also still
  // be starting (a language server, an analysis): when no hover shows, leave the
  // word and come back, as a person would.
  let text = '';
  let found = false;
  const loaded = async () => {
    text = (await hover.innerText().catch(() => '')).trim();
    return text !== '' && text !== LOADING;
  };
  await poll(
    async () => {
      const box = await find();
      if (!box) return false;
      found = true;
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y + 3 * box.height, { steps: 2 });
      await page.mouse.move(x, y, { steps: 5 });
      if (!(await hover.waitFor({ timeout: 3000 }).then(() => true, () => false))) return false;
      const until = Date.now() + 5000;
      while (!(await loaded()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (!(await loaded())) return false;
      // A line that moved while the mouse travelled (a CodeLens arriving above it) means the
      // hover belongs to the line that was there: leave and try again.
      const after = await find();
      if (!after || Math.abs(after.y - box.y) > 1 || Math.abs(after.x - box.x) > 1) {
        await page.mouse.move(5, 5);
        return false;
      }
      return true;
    },
    `a hover over ${what}`,
    ms,
  ).catch((err: unknown) => {
    throw found ? err : new assert.AssertionError({ message: `${what}: not found` });
  });
  return text;
}

/** What the hover widget says while its providers are still computing. */
const LOADING = 'Loading...';

/**
 * The content frame of a webview (a profiler panel, a Markdown preview). VS Code
 * puts each webview in an iframe (`iframe.webview`) that holds the content in a
 * nested `#active-frame`. `index` picks among open webviews; -1 is the newest.
 */
export function webviewFrame(page: Page, index = -1): FrameLocator {
  const outer = page.locator('iframe.webview.ready');
  const chosen = index < 0 ? outer.last() : outer.nth(index);
  return chosen.contentFrame().locator('iframe#active-frame').contentFrame();
}

/**
 * Show an output channel in the panel and return its text once it contains
 * `expected`. An extension's channel exists only once the extension has activated,
 * so the channel list is reopened until it offers the channel (or `ms` elapses).
 */
export async function readOutputChannel(page: Page, channel: string, expected: string | RegExp, ms = 60_000): Promise<string> {
  const row = quickPickRow(page, channel);
  await poll(
    async () => {
      await runPaletteCommand(page, 'Output: Show Output Channels...');
      if (await row.waitFor({ timeout: 2000 }).then(() => true, () => false)) return true;
      await page.keyboard.press('Escape');
      return false;
    },
    `output channel "${channel}" to exist`,
    ms,
  );
  await row.click();
  const view = page.locator('.part.panel .monaco-editor .view-lines').first();
  let text = '';
  const found = () => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  await poll(async () => {
    text = (await view.isVisible()) ? editorText(await view.innerText()) : '';
    return found();
  }, `output channel "${channel}" to show ${expected}`);
  return text;
}

/** Text of an editor's view lines as written: the editor renders spaces as no-break spaces. */
export function editorText(rendered: string): string {
  return rendered.replace(/\u00a0/g, ' ');
}

/** Save a screenshot of the whole window into test-results/e2e/NAME.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(e2eEnv().results, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** For an `afterEach`: screenshot the window when the test just failed, named after the test. */
export async function screenshotOnFailure(page: Page | undefined, test: Mocha.Test | undefined): Promise<void> {
  if (!page || !test || test.state !== 'failed') return;
  const name = `FAILED-${test.fullTitle().replace(/[^\w.-]+/g, '-').slice(0, 120)}`;
  await screenshot(page, name).catch(() => undefined);
}
