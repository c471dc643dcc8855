/**
 * The panel's DOM in a real browser: the built bundle in the standalone preview
 * (scripts/panel-preview.mjs, same CSP as in VS Code, a fake host answering with the
 * GPT-2 small fixture), driven with playwright-core and the system Chromium.
 * Skipped when no Chromium is installed (set CHROMIUM_PATH to point at one).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, startPanelPreview, type PanelPreview } from './helpers/panelPreview';

const ROOT = join(__dirname, '..', '..');

// GPT-2 small: 124,439,808 parameters (published count; fixtures' README).
const GPT2_PARAMS = 124_439_808;
const gpt = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'reports', 'gpt2-small.json'), 'utf8'));

// The functions given to page.evaluate run in the page, where these exist.
interface PageElement {
  dataset: Record<string, string | undefined>;
  width: number;
  height: number;
  getAttribute(name: string): string | null;
  toDataURL(): string;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: {
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare function getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
declare const window: {
  __preview: { sent: Array<{ type: string; [k: string]: unknown }>; pngs: Record<string, string>; post(m: unknown): void; setTheme(t: string): void };
};

describe('panel webview in Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let preview: PanelPreview | undefined;
  let page: Page;
  let problems: string[];

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    preview = await startPanelPreview();
    browser = preview.browser;
  });

  after(async () => {
    await preview?.close();
  });

  async function open(query = 'theme=dark&fixture=gpt2-small'): Promise<Page> {
    const p = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    p.on('pageerror', (e) => problems.push(e.message));
    p.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await p.goto(`${preview!.url}?${query}`);
    await p.waitForSelector('#app[data-state="ready"]');
    return p;
  }

  const sent = (p: Page, type: string) =>
    p.evaluate((t) => window.__preview.sent.filter((m) => m.type === t), type);

  /** The messages of a type once there are `count` of them (the fake host records them a tick later). */
  async function sentAtLeast(p: Page, type: string, count = 1) {
    await p.waitForFunction(([t, n]) => window.__preview.sent.filter((m) => m.type === t).length >= Number(n), [type, count] as const);
    return sent(p, type);
  }

  beforeEach(async () => {
    problems = [];
    page = await open();
  });

  afterEach(async () => {
    await page?.close();
    assert.deepEqual(problems, [], 'no console errors, CSP violations or dialogs');
  });

  it('posts ready first and renders the summary numbers of the report', async () => {
    await sentAtLeast(page, 'ready');
    const first = await page.evaluate(() => window.__preview.sent[0]);
    assert.deepEqual(first, { type: 'ready' });
    assert.equal(await page.textContent('[data-testid="summary-params-value"]'), '124.4M');
    assert.equal(await page.getAttribute('[data-testid="summary-params-value"]', 'data-exact'), String(GPT2_PARAMS));
    assert.equal(await page.getAttribute('[data-testid="summary-train-memory-value"]', 'data-exact'), String(gpt.memory.train.totalBytes));
    assert.equal(await page.textContent('[data-testid="summary-forward-macs-value"]'), '1.17 TMACs');
    assert.equal(await page.textContent('[data-testid="summary-forward-flops-value"]'), '2.33 TFLOPs');
    assert.equal(await page.getAttribute('[data-testid="fit-local-gpu-0"]', 'data-verdict'), 'does-not-fit');
  });

  it('shows the layer tree with the transformer blocks collapsed', async () => {
    const rows = page.locator('[data-testid="layer-row"]');
    assert.equal(await rows.count(), 20);
    assert.equal(await rows.nth(6).getAttribute('data-path'), 'transformer.h.0');
    assert.equal(await rows.nth(6).getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getAttribute('#layer-table', 'role'), 'treegrid');
  });

  it('reveals a layer on click and from the keyboard', async () => {
    await page.click('[data-testid="layer-row"][data-path="transformer.wte"]');
    const reveals = await sentAtLeast(page, 'revealLayer');
    assert.deepEqual(reveals.at(-1), { type: 'revealLayer', modelId: 'fixture#model', line: 86, layerPath: 'transformer.wte' });

    // Focus moves with the arrows; Right expands a block; Enter reveals.
    await page.keyboard.press('ArrowDown'); // wpe
    await page.keyboard.press('ArrowDown'); // drop
    await page.keyboard.press('ArrowDown'); // h
    await page.keyboard.press('ArrowDown'); // h.0
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'transformer.h.0');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('[data-testid="layer-row"]').count(), 24);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual((await sentAtLeast(page, 'revealLayer', 2)).at(-1), {
      type: 'revealLayer',
      modelId: 'fixture#model',
      line: 72,
      layerPath: 'transformer.h.0.ln_1',
    });
    await page.keyboard.press('ArrowLeft'); // to the parent block
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'transformer.h.0');
  });

  it('takes Tab through the panel in reading order to the layer table, every stop with a visible focus ring', async () => {
    const stops: Array<{ id: string; outline: string }> = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const e = document.activeElement as unknown as PageElement & { tagName: string };
        const style = getComputedStyle(e);
        return { id: e.dataset.testid ?? e.tagName, outline: `${style.outlineStyle} ${style.outlineWidth}` };
      });
      stops.push(stop);
      if (stop.id === 'layer-row') break;
    }
    const ids = stops.map((s) => s.id);
    // Picker and export first; the live controls (LoRA rank and GPUs are disabled for full
    // fine-tuning on one GPU); the fit card's Apply buttons; each chart's table and PNG
    // buttons; the table's header buttons; then one row of the table (a roving tabindex).
    assert.deepEqual(ids.slice(0, 4), ['model-picker', 'export-markdown', 'export-json', 'export-csv']);
    const controls = ['control-mode', 'control-batch', 'control-seq', 'control-input', 'control-precision', 'control-optimizer', 'control-gradientCheckpointing'];
    assert.deepEqual(ids.filter((id) => id.startsWith('control-') && id !== 'control-reset').slice(0, controls.length), controls);
    for (const chart of ['memory', 'whatif', 'formats']) {
      assert.ok(ids.indexOf(`table-toggle-${chart}`) >= 0 && ids.indexOf(`save-png-${chart}`) === ids.indexOf(`table-toggle-${chart}`) + 1, `${chart}: ${ids.join(', ')}`);
    }
    assert.ok(ids.indexOf('control-batch') < ids.indexOf('apply-local-gpu-0-batch'));
    assert.ok(ids.indexOf('save-png-formats') < ids.indexOf('sort-name'));
    assert.deepEqual(ids.slice(-2), ['sort-paramShare', 'layer-row']);
    assert.equal(ids.filter((id) => id === 'layer-row').length, 1);
    for (const s of stops) assert.match(s.outline, /^(solid|dashed|dotted) [1-9]/, `${s.id} has no focus outline (${s.outline})`);
    // The row reached by Tab is the model's own (the root); Enter there reveals its line.
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), '');
    await page.keyboard.press('Enter');
    assert.deepEqual((await sentAtLeast(page, 'revealLayer')).at(-1), { type: 'revealLayer', modelId: 'fixture#model', line: gpt.layers[0].line, layerPath: '' });
  });

  it('shows the layer names when Tab reaches the rows of a table wider than a narrow panel', async () => {
    await page.setViewportSize({ width: 650, height: 900 });
    const scroll = () =>
      page.evaluate(() => {
        const box = document.querySelector('.table-scroll') as unknown as PageElement & { scrollLeft: number; scrollWidth: number; clientWidth: number };
        return { left: box.scrollLeft, overflow: box.scrollWidth - box.clientWidth, path: document.activeElement?.dataset.path };
      });
    // The last column's header is off to the right: focusing it scrolls the table.
    await page.focus('[data-testid="sort-paramShare"]');
    const atHeader = await scroll();
    assert.ok(atHeader.overflow > 0 && atHeader.left > 0, `the table overflows and scrolled: ${JSON.stringify(atHeader)}`);
    await page.keyboard.press('Tab');
    assert.deepEqual(await scroll(), { left: 0, overflow: atHeader.overflow, path: '' });
    // A click on a number keeps the scroll the person chose.
    await page.evaluate(() => {
      (document.querySelector('.table-scroll') as unknown as { scrollLeft: number }).scrollLeft = 120;
    });
    await page.click('[data-testid="layer-row"][data-path="transformer.wte"] td.num');
    assert.equal((await scroll()).left, 120);
  });

  it('sorts by a column within each module', async () => {
    await page.click('[data-testid="sort-params"]');
    const paths = await page.locator('[data-testid="layer-row"]').evaluateAll((rows) => rows.map((r) => (r as unknown as PageElement).dataset.path));
    // transformer (124.4M) before lm_head (0, tied); inside it h (85.05M) > wte (38.6M) > wpe > ln_f > drop.
    assert.deepEqual(paths.slice(0, 4), ['', 'transformer', 'transformer.h', 'transformer.h.0']);
    assert.equal(await page.getAttribute('[data-testid="sort-params"] >> xpath=..', 'aria-sort'), 'descending');
  });

  it('posts setControls (debounced) when the batch changes, and shows the new numbers', async () => {
    const before = Number(await page.getAttribute('[data-testid="summary-train-memory-value"]', 'data-exact'));
    await page.fill('[data-testid="control-batch"]', '16');
    await page.waitForFunction(() => window.__preview.sent.some((m) => m.type === 'setControls'));
    const posts = await sent(page, 'setControls');
    assert.deepEqual(posts, [{ type: 'setControls', modelId: 'fixture#model', controls: { batch: 16 } }]);
    await page.waitForFunction(
      (b) => Number(document.querySelector('[data-testid="summary-train-memory-value"]')?.getAttribute('data-exact')) !== b,
      before,
    );
    const after = Number(await page.getAttribute('[data-testid="summary-train-memory-value"]', 'data-exact'));
    assert.ok(after > before, `${after} > ${before}`);
  });

  it('posts the LoRA targets, utilisation and training tokens controls', async () => {
    assert.equal(await page.isDisabled('[data-testid="control-loraTargets"]'), true, 'no LoRA targets for full fine-tuning');
    await page.selectOption('[data-testid="control-fineTuning"]', 'lora');
    await page.fill('[data-testid="control-loraTargets"]', 'q_proj, v_proj');
    await page.fill('[data-testid="control-utilizationPercent"]', '55');
    await page.fill('[data-testid="control-trainingTokens"]', '300000000000');
    await page.waitForFunction(() => window.__preview.sent.some((m) => m.type === 'setControls' && 'trainingTokens' in (m['controls'] as object)));
    const posts = await sent(page, 'setControls');
    const merged = Object.assign({}, ...posts.map((m) => m.controls as object)) as Record<string, unknown>;
    assert.deepEqual(merged, { fineTuning: 'lora', loraTargets: ['q_proj', 'v_proj'], utilizationPercent: 55, trainingTokens: 300_000_000_000 });
  });

  it('does not post LoRA targets that are not module names, and says why', async () => {
    await page.selectOption('[data-testid="control-fineTuning"]', 'lora');
    await sentAtLeast(page, 'setControls', 1);
    await page.fill('[data-testid="control-loraTargets"]', 'q_proj; v_proj');
    await page.waitForTimeout(500);
    assert.deepEqual((await sent(page, 'setControls')).map((m) => m.controls), [{ fineTuning: 'lora' }]);
    assert.match(String(await page.textContent('#control-loraTargets-error')), /^module names are letters, digits, _ \. and -$/);
  });

  it('does not post an invalid batch and says why', async () => {
    await page.fill('[data-testid="control-batch"]', '0');
    await page.waitForTimeout(500);
    assert.deepEqual(await sent(page, 'setControls'), []);
    assert.equal(await page.getAttribute('[data-testid="control-batch"]', 'aria-invalid'), 'true');
    assert.match(String(await page.textContent('#control-batch-error')), /^A whole number from 1 to 1,048,576$/);
  });

  it('applies a recommendation by id', async () => {
    await page.click('[data-testid="apply-local-gpu-0-gradient-checkpointing"]');
    assert.deepEqual((await sentAtLeast(page, 'applyRecommendation')).at(-1), {
      type: 'applyRecommendation',
      modelId: 'fixture#model',
      deviceId: 'local-gpu-0',
      recommendationId: 'gradient-checkpointing',
    });
  });

  it('draws the memory chart (canvas not blank) and describes it in words', async () => {
    const distinct = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="chart-memory"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 7) if (d[i + 3] > 0) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return colours.size;
    });
    assert.ok(distinct > 8, `memory chart has ${distinct} colours`);
    assert.match(String(await page.getAttribute('[data-testid="chart-memory"]', 'aria-label')), /^Memory chart\. Training needs 6\.2 GB; .*exceeds NVIDIA GeForce GTX 1650/);
    const table = page.locator('[data-testid="data-table-memory"] table');
    assert.equal(await table.locator('tbody tr').count(), 8 + 1 + 3);
    // Visually hidden until toggled, there for screen readers either way.
    assert.equal(await page.locator('[data-testid="data-table-memory"]').getAttribute('class'), 'data-table-wrap visually-hidden');
    await page.click('[data-testid="table-toggle-memory"]');
    assert.equal(await page.locator('[data-testid="data-table-memory"]').getAttribute('class'), 'data-table-wrap');
    assert.equal(await page.getAttribute('[data-testid="table-toggle-memory"]', 'aria-pressed'), 'true');
  });

  it('saves a chart as a PNG through the host', async () => {
    await page.click('[data-testid="save-png-whatif"]');
    await page.waitForFunction(() => window.__preview.pngs.whatif);
    const url = await page.evaluate(() => window.__preview.pngs.whatif);
    assert.match(url, /^data:image\/png;base64,/);
    const bytes = Buffer.from(url.split(',')[1], 'base64');
    // PNG signature (PNG specification §5.2).
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('redraws the charts in the new colours when the theme changes', async () => {
    const pixels = () =>
      page.evaluate(() => document.querySelector('[data-testid="chart-memory"]')!.toDataURL());
    const dark = await pixels();
    await page.evaluate(() => window.__preview.setTheme('light'));
    await page.waitForFunction((before) => document.querySelector('[data-testid="chart-memory"]')!.toDataURL() !== before, dark);
    const light = await pixels();
    await page.evaluate(() => window.__preview.setTheme('hc'));
    await page.waitForFunction((before) => document.querySelector('[data-testid="chart-memory"]')!.toDataURL() !== before, light);
  });

  it('restores the view after a reload (getState/setState)', async () => {
    await page.click('[data-testid="sort-macs"]');
    await page.click('[data-testid="layers-collapse-all"]');
    await page.waitForTimeout(400); // the state is saved debounced
    await page.reload();
    await page.waitForSelector('#app[data-state="ready"]');
    assert.equal(await page.getAttribute('[data-testid="sort-macs"] >> xpath=..', 'aria-sort'), 'descending');
    assert.equal(await page.locator('[data-testid="layer-row"]').count(), 3);
  });

  it('renders a hostile model name as text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const p = await open(`theme=dark&fixture=gpt2-small&name=${encodeURIComponent(name)}`);
    try {
      const option = await p.textContent('[data-testid="model-picker"] option');
      assert.ok(option?.startsWith(`${name} — class`), option ?? '');
      assert.equal(await p.locator('img').count(), 0);
      assert.equal(await p.textContent('[data-testid="layer-row"][data-path=""] .layer-name'), name);
    } finally {
      await p.close();
    }
  });

  it('ignores messages of unknown types and survives a malformed report', async () => {
    await page.evaluate(() => {
      const w = window;
      w.__preview.post({ type: 'runScript', code: 'alert(1)' });
      w.__preview.post('init');
      w.__preview.post({ type: 'update', modelId: 'fixture#model', report: { name: 'broken' }, controls: {}, devices: [] });
    });
    const errors = await sentAtLeast(page, 'error');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0].message), /^TypeError: /);
    assert.match(String(await page.textContent('[data-testid="notice"]')), /could not show this report/);
    problems = [];
  });
});
