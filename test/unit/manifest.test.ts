/**
 * The manifest's settings and menus, as a person meets them in the Settings editor and
 * the command palette: every setting documented, the ones the editor issue names
 * present, and each command shown only where it can do something.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import manifest from '../../package.json';
import { PANEL_VIEW_TYPE } from '../../src/shared/protocol';

type Property = { markdownDescription?: string; description?: string; default?: unknown; type?: unknown };
type MenuItem = { command: string; when?: string; group?: string };

const properties = manifest.contributes.configuration.properties as Record<string, Property>;
const menus = manifest.contributes.menus as Record<string, MenuItem[]>;

/** The when-clause of a command in a menu. */
function whenOf(menu: string, command: string): string | undefined {
  const item = menus[menu]?.find((m) => m.command === command);
  assert.ok(item, `${command} is not in the ${menu} menu`);
  return item.when;
}

describe('manifest: settings', () => {
  it('contributes every setting the editor experience names', () => {
    // Issue "The editor experience", Settings: mode, batch, seq, input, precision, optimizer,
    // checkpointing; target devices, headroom; diagnostics on/off and severity; CodeLens
    // on/off; the utilisation assumed for time estimates.
    const named = [
      'mode',
      'batchSize',
      'seqLength',
      'inputShape',
      'precision',
      'optimizer',
      'gradientCheckpointing',
      'targetDevices',
      'headroomPercent',
      'diagnostics.enabled',
      'diagnostics.severity',
      'codeLens.enabled',
      'utilization',
    ];
    const missing = named.filter((key) => !(`modelProfiler.${key}` in properties));
    assert.deepEqual(missing, []);
  });

  it('documents every setting in Markdown and gives each a default', () => {
    const undocumented = Object.entries(properties)
      .filter(([, p]) => typeof p.markdownDescription !== 'string' || p.markdownDescription.trim().length < 20)
      .map(([key]) => key);
    assert.deepEqual(undocumented, []);
    const withoutDefault = Object.entries(properties)
      .filter(([, p]) => !('default' in p))
      .map(([key]) => key);
    assert.deepEqual(withoutDefault, []);
  });
});

describe('manifest: where commands show', () => {
  const palette = 'commandPalette';

  it('offers the model commands in the palette for Python files, notebooks and the profiler panel only', () => {
    for (const command of ['modelProfiler.checkFits', 'modelProfiler.openPanel', 'modelProfiler.exportReport']) {
      const when = whenOf(palette, command) ?? '';
      const alternatives = when.split('||').map((s) => s.trim()).sort();
      assert.deepEqual(alternatives, ['activeWebviewPanelId == ' + PANEL_VIEW_TYPE, 'editorLangId == python', 'resourceExtname == .ipynb'], command);
    }
  });

  it('names the panel by the view type the extension registers', () => {
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${PANEL_VIEW_TYPE}`));
  });

  it('offers exact mode only in a trusted workspace', () => {
    assert.match(whenOf(palette, 'modelProfiler.exactCount') ?? '', /\bisWorkspaceTrusted\b/);
    const command = manifest.contributes.commands.find((c) => c.command === 'modelProfiler.exactCount') as { enablement?: string } | undefined;
    assert.equal(command?.enablement, 'isWorkspaceTrusted');
  });

  it('hides the commands that need an argument from the palette', () => {
    // These take a model, a layer or a recommendation that only a view can pass.
    for (const command of ['modelProfiler.hardwareMenu', 'modelProfiler.applyRecommendation', 'modelProfiler.revealLayer', 'modelProfiler.showMultiGpuPlan']) {
      assert.equal(whenOf(palette, command), 'false', command);
    }
  });

  it('puts the editor title and context menu items only on Python editors with a model', () => {
    // The context key the extension sets (src/vscode/analysis/contextKey.ts, which needs the vscode module to load).
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'vscode', 'analysis', 'contextKey.ts'), 'utf8');
    assert.match(source, /export const HAS_MODELS_KEY = 'modelProfiler\.hasModels';/);
    for (const [menu, command] of [
      ['editor/title', 'modelProfiler.openPanel'],
      ['editor/context', 'modelProfiler.checkFits'],
      ['editor/context', 'modelProfiler.openPanel'],
    ] as const) {
      assert.equal(whenOf(menu, command), 'editorLangId == python && modelProfiler.hasModels', `${menu} ${command}`);
    }
  });

  it("puts Open Profiler Panel on a Jupyter notebook's toolbar, where no text editor's language applies", () => {
    assert.equal(whenOf('notebook/toolbar', 'modelProfiler.openPanel'), 'notebookType == jupyter-notebook');
    assert.equal(menus['notebook/toolbar']!.find((m) => m.command === 'modelProfiler.openPanel')!.group, 'navigation@90');
  });
});
