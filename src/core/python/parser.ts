/**
 * Python parsing with tree-sitter (web-tree-sitter + the tree-sitter-python grammar).
 * The wasm bytes are handed in by the host (src/node/wasm.ts reads them from the
 * bundle), so this module stays free of Node APIs. Initialise once; parse many times.
 */
import { Language, Parser, type Tree } from 'web-tree-sitter';

export interface ParserWasm {
  /** web-tree-sitter's runtime (tree-sitter.wasm). */
  runtime: Uint8Array;
  /** The Python grammar (tree-sitter-python.wasm). */
  python: Uint8Array;
}

let ready: Promise<Parser> | undefined;
let parser: Parser | undefined;

/** Load the wasm once. Later calls return the same parser. */
export function initPythonParser(wasm: ParserWasm): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init({ wasmBinary: wasm.runtime } as unknown as Parameters<typeof Parser.init>[0]);
    const language = await Language.load(wasm.python);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
    return p;
  })();
  return ready;
}

/** True once `initPythonParser` has finished. */
export function isParserReady(): boolean {
  return parser !== undefined;
}

/**
 * Parse Python source. tree-sitter recovers from syntax errors: the tree holds
 * ERROR/MISSING nodes and every well-formed part around them.
 * Pass the previous tree (edited with `Tree.edit`) for an incremental parse.
 */
export function parsePython(text: string, oldTree?: Tree): Tree {
  if (!parser) throw new Error('Python parser is not initialised: call initPythonParser first');
  const tree = parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

export type { Tree, Node as SyntaxNode } from 'web-tree-sitter';
