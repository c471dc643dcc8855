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
  pickQuickItem,
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
    // The file defines the class and an instance of it: the command asks which.
    await pickQuickItem(wb.page, 'MnistCNN');
    const text = await waitForNotification(wb.page, /^MnistCNN needs ~/);
    // 37.2 MB is what `model-profiler fits examples/mnist_cnn.py` prints for the example's
    // `# profile: input=1,28,28 batch=64`; the device depends on the machine.
    assert.match(text, /^MnistCNN needs ~37\.2 MB to train \(batch 64, fp32, AdamW\); fits the .+\.$/);
    await screenshot(wb.page, 'check-fits-from-palette');
  });
});
