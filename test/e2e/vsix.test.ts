/** The packaged .vsix: small, and holding only what the installed extension needs. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { e2eEnv } from './lib/env';
import { listZipEntries, readZipEntry } from './lib/zip';

describe('the packaged .vsix', () => {
  const zip = readFileSync(e2eEnv().vsix);
  const entries = listZipEntries(zip);
  const names = entries.map((e) => e.name);
  const file = (name: string) => {
    const entry = entries.find((e) => e.name === name);
    assert.ok(entry, `${name} is not in the .vsix; entries: ${names.join(', ')}`);
    return readZipEntry(zip, entry);
  };

  it('is smaller than 3 MB', () => {
    assert.ok(zip.length < 3_000_000, `${zip.length} bytes`);
  });

  it('holds the bundles, the parser wasm, the icon and the documents', () => {
    for (const name of [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/cli.js',
      'extension/dist/cliMain.js',
      'extension/dist/tree-sitter.wasm',
      'extension/dist/tree-sitter-python.wasm',
      'extension/media/icon.png',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ]) {
      assert.ok(names.includes(name), `${name} is missing; entries: ${names.join(', ')}`);
    }
  });

  it("ships the files its manifest points at (main, icon, the CLI's bin)", () => {
    const manifest = JSON.parse(file('extension/package.json').toString('utf8'));
    const inside = (p: string) => `extension/${p.replace(/^\.\//, '')}`;
    for (const target of [manifest.main, manifest.icon, manifest.bin['model-profiler']]) {
      assert.ok(names.includes(inside(target)), `${target} is not in the .vsix`);
    }
  });

  it('holds no node_modules, no sources, no source maps and no tests', () => {
    // The one Python file shipped is the script exact mode runs (src/node/exactMode.ts).
    const unwanted = names.filter(
      (n) =>
        n.includes('node_modules/') ||
        // dist/exact_count.py is no source: exact mode runs it with the user's Python.
        (/\.(ts|map|py)$/.test(n) && n !== 'extension/dist/exact_count.py') ||
        /^extension\/(src|test|scripts|examples|webview|out|docs|\.vscode-test)\//.test(n),
    );
    assert.deepEqual(unwanted, []);
  });

  it('holds the production bundle (minified, no source map reference)', () => {
    const extension = file('extension/dist/extension.js').toString('utf8');
    assert.ok(!extension.includes('sourceMappingURL'), 'extension.js points at a source map');
    // Minified code keeps newlines only inside template literals: thousands of characters a line.
    const lines = extension.split('\n');
    assert.ok(extension.length / lines.length > 1000, `extension.js is not minified (${lines.length} lines, ${extension.length} characters)`);
  });
});
