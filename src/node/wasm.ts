/**
 * Finds and reads the tree-sitter wasm files: next to the bundle in dist/ (where
 * esbuild.mjs copies them), or in node_modules when running from sources (tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initPythonParser, type ParserWasm } from '../core/python/parser';

const RUNTIME = 'tree-sitter.wasm';
const PYTHON = 'tree-sitter-python.wasm';

function candidates(file: string, pkg: string): string[] {
  const list = [join(__dirname, file), join(__dirname, '..', 'dist', file)];
  for (const entry of [`${pkg}/package.json`, pkg]) {
    try {
      list.push(join(dirname(require.resolve(entry)), file));
      break;
    } catch {
      // Not resolvable (package exports, or running from a bundle): try the next.
    }
  }
  return list;
}

function readFirst(paths: string[]): Uint8Array {
  for (const p of paths) if (existsSync(p)) return readFileSync(p);
  throw new Error(`Cannot find ${paths[0]}; looked in:\n  ${paths.join('\n  ')}`);
}

export function loadParserWasm(): ParserWasm {
  return {
    runtime: readFirst(candidates(RUNTIME, 'web-tree-sitter')),
    python: readFirst(candidates(PYTHON, 'tree-sitter-python')),
  };
}

/** Initialise the Python parser from the files on disk (idempotent). */
export async function initParserFromDisk(): Promise<void> {
  await initPythonParser(loadParserWasm());
}
