/**
 * The profiler panel as a person uses it, in the workbench with the installed .vsix:
 * open it on an example, read the summary and the layer table in the webview, change
 * the batch, click a layer, switch themes, and save the charts. Screenshots and chart
 * PNGs land in test-results/e2e/.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { analyzeDocument } from '../../src/core/analyze';
import { findDevice } from '../../src/core/hardware/catalog';
import { devicesFor } from '../../src/core/hardware/devices';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { probeHardware } from '../../src/node/hardware/probe';
import { initParserFromDisk } from '../../src/node/wasm';
import { e2eEnv } from './lib/env';
import { editorText, openFile, openWorkbench, poll, quickPickRow, runPaletteCommand, screenshot, screenshotOnFailure, webviewFrame, type Workbench } from './lib/workbench';

/** The canvas as the page sees it (these callbacks run in the webview, not in Node). */
interface PageCanvas {
  width: number;
  height: number;
  toDataURL(type: string): string;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
    fillStyle: string;
    fillRect(x: number, y: number, w: number, h: number): void;
    drawImage(image: PageCanvas, x: number, y: number): void;
  } | null;
  ownerDocument: { body: unknown; createElement(tag: 'canvas'): PageCanvas; defaultView: { getComputedStyle(e: unknown): { backgroundColor: string } } };
}

const DARK = { theme: 'Default Dark Modern', bodyClass: 'vscode-dark' };

const CHARTS = ['memory', 'whatif', 'formats'] as const;

/** Text of the editor's cursor position in the status bar, such as "Ln 23, Col 46 (37 selected)". */
async function cursorStatus(page: Page): Promise<string> {
  return (await page.locator('.statusbar-item[id="status.editor.selection"]').innerText()).trim();
}

async function exact(frame: FrameLocator, card: string): Promise<number> {
  return Number(await frame.getByTestId(`summary-${card}-value`).getAttribute('data-exact'));
}

/** Distinct colours and drawn pixels of a chart canvas, read back from its pixel data. */
async function canvasInk(frame: FrameLocator, chart: string): Promise<{ drawn: number; total: number; colours: number }> {
  return frame.getByTestId(`chart-${chart}`).evaluate((node) => {
    const canvas = node as unknown as PageCanvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! < 200) continue;
      drawn++;
      // Quantised, so anti-aliased edges do not count as colours of their own.
      colours.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4));
    }
    return { drawn, total: data.length / 4, colours: colours.size };
  });
}

/** Each chart's canvas as a PNG under test-results/e2e, on the panel's background (the canvas itself is transparent). */
async function saveChartPngs(frame: FrameLocator, label: string): Promise<string[]> {
  const files: string[] = [];
  for (const chart of CHARTS) {
    const url = await frame.getByTestId(`chart-${chart}`).evaluate((node) => {
      const canvas = node as unknown as PageCanvas;
      const doc = canvas.ownerDocument;
      const out = doc.createElement('canvas');
      out.width = canvas.width;
      out.height = canvas.height;
      const ctx = out.getContext('2d')!;
      ctx.fillStyle = doc.defaultView.getComputedStyle(doc.body).backgroundColor;
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0);
      return out.toDataURL('image/png');
    });
    const file = path.join(e2eEnv().results, `chart-${chart}-${label}.png`);
    writeFileSync(file, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    files.push(file);
  }
  return files;
}

