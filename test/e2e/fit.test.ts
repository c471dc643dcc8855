/**
 * "Will it fit?" as a person sees it in the workbench, with the installed .vsix on this
 * machine's real hardware: the status-bar item and its menu, and a fit diagnostic
 * (squiggle, hover, Problems panel) after an edit makes the example GPT far too big for
 * any machine. (Check Fits from the palette: workbench.test.ts.) Screenshots go to
 * test-results/e2e/.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { e2eEnv } from './lib/env';
import {
  openFile,
  openWorkbench,
  poll,
  screenshot,
  screenshotOnFailure,
  type Workbench,
} from './lib/workbench';

/** The page's own DOM, typed loosely: this callback runs in the browser. */
declare const getComputedStyle: (element: unknown) => { opacity: string };

/** The hardware item: its text ends with the RAM ("No GPU · 24 GB RAM", "RTX 4090 24 GB · 64 GB RAM"). */
const HARDWARE_TEXT = /^(No GPU|.+ \d+ GB.*) · \d+(\.\d)? (GB|TB) (RAM|unified memory)$/;

function hardwareItem(page: Page) {
  return page.locator('.part.statusbar .statusbar-item').filter({ hasText: / · \d+(\.\d)? (GB|TB) (RAM|unified memory)$/ }).first();
}

/**
 * Show the hover at a line and column (1-based) of the active editor from the keyboard
 * (Ctrl+K Ctrl+I), wait until it holds `expected` (its parts render one by one), take the
 * screenshot `name` while it shows, and return its text.
 */
async function keyboardHover(page: Page, line: number, column: number, expected: RegExp, name: string): Promise<string> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
  let text = '';
  await poll(async () => {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    if (!(await hover.waitFor({ timeout: 3000 }).then(() => true, () => false))) return false;
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      text = (await hover.innerText().catch(() => '')).trim();
      if (expected.test(text) && (await hover.evaluate((el) => getComputedStyle(el).opacity).catch(() => '')) === '1') {
        await screenshot(page, name);
        // The picture counts only if the hover was still there when it was taken.
        return hover.isVisible();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }, `the hover at line ${line}, column ${column} to show ${expected}`);
  return text;
}

/** Replace line `line` (1-based) of the active editor, typing as a person does. */
async function replaceLine(page: Page, line: number, text: string): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type(text);
}

describe('fit check in the workbench', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  afterEach(async function () {
    await screenshotOnFailure(wb?.page, this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  it('shows this machine in the status bar, and its menu on a click', async () => {
    await openFile(wb.page, 'mnist_cnn.py');
    const item = hardwareItem(wb.page);
    await item.waitFor({ timeout: 60_000 });
    await poll(async () => HARDWARE_TEXT.test((await item.innerText()).trim()), 'hardware detection to finish');
    await item.click();
    // Each label starts with its icon, so the rows are found by their text.
    const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
    for (const label of ['Refresh Hardware', 'Select Target GPUs', 'Open Profiler Panel']) await rows.filter({ hasText: label }).first().waitFor();
    await screenshot(wb.page, 'fit-hardware-menu');
    await wb.page.keyboard.press('Escape');
  });

  it('puts a diagnostic on a model that needs more than the machine has', async () => {
    const file = path.join(e2eEnv().workspace, 'gpt_mini.py');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.startsWith('# profile: batch=16')) + 1;
    assert.ok(line > 0, 'the example has its # profile: comment');
    const original = lines[line - 1]!;
    const nameColumn = lines[line]!.indexOf('GPTMini') + 1;
    assert.ok(nameColumn > 0, 'the class follows its comment');
    await openFile(wb.page, 'gpt_mini.py');
    // A batch 4096 times larger: hundreds of GB of activations, more than any machine here has.
    await replaceLine(wb.page, line, '# profile: batch=65536 seq=256');
    try {
      const squiggle = wb.page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first();
      await squiggle.waitFor({ timeout: 60_000 });
      // The hover at the class name, shown from the keyboard so no line moving under the mouse
      // (a CodeLens being redrawn) can miss it.
      const hover = await keyboardHover(wb.page, line + 1, nameColumn, /GPTMini needs ~/, 'fit-diagnostic-hover');
      assert.match(hover, /GPTMini needs ~[\d.]+ (GB|TB) to train \(batch 65536, seq 256, fp32, AdamW\); the largest (GPU|device) here has /);

      await wb.page.keyboard.press('Escape');
      await wb.page.keyboard.press('Control+Shift+M');
      const problem = wb.page.locator('.markers-panel .monaco-tl-row', { hasText: 'GPTMini needs ~' }).first();
      await problem.waitFor();
      await screenshot(wb.page, 'fit-diagnostic-problems');
    } finally {
      // Put the example back as it was, pass or fail: later suites read it (the editor may have saved the change already).
      await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      await replaceLine(wb.page, line, original);
      await wb.page.keyboard.press('Control+S');
    }
    await poll(async () => (await wb.page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count()) === 0, 'the diagnostic to go');
    await poll(async () => readFileSync(file, 'utf8').split('\n')[line - 1] === original, 'the example to be saved as it was');
  });
});
