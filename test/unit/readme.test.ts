/**
 * The README is the manual: it must name every setting and every command the manifest
 * contributes, and open with the two commands a fresh clone runs.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  contributes: {
    menus: { commandPalette?: { command: string; when?: string }[] };
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
  };
};

function settings(): string[] {
  const c = manifest.contributes.configuration;
  return (Array.isArray(c) ? c : [c]).flatMap((section) => Object.keys(section.properties));
}

describe('README', () => {
  it('opens with the command that profiles a shipped example and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = firstBlock.trim().split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    assert.match(lines[0] ?? '', /model-profiler profile examples\/\w+\.py$/);
    const example = /profile (examples\/\w+\.py)/.exec(lines[0] ?? '')![1]!;
    assert.ok(readFileSync(join(ROOT, example), 'utf8').length > 0);
    assert.equal(lines[1], 'npm test');
    assert.ok(manifest.scripts.test, 'package.json has a test script');
  });

  it('lists every setting in its settings table', () => {
    const rows = new Set([...readme.matchAll(/^\| `(modelProfiler\.[\w.]+)` \|/gm)].map((m) => m[1]));
    const missing = settings().filter((key) => !rows.has(key));
    assert.deepEqual(missing, [], 'settings without a row in the README table');
    const unknown = [...rows].filter((key) => !settings().includes(key!));
    assert.deepEqual(unknown, [], 'README rows for settings the manifest does not have');
  });

  it('names every command of the palette by its title', () => {
    // Commands hidden from the palette (`when: false`) are wiring for links and buttons.
    const hidden = new Set((manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    const missing = manifest.contributes.commands
      .filter((c) => c.category === 'Model Profiler' && !hidden.has(c.command))
      .filter((c) => !readme.includes(c.title))
      .map((c) => `${c.command} "${c.title}"`);
    assert.deepEqual(missing, []);
  });
});