describe('the profiler panel in the workbench', () => {
  const { workspace, results } = e2eEnv();
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  let wb: Workbench;
  let panel: FrameLocator;

  /** Workspace settings, as a person edits .vscode/settings.json; the workbench picks the file up. */
  function writeSettings(values: Record<string, unknown>): void {
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    // A generous analysis budget: other test runs may share this machine's cores.
    writeFileSync(settingsFile, JSON.stringify({ 'modelProfiler.analysis.timeBudgetMs': 10_000, ...values }, null, 2));
  }

  async function switchTheme({ theme, bodyClass }: { theme: string; bodyClass: string }): Promise<void> {
    writeSettings({ 'workbench.colorTheme': theme });
    await panel.locator(`body.${bodyClass}`).waitFor({ timeout: 60_000 });
    // The charts redraw on the theme change; give the redraw a frame to land.
    await wb.page.waitForTimeout(500);
  }

  /** A screenshot with the mouse parked on an empty part of the title bar, so no tooltip covers the window. */
  async function snap(name: string): Promise<void> {
    await wb.page.mouse.move(1100, 15);
    await wb.page.waitForTimeout(300);
    await screenshot(wb.page, name);
  }

  /** The window with the panel scrolled to its charts. */
  async function chartsScreenshot(name: string): Promise<void> {
    await panel.locator('#charts').evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
    await snap(name);
  }

  before(async () => {
    // The web workbench follows the browser's light preference unless a theme is set.
    writeSettings({ 'workbench.colorTheme': DARK.theme });
    wb = await openWorkbench();
  });

  afterEach(async function () {
    await screenshotOnFailure(wb?.page, this.currentTest);
  });

  after(async () => {
    await wb?.close();
    rmSync(path.dirname(settingsFile), { recursive: true, force: true });
  });

  it('opens on examples/mnist_cnn.py with torch\'s parameter count and the layer table', async () => {
    // The editor and the panel share the window: give them the side bar's room.
    await runPaletteCommand(wb.page, 'View: Toggle Primary Side Bar Visibility');
    await openFile(wb.page, 'mnist_cnn.py');
    await runPaletteCommand(wb.page, 'Model Profiler: Open Profiler Panel');
    panel = webviewFrame(wb.page);
    await panel.locator('#app[data-state="ready"]').waitFor({ timeout: 90_000 });
    // torch 1.13: sum(p.numel() for p in MnistCNN().parameters()) = 421,834.
    assert.equal(await exact(panel, 'params'), 421_834);
    assert.match(await panel.getByTestId('model-picker').locator('option:checked').innerText(), /^MnistCNN — class · mnist_cnn\.py:14/);

    const rows = panel.getByTestId('layer-row');
    const paths = await rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { path: string } }).dataset.path));
    for (const p of ['', 'conv1', 'bn1', 'conv2', 'bn2', 'pool', 'dropout', 'fc1', 'fc2']) assert.ok(paths.includes(p), `no row ${p || '(root)'} in ${paths.join(', ')}`);
    // torch: Conv2d(1, 32, 3) has 32·1·3·3 + 32 = 320 parameters; Linear(3136, 128) has 401,536.
    const params = (p: string) => panel.locator(`[data-testid="layer-row"][data-path="${p}"] td.num`).first().getAttribute('title');
    assert.match((await params('conv1')) ?? '', /^320 parameters/);
    assert.match((await params('fc1')) ?? '', /^401,536 parameters/);
    // The comment above the class says batch=64: conv1's output is [64, 32, 28, 28] in torch.
    assert.match(await panel.locator('[data-testid="layer-row"][data-path="conv1"]').innerText(), /\[64, 32, 28, 28\]/);
    assert.equal(await panel.getByTestId('control-batch').inputValue(), '64');
    await snap('panel-mnist-dark');
  });

  it('re-estimates when the batch control changes', async () => {
    const before = await exact(panel, 'train-memory');
    const batch = panel.getByTestId('control-batch');
    await batch.fill('128');
    await batch.press('Tab');
    await poll(async () => (await exact(panel, 'train-memory')) !== before, 'the training memory to change', 60_000);
    const after = await exact(panel, 'train-memory');
    assert.ok(after > before, `training memory went from ${before} to ${after}`);
    assert.match(await panel.locator('[data-testid="layer-row"][data-path="conv1"]').innerText(), /\[128, 32, 28, 28\]/);

    // The engine run directly, at batch 128 with this machine's devices, gives the same figure.
    await initParserFromDisk();
    const profile = await probeHardware({ workspacePath: workspace, timeoutMs: 10_000, unifiedMemoryShare: 0.75 });
    const engine = analyzeDocument({
      file: path.join(workspace, 'mnist_cnn.py'),
      text: readFileSync(path.join(workspace, 'mnist_cnn.py'), 'utf8'),
      host: NO_FILES,
      options: { ...DEFAULT_OPTIONS, batch: 128, input: [1, 28, 28] },
      devices: devicesFor(profile, { targetDevices: [], override: null, unifiedMemoryShare: 0.75 }),
      budgets: { timeMs: 10_000 },
      ignoreProfileComments: true,
    }).models.find((m) => m.name === 'MnistCNN')!;
    assert.equal(after, engine.memory.train.totalBytes);
    await snap('panel-mnist-batch-128');
  });

  it("moves the editor's selection to a layer's line when its row is clicked", async () => {
    const row = panel.locator('[data-testid="layer-row"][data-path="fc1"]');
    assert.equal(await row.getAttribute('data-line'), '23');
    await row.click();
    // Line 23 is `        self.fc1 = nn.Linear(64 * 7 * 7, 128)`: selected from `self` to the end.
    await poll(async () => /^Ln 23, Col \d+ \(37 selected\)$/.test(await cursorStatus(wb.page)), 'the selection on line 23');
    await snap('panel-row-revealed');
  });

  it('reaches the layer table with Tab and reveals a row with Enter, its focus visible', async () => {
    // Focus into the panel on plain text (the Layers heading), then only the keyboard.
    await panel.locator('#layers-title').click();
    const active = () =>
      panel.locator('body').evaluate(() => {
        const doc = (globalThis as unknown as { document: { activeElement: { tagName: string; dataset: Record<string, string | undefined> } | null } }).document;
        const e = doc.activeElement;
        return { tag: e?.tagName ?? '', testid: e?.dataset.testid, path: e?.dataset.path };
      });
    // Expand all, Collapse all and the seven column headers come before the rows.
    const stops: string[] = [];
    for (let i = 0; i < 12; i++) {
      await wb.page.keyboard.press('Tab');
      const a = await active();
      stops.push(a.testid ?? a.tag);
      if (a.testid === 'layer-row') break;
    }
    assert.deepEqual(stops, [
      'layers-expand-all',
      'layers-collapse-all',
      'sort-name',
      'sort-type',
      'sort-outputShape',
      'sort-params',
      'sort-macs',
      'sort-activationBytes',
      'sort-paramShare',
      'layer-row',
    ]);
    // The table scrolled right to show the last header; the focused row brings its name back into view.
    assert.equal(await panel.locator('.table-scroll').evaluate((e) => (e as unknown as { scrollLeft: number }).scrollLeft), 0);
    // The focused row shows the theme's focus outline.
    const outline = await panel.locator('tr.layer-row:focus').evaluate((e) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(e);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    assert.match(outline, /^(solid|dashed|dotted) [1-9]/);
    // Home, then down the rows to fc2.
    await wb.page.keyboard.press('Home');
    for (let i = 0; i < 30 && (await active()).path !== 'fc2'; i++) await wb.page.keyboard.press('ArrowDown');
    assert.equal((await active()).path, 'fc2');
    await snap('panel-row-keyboard-focus');
    await wb.page.keyboard.press('Enter');
    // Line 24 is `        self.fc2 = nn.Linear(128, num_classes)`: selected from `self` to the end (38 characters).
    await poll(async () => /^Ln 24, Col \d+ \(38 selected\)$/.test(await cursorStatus(wb.page)), 'the selection on line 24');
  });

  it('follows the active editor to examples/gpt_mini.py and shows GPTMini', async () => {
    await openFile(wb.page, 'gpt_mini.py');
    const picker = panel.getByTestId('model-picker');
    await poll(async () => (await picker.locator('option:checked').innerText().catch(() => '')).includes('gpt_mini.py'), 'the panel to follow gpt_mini.py', 60_000);
    const gpt = await picker.locator('option', { hasText: /^GPTMini — / }).getAttribute('value');
    assert.ok(gpt, 'GPTMini is not in the model picker');
    await picker.selectOption(gpt);
    await poll(async () => (await exact(panel, 'params')) === 5_322_240, 'GPTMini\'s parameter count', 60_000);
    // torch 1.13: GPTMini(GPTConfig()) has 5,322,240 parameters, the tied lm_head counted once.
    assert.equal(await exact(panel, 'params'), 5_322_240);
    assert.equal(await panel.getByTestId('control-seq').inputValue(), '256');
  });

  it('checks a target GPU from the catalog: its verdict, and the step time on it', async () => {
    await panel.getByTestId('control-targetDevices').locator('summary').click();
    await panel.getByTestId('target-rtx-4090').check();
    const card = panel.getByTestId('fit-rtx-4090');
    await card.waitFor({ timeout: 60_000 });
    // 711 MB for a training step of GPTMini at batch 16 × 256 fits a 24 GB card.
    assert.equal(await card.getAttribute('data-verdict'), 'fits');
    await panel.getByTestId('time-device').selectOption('rtx-4090');
    await initParserFromDisk();
    const engine = analyzeDocument({
      file: path.join(workspace, 'gpt_mini.py'),
      text: readFileSync(path.join(workspace, 'gpt_mini.py'), 'utf8'),
      host: NO_FILES,
      options: { ...DEFAULT_OPTIONS, batch: 16, seq: 256 },
      devices: [{ ...findDevice('RTX 4090')!, local: false }],
      budgets: { timeMs: 10_000 },
    }).models.find((m) => m.name === 'GPTMini')!;
    const seconds = engine.time[0]!.trainStepSeconds!;
    await poll(async () => Math.abs((await exact(panel, 'time')) - seconds) <= seconds * 1e-9, `the step time on the RTX 4090 (${seconds} s)`);
    await panel.getByTestId('control-targetDevices').locator('summary').click();
    await panel.locator('#app').evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
    await snap('panel-gpt-mini-dark');
    await chartsScreenshot('panel-gpt-mini-dark-charts');
    await saveChartPngs(panel, 'dark');
  });

  // Before any typing: a reload restores unsaved edits from the workbench's backups, which lag the editor.
  it('comes back after a window reload, on the model it showed', async () => {
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('>Developer: Reload Window');
    await quickPickRow(wb.page, 'Developer: Reload Window').waitFor();
    await Promise.all([wb.page.waitForEvent('load', { timeout: 60_000 }), input.press('Enter')]);
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The serializer restores the panel with the state its page kept: the selected model.
    panel = webviewFrame(wb.page);
    await panel.locator('#app[data-state="ready"]').waitFor({ timeout: 90_000 });
    assert.match(await panel.getByTestId('model-picker').locator('option:checked').innerText(), /^GPTMini — /);
    assert.equal(await exact(panel, 'params'), 5_322_240);
    await snap('panel-after-reload');
  });

  it('follows typing: GPTMini with six blocks instead of four', async () => {
    // Back in the editor beside the panel (which keeps GPTMini), on line 18: `    n_layer: int = 4`.
    await runPaletteCommand(wb.page, 'View: Focus First Editor Group');
    await wb.page.keyboard.press('Control+G');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(':18');
    await input.press('Enter');
    await wb.page.keyboard.press('End');
    // One edit, so one undo takes it back: select the 4, type over it.
    await wb.page.keyboard.press('Shift+ArrowLeft');
    await wb.page.keyboard.type('6');
    const line18 = wb.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'n_layer' });
    assert.equal(editorText(await line18.innerText()).trim(), 'n_layer: int = 6');
    // torch 1.13: GPTMini(GPTConfig(n_layer=6)) has 6,901,760 parameters (two more blocks of 789,760).
    await poll(async () => (await exact(panel, 'params')) === 6_901_760, 'the six-block parameter count', 60_000);
    assert.match(await panel.getByTestId('model-picker').locator('option:checked').innerText(), /^GPTMini — /);
    // The panel may have taken the focus while it re-rendered: give it back to the line, then undo.
    await line18.click();
    await wb.page.keyboard.press('Control+Z');
    await poll(async () => editorText(await line18.innerText()).trim() === 'n_layer: int = 4', 'the undo back to n_layer: int = 4', 10_000);
    await poll(async () => (await exact(panel, 'params')) === 5_322_240, 'the four-block count after undo', 60_000);
  });

  it('draws the memory chart: its canvas holds ink in several colours', async () => {
    const ink = await canvasInk(panel, 'memory');
    assert.ok(ink.drawn > ink.total * 0.02, `only ${ink.drawn} of ${ink.total} pixels are drawn`);
    // Bars of several memory terms, axes and labels: more than a handful of colours.
    assert.ok(ink.colours >= 5, `only ${ink.colours} colours`);
  });

  it('switches to a light theme and the panel follows', async () => {
    await switchTheme({ theme: 'Default Light Modern', bodyClass: 'vscode-light' });
    await chartsScreenshot('panel-light');
    await saveChartPngs(panel, 'light');
    const ink = await canvasInk(panel, 'memory');
    assert.ok(ink.colours >= 5, `only ${ink.colours} colours in the light theme`);
  });

  it('switches to a high-contrast theme and the panel follows', async () => {
    await switchTheme({ theme: 'Default High Contrast', bodyClass: 'vscode-high-contrast' });
    await chartsScreenshot('panel-high-contrast');
    await saveChartPngs(panel, 'high-contrast');
    const ink = await canvasInk(panel, 'memory');
    assert.ok(ink.colours >= 3, `only ${ink.colours} colours in the high-contrast theme`);
  });

  it("saves a chart through the panel's own Save PNG button", async () => {
    await switchTheme(DARK);
    await panel.getByTestId('save-png-memory').click();
    // The web workbench asks where to save in its own file dialog; accept the suggested name.
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    // The dialog fills its path in as it reads the folder.
    await poll(async () => /\/examples\/GPTMini-memory\.png$/.test(await input.inputValue()), 'the suggested file name', 20_000).catch(async (e) => {
      await snap('save-dialog');
      throw e;
    });
    await input.press('Enter');
    await panel.getByTestId('notice').filter({ hasText: 'Saved GPTMini-memory.png' }).waitFor({ timeout: 30_000 });
    const saved = path.join(workspace, 'GPTMini-memory.png');
    assert.ok(existsSync(saved), `${saved} was not written`);
    // The PNG signature (PNG specification §5.2).
    assert.deepEqual([...readFileSync(saved).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    copyFileSync(saved, path.join(results, 'saved-GPTMini-memory.png'));
  });
});
