/**
 * Host -> webview: what the panel's page does with hostile messages (issue 9). The built
 * bundle runs in Chromium in the standalone preview (scripts/panel-preview.mjs: the
 * panel's HTML with the same CSP as in VS Code, a fake host serving the GPT-2 small
 * fixture). Messages hold markup and script in every string the page shows (model,
 * layer, device and finding names, notices), __proto__ keys, NaN, Infinity, negative
 * and huge numbers, wrong types, another protocol version and a 5 MB string. The page
 * must show the strings as text, create no element from them, run nothing, keep
 * Object.prototype as it was, and show the next valid report as before.
 * Skipped when no Chromium is installed (set CHROMIUM_PATH to point at one).
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, startPanelPreview, type PanelPreview } from './helpers/panelPreview';


const SCRIPT = '<img src=x onerror=alert(1)><script>alert(2)</script><iframe src="javascript:alert(3)"></iframe>';

// Run in the page (the functions given to page.evaluate), where these exist.
interface PageNode {
  textContent: string | null;
}
declare const document: {
  querySelectorAll(selector: string): { length: number };
  body: PageNode;
  addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare const window: {
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  __preview: { sent: Array<{ type: string; [k: string]: unknown }>; post(m: unknown): void };
  __inits: Init[];
  __hostile: { ran: number };
};

/** The parts of an init message these tests change. */
interface Init {
  type: 'init';
  selectedModelId: string;
  models: Array<{ name: string }>;
  devices: Array<{ name: string }>;
  report: {
    name: string;
    params: { total: number; trainable: number };
    memory: { train: { totalBytes: number }; inference: { totalBytes: number } };
    layers: Array<{ name: string; params: number }>;
    findings: Array<{ severity: string; code: string; message: string }>;
  };
}

/** Elements that markup in a string would create. */
const MARKUP = 'img, script:not([nonce]), iframe, object, embed, svg image, a[href^="javascript"]';

