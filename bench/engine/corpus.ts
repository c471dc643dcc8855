/**
 * The documents the engine benchmark analyses: every fixture of the test corpus
 * (PyTorch, Keras and transformers) as the extension would see it, plus the
 * generated files (bench/engine/synthetic.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DocumentKind } from '../../src/core/analyze';

export interface BenchDocument {
  /** Name in tables and JSON: the path under the repository root, or `synthetic/...`. */
  name: string;
  /** Absolute path with forward slashes (imports resolve next to it). */
  file: string;
  text: string;
  kind: DocumentKind;
  /** Folder the document's imports resolve in. */
  workspace: string;
}

const FIXTURE_DIRS = ['test/fixtures/pytorch', 'test/fixtures/keras', 'test/fixtures/hf'];
/** Expected outputs next to the fixtures, not inputs. */
const SKIP_DIRS = new Set(['expected', '__pycache__']);

function slashed(p: string): string {
  return p.replace(/\\/g, '/');
}

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name)) out.push(...pythonFiles(full));
    } else if (name.endsWith('.py') || name.endsWith('.ipynb')) out.push(full);
  }
  return out;
}

/**
 * The transformers fixtures are configs inside reference.json (one per architecture,
 * as torch measured them): each becomes the config.json a user would open.
 */
function hfConfigDocuments(root: string): BenchDocument[] {
  const path = join(root, 'test/fixtures/hf/reference.json');
  let cases: Record<string, { hf_config?: unknown }>;
  try {
    cases = (JSON.parse(readFileSync(path, 'utf8')) as { cases: typeof cases }).cases ?? {};
  } catch {
    return [];
  }
  const docs: BenchDocument[] = [];
  for (const [id, c] of Object.entries(cases)) {
    if (!c.hf_config || typeof c.hf_config !== 'object') continue;
    const file = slashed(join(root, 'test/fixtures/hf', id, 'config.json'));
    docs.push({ name: `test/fixtures/hf/${id}/config.json`, file, text: JSON.stringify(c.hf_config, null, 2), kind: 'hf-config', workspace: slashed(join(root, 'test/fixtures/hf')) });
  }
  return docs;
}

export function fixtureDocuments(root: string): BenchDocument[] {
  const docs: BenchDocument[] = [];
  for (const dir of FIXTURE_DIRS) {
    const abs = join(root, dir);
    let files: string[];
    try {
      files = pythonFiles(abs);
    } catch {
      continue; // a corpus that has not landed yet
    }
    for (const f of files) {
      docs.push({
        name: slashed(relative(root, f)),
        file: slashed(f),
        text: readFileSync(f, 'utf8'),
        kind: f.endsWith('.ipynb') ? 'notebook' : 'python',
        workspace: slashed(abs),
      });
    }
  }
  docs.push(...hfConfigDocuments(root));
  return docs;
}

/** A generated document placed in the repository's bench folder (it is never written to disk). */
export function syntheticDocument(root: string, name: string, text: string): BenchDocument {
  const dir = slashed(join(root, 'bench', 'synthetic'));
  return { name: `synthetic/${name}`, file: `${dir}/${name}`, text, kind: 'python', workspace: dir };
}
