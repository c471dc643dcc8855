import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWith, manifest } from './lib/extension';

const contributed = manifest.contributes.commands.map((c) => c.command);

describe('commands', () => {
  before(async () => {
    await activateWith();
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('registers no command the manifest does not declare', async () => {
    const ours = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('modelProfiler.'));
    assert.deepEqual([...new Set(ours)].sort(), [...contributed].sort());
  });

  it('puts every command in the "Model Profiler" category', () => {
    const others = manifest.contributes.commands.filter((c) => c.category !== 'Model Profiler');
    assert.deepEqual(others, []);
  });

  it('refers only to contributed commands from menus and keybindings', () => {
    const menuItems = Object.values(manifest.contributes.menus).flat();
    const referenced = [...menuItems, ...manifest.contributes.keybindings].map((m) => m.command);
    assert.deepEqual(
      referenced.filter((id) => !contributed.includes(id)),
      [],
    );
  });
});