describe('hostile host messages: the panel page shows them as text and survives', function () {
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

  beforeEach(async () => {
    problems = [];
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
      // Keep each init the host sends, to make hostile copies of it.
      window.__inits = [];
      window.__hostile = { ran: 0 };
      window.addEventListener('message', (e) => {
        const d = e.data as { type?: unknown } | null;
        if (d && typeof d === 'object' && d.type === 'init' && window.__inits.length === 0) window.__inits.push(structuredClone(d) as Init);
      });
    });
    await page.goto(`${preview!.url}?theme=dark&fixture=gpt2-small`);
    await page.waitForSelector('#app[data-state="ready"]');
  });

  afterEach(async () => {
    const ran = await page.evaluate(() => window.__hostile.ran);
    const polluted = await page.evaluate(() => Object.keys(Object.prototype).concat(Object.keys(Array.prototype)));
    await page.close();
    assert.equal(ran, 0, 'no script from a message ran');
    assert.deepEqual(polluted, [], 'Object.prototype and Array.prototype untouched');
    assert.deepEqual(problems, [], 'no console errors, CSP violations or dialogs');
  });

  /** Messages arrive as events: let the page handle them. */
  const settle = () => page.waitForTimeout(300);

  /** The hostile strings, with a marker the page would bump if any of them ran. */
  const hostile = (n: number) => `${SCRIPT.replace(/alert\((\d)\)/g, 'window.__hostile.ran++')} #${n}`;

  it('renders markup in model, layer, device and finding names and in notices as text', async () => {
    const names = [1, 2, 3, 4, 5, 6].map(hostile);
    // Built in the page: the functions given to page.evaluate run there.
    await page.evaluate((n) => {
      const init = structuredClone(window.__inits[0]) as Init;
      init.models = init.models.map((m, i) => (i === 0 ? { ...m, name: n[0] } : m));
      init.report.name = n[0];
      init.report.layers[0]!.name = n[1];
      init.report.layers[1]!.name = n[2];
      init.report.findings = [{ severity: 'warning', code: 'hostile', message: n[3] }];
      init.devices = init.devices.map((d) => ({ ...d, name: n[4] }));
      window.__preview.post(init);
      window.__preview.post({ type: 'notice', level: 'warning', message: n[5] });
    }, names);
    await settle();
    await page.waitForSelector('[data-testid="notice"]');
    assert.equal(await page.locator(MARKUP).count(), 0);
    const text = (await page.evaluate(() => document.body.textContent)) ?? '';
    for (const n of names) assert.ok(text.includes(n), `"${n}" shown as text`);
    assert.equal(await page.textContent('[data-testid="layer-row"][data-path=""] .layer-name'), names[1]);
  });

  it('refuses __proto__ keys without polluting prototypes, and survives wrong types and absurd numbers', async () => {
    await page.evaluate(() => {
      const init = structuredClone(window.__inits[0]) as Init;
      // JSON.parse makes __proto__ an own key, as a message from a compromised host could hold it.
      const polluting = JSON.parse('{"type":"notice","level":"info","message":"hello","__proto__":{"ran":1,"polluted":true}}') as unknown;
      const models = JSON.parse('[{"__proto__":{"polluted":true},"id":"x","name":"x","kind":"class","framework":"pytorch","line":1,"file":"x.py"}]') as unknown;
      const numbers = structuredClone(init);
      numbers.report.params.total = NaN;
      numbers.report.params.trainable = -1;
      numbers.report.memory.train.totalBytes = Infinity;
      numbers.report.memory.inference.totalBytes = 1e308;
      numbers.report.layers[0]!.params = 2 ** 80;
      for (const m of [
        polluting,
        { ...init, models },
        { type: 'busy', busy: '<b>yes</b>' },
        { type: 'notice', level: '<script>', message: 42 },
        { type: 'modelsChanged', models: 'all', selectedModelId: { toString: null } },
        { type: 'update', modelId: init.selectedModelId, report: null, controls: [], devices: 7 },
        { type: 'init', protocolVersion: NaN, models: null },
        numbers,
      ])
        window.__preview.post(m);
    });
    await settle();
    // What went wrong was reported to the host, in words, not thrown into the console.
    const errors = await page.evaluate(() => window.__preview.sent.filter((m) => m.type === 'error'));
    assert.ok(errors.length >= 1, 'the page reported the messages it could not show');
    for (const e of errors) assert.ok(typeof e.message === 'string' && e.message.length <= 2000);
    assert.equal(await page.locator(MARKUP).count(), 0);
    const shown = (await page.evaluate(() => document.body.textContent)) ?? '';
    assert.ok(!/\bNaN\b|Infinity/.test(shown), 'no NaN or Infinity on the page');
    // The last message, a report with NaN parameters and Infinity bytes, shows them as unknown.
    assert.equal(await page.textContent('[data-testid="summary-params-value"]'), '—');
    assert.equal(await page.textContent('[data-testid="summary-train-memory-value"]'), '—');
  });

  it('shows a panel from another version as such, takes a 5 MB notice, and shows the next valid report as before', async () => {
    await page.evaluate(() => {
      window.__preview.post({ ...window.__inits[0], protocolVersion: 999 });
      window.__preview.post({ type: 'notice', level: 'info', message: 'y'.repeat(5 * 1024 * 1024) });
    });
    await settle();
    assert.match((await page.textContent('[data-testid="empty"]')) ?? '', /from another version of the extension/);
    await page.evaluate(() => window.__preview.post(window.__inits[0]));
    await settle();
    // GPT-2 small: 124,439,808 parameters (published count; test/fixtures/reports/README).
    assert.equal(await page.getAttribute('[data-testid="summary-params-value"]', 'data-exact'), '124439808');
    assert.equal(await page.textContent('[data-testid="summary-params-value"]'), '124.4M');
  });
});
