import * as assert from 'node:assert/strict';
import { activateWith, extension, manifest } from './lib/extension';

describe('activation', () => {
  it('declares no eager activation', () => {
    // "*" or onStartupFinished would load the extension in every window, Python or not.
    assert.deepEqual(
      manifest.activationEvents.filter((e) => e === '*' || e === 'onStartupFinished'),
      [],
    );
  });

  it('is not active before a Python file is opened', () => {
    assert.equal(extension().isActive, false);
  });

  it('activates when a Python file is opened, and activation is cheap', async () => {
    const api = await activateWith('mlp.py');
    assert.equal(extension().isActive, true);
    // activate() only registers commands: no parser load, no hardware probe.
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs >= 0 && api.activationMs < 250, `activate took ${api.activationMs} ms`);
  });
});
