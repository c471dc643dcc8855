/**
 * The PyTorch fixture corpus as the tests read it: its folders, the files on disk as the
 * extension's host would read them (imports resolved from the corpus root), and the
 * torch-measured expectation files.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceHost } from '../../../src/core/sourceHost';

export const TORCH_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'pytorch');
export const TORCH_EXPECTED = join(TORCH_FIXTURES, 'expected');

/** Files on disk, imports resolved from the corpus root (forward-slash absolute paths). */
export const torchFixtureHost: SourceHost = {
  readFile: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined),
  isFile: (p) => existsSync(p) && statSync(p).isFile(),
  isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
  importRoots: [TORCH_FIXTURES.replace(/\\/g, '/')],
};

/** Every expectation file under `dir` (torch_ground_truth.py's output), sorted, layers.json left out. */
export function expectedFiles(dir = TORCH_EXPECTED): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...expectedFiles(full));
    else if (name.endsWith('.json') && name !== 'layers.json') out.push(full);
  }
  return out;
}
