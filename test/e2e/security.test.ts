/**
 * Webview safety in the workbench with the installed .vsix (issue 9): names that come
 * from the person's source reach the profiler panel as text, never as markup, and the
 * panel's page carries the strict CSP. Two real paths: an nn.ModuleDict key (which
 * becomes a layer's name and path) and a file name (shown in the model picker), both
 * holding an <img onerror> that would open a dialog if it ever became an element.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { e2eEnv } from './lib/env';
import { openFile, openWorkbench, poll, runPaletteCommand, screenshot, screenshotOnFailure, webviewFrame, type Workbench } from './lib/workbench';

/** A script element, typed loosely: the callbacks that read it run in the webview, not in Node. */
interface PageScript {
  src: string;
  nonce?: string;
  textContent: string | null;
}

const KEY = '<img src=x onerror=alert(1)>';
const FILE = '<img src=x onerror=alert(2)>.py';

const MODULE_DICT_SOURCE = `import torch
from torch import nn


class HostileKeys(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleDict({"${KEY}": nn.Linear(4, 4)})

    def forward(self, x):
        return self.blocks["${KEY}"](x)


model = HostileKeys()
y = model(torch.randn(2, 4))
`;

const FILE_NAME_SOURCE = `from torch import nn


class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        return self.fc(x)
`;

/** Elements markup in a name would create inside the panel (scripts are checked with the CSP). */
const MARKUP = 'img, iframe, object, embed, svg, a[href]';

async function exactParams(frame: FrameLocator): Promise<number> {
  return Number(await frame.getByTestId('summary-params-value').getAttribute('data-exact'));
}

describe('security: names from the source reach the panel as text, under the strict CSP', () => {
  const { workspace } = e2eEnv();
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const files = [path.join(workspace, 'hostile_keys.py'), path.join(workspace, FILE)];
  let wb: Workbench;
  let panel: FrameLocator;
  const dialogs: string[] = [];

  before(async () => {
    writeFileSync(files[0]!, MODULE_DICT_SOURCE);
    writeFileSync(files[1]!, FILE_NAME_SOURCE);
    // A generous analysis budget: other test runs may share this machine's cores.
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ 'modelProfiler.analysis.timeBudgetMs': 10_000 }, null, 2));
    wb = await openWorkbench();
    // An alert in any frame, the webview's included, would show here.
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterEach(async function () {
    await screenshotOnFailure(wb?.page, this.currentTest);
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });

  after(async () => {
    await wb?.close();
    for (const f of files) rmSync(f, { force: true });
    rmSync(path.dirname(settingsFile), { recursive: true, force: true });
  });

  it('shows an nn.ModuleDict key holding <img onerror> as the layer\'s name, in text', async () => {
    await openFile(wb.page, 'hostile_keys.py');
    await runPaletteCommand(wb.page, 'Model Profiler: Open Profiler Panel');
    panel = webviewFrame(wb.page);
    await panel.locator('#app[data-state="ready"]').waitFor({ timeout: 90_000 });
    // torch 1.13: HostileKeys() has one Linear(4, 4), 4·4 + 4 = 20 parameters; torch
    // accepts the key (named_modules() lists "blocks.<img src=x onerror=alert(1)>").
    await poll(async () => (await exactParams(panel)) === 20, 'HostileKeys\' 20 parameters', 60_000);
    const rows = panel.getByTestId('layer-row');
    const paths = await rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { path: string } }).dataset.path));
    assert.ok(paths.includes(`blocks.${KEY}`), paths.join(', '));
    const row = rows.nth(paths.indexOf(`blocks.${KEY}`));
    assert.match(await row.innerText(), new RegExp(KEY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await panel.locator(MARKUP).count(), 0, 'no element made from the key');
    await row.scrollIntoViewIfNeeded();
    await screenshot(wb.page, 'security-hostile-key');
  });

  it('shows a file name holding <img onerror> in the model picker, in text', async () => {
    await openFile(wb.page, FILE);
    const picker = panel.getByTestId('model-picker');
    await poll(async () => (await picker.locator('option:checked').innerText().catch(() => '')).includes(FILE), `the panel to follow ${FILE}`, 60_000);
    assert.match(await picker.locator('option:checked').innerText(), /^Plain — class · <img src=x onerror=alert\(2\)>\.py:4/);
    // torch 1.13: Linear(2, 3) = 2·3 + 3 = 9 parameters.
    await poll(async () => (await exactParams(panel)) === 9, 'Plain\'s 9 parameters', 60_000);
    assert.equal(await panel.locator(MARKUP).count(), 0, 'no element made from the file name');
  });

  it('runs under the strict CSP: nothing by default, scripts by nonce only, nothing inline', async () => {
    const csp = await panel.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp, 'the page declares a CSP');
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    const scriptSrc = directives.get('script-src') ?? [];
    assert.equal(scriptSrc.length, 1, csp);
    const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(scriptSrc[0]!)?.[1];
    assert.ok(nonce, `script-src is a nonce alone: ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|connect-src|frame-src|strict-dynamic/);
    // The page's scripts: the bundle, loaded with that nonce (the nonce attribute reads
    // empty once parsed; the property keeps it), and the one VS Code itself puts in every
    // webview to provide acquireVsCodeApi. Nothing else, and nothing inline of ours.
    const scripts = await panel.locator('script').evaluateAll((els) =>
      els.map((e) => {
        const s = e as unknown as PageScript;
        const text = (s.textContent ?? '').trim();
        return { src: s.src, nonce: s.nonce ?? '', inline: text.length > 0, vscodeApi: text.includes('acquireVsCodeApi') };
      }),
    );
    const ours = scripts.filter((s) => !s.vscodeApi);
    assert.equal(scripts.length - ours.length, 1, JSON.stringify(scripts));
    assert.equal(ours.length, 1, JSON.stringify(scripts));
    assert.match(ours[0]!.src, /\/extensions\/model-resource-profiler\.model-resource-profiler-[\d.]+\/dist\/webview\.js$/);
    assert.equal(ours[0]!.nonce, nonce);
    assert.equal(ours[0]!.inline, false);
  });
});
