/**
 * The UI helpers that feature tests rely on (hover, webview frame), checked on
 * what the workbench already shows without our features: the settings hover
 * carries our manifest's setting descriptions, and the built-in Markdown preview
 * is a webview.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { e2eEnv } from './lib/env';
import {
  hoverAtWord,
  openFile,
  openWorkbench,
  runPaletteCommand,
  screenshot,
  screenshotOnFailure,
  webviewFrame,
  type Workbench,
} from './lib/workbench';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('workbench helpers, on built-in features', () => {
  const { workspace } = e2eEnv();
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const markdownFile = path.join(workspace, 'preview-check.md');
  let wb: Workbench;

  before(async () => {
    // The default value, so the extension behaves as without the file.
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, '{\n  "modelProfiler.precision": "fp32"\n}\n');
    writeFileSync(markdownFile, '# Preview heading\n\nSome text.\n');
    wb = await openWorkbench();
  });

  afterEach(async function () {
    await screenshotOnFailure(wb?.page, this.currentTest);
  });

  after(async () => {
    await wb?.close();
    rmSync(path.dirname(settingsFile), { recursive: true, force: true });
    rmSync(markdownFile, { force: true });
  });

  it('hoverAtWord reads the hover of a setting: our manifest description', async () => {
    await openFile(wb.page, '.vscode/settings.json');
    const text = await hoverAtWord(wb.page, 'modelProfiler.precision');
    const declared = manifest.contributes.configuration.properties['modelProfiler.precision'].markdownDescription;
    assert.ok(text.includes(declared), `hover text was: ${text}`);
    await screenshot(wb.page, 'settings-hover');
  });

  it('webviewFrame reaches the content of a webview (the Markdown preview)', async () => {
    await openFile(wb.page, 'preview-check.md');
    await runPaletteCommand(wb.page, 'Markdown: Open Preview');
    const heading = webviewFrame(wb.page).locator('h1');
    await heading.waitFor();
    assert.equal(await heading.innerText(), 'Preview heading');
  });
});
