/**
 * The installed extension in the workbench, as a user meets it: open an example,
 * watch it activate, run a command from the palette.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { e2eEnv } from './lib/env';
import {
  openFile,
  openWorkbench,
  readOutputChannel,
  runPaletteCommand,
  screenshot,
  screenshotOnFailure,
  waitForNotification,
  type Workbench,
} from './lib/workbench';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('the installed extension in the workbench', () => {
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

  it('was installed from the .vsix into the extensions folder', () => {
    const dir = path.join(e2eEnv().extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    assert.ok(existsSync(path.join(dir, 'dist', 'extension.js')), `${dir} holds no dist/extension.js`);
  });

  it('activates when examples/mnist_cnn.py is opened and logs its activation time', async () => {
    await openFile(wb.page, 'mnist_cnn.py');
    const log = await readOutputChannel(wb.page, 'Model Resource Profiler', /activated in [\d.]+ ms/);
    assert.match(log, new RegExp(`Model Resource Profiler ${manifest.version.replace(/\./g, '\\.')} activated in [\\d.]+ ms`));
    await screenshot(wb.page, 'mnist-cnn-opened');
  });

  it('runs "Check Fits on This Machine" from the command palette', async () => {
    await runPaletteCommand(wb.page, 'Model Profiler: Check Fits on This Machine');
    // Until the hardware check lands, the command says so rather than doing nothing.
    const text = await waitForNotification(wb.page, 'Check Fits on This Machine');
    assert.equal(text, 'Model Profiler: Check Fits on This Machine is not available in this build of Model Resource Profiler.');
    await screenshot(wb.page, 'check-fits-from-palette');
  });
});
