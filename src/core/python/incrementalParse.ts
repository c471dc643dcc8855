/**
 * Parsing a document that was just edited, without starting over.
 *
 * The last tree is kept with its text. A new text is compared with it (common prefix
 * and suffix: one edited region, as a keystroke or a paste makes), the old tree is
 * told about the edit and tree-sitter re-parses only what the edit touched. Top-level
 * statements whose text and position did not change are not lowered again either:
 * their lowered form is kept, keyed by both.
 */
import { registerCache } from '../caches';
import type { Loc, Module, Stmt } from './ast';
import { Lowerer } from './lower';
import { parsePython, type Tree } from './parser';

interface Point {
  row: number;
  column: number;
}

/** The last whole-file tree and the text it was parsed from (one document at a time benefits). */
let last: { text: string; tree: Tree } | undefined;

/** Lowered top-level statements by position and text (least recently used go first). */
const STATEMENT_LIMIT = 2048;
const statements = new Map<string, { body: Stmt[]; tooDeep?: Loc }>();
/**
 * The text last lowered at each position: typing inside a class makes a new text there at
 * every keystroke, and only the newest is worth keeping (a long class is a large tree).
 */
const latestAt = new Map<string, string>();

registerCache(() => {
  last?.tree.delete();
  last = undefined;
  statements.clear();
  latestAt.clear();
});

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The one region where `a` and `b` differ, as tree-sitter's edit description. */
function editBetween(a: string, b: string) {
  const min = Math.min(a.length, b.length);
  let start = 0;
  while (start < min && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return {
    startIndex: start,
    oldEndIndex: endA,
    newEndIndex: endB,
    startPosition: pointAt(a, start),
    oldEndPosition: pointAt(a, endA),
    newEndPosition: pointAt(b, endB),
  };
}

/**
 * Parse `text`, re-using the last tree when the text is an edit of it. The caller does
 * not own the tree: it stays valid until the next call.
 */
export function parseReusingLast(text: string): Tree {
  if (last?.text === text) return last.tree;
  const previous = last;
  last = undefined;
  let tree: Tree;
  const edit = previous ? editBetween(previous.text, text) : undefined;
  // Another file altogether (an import, another editor): nothing worth re-using.
  if (previous && edit && text.length - (edit.newEndIndex - edit.startIndex) >= text.length / 2) {
    try {
      previous.tree.edit(edit);
      tree = parsePython(text, previous.tree);
    } finally {
      previous.tree.delete();
    }
  } else {
    previous?.tree.delete();
    tree = parsePython(text);
  }
  last = { text, tree };
  return tree;
}

/** Lower a tree with no syntax errors statement by statement, re-using unchanged statements. */
export function lowerReusingStatements(tree: Tree, text: string): Module {
  const lowerer = new Lowerer();
  const body: Stmt[] = [];
  let tooDeep: Loc | undefined;
  for (const c of tree.rootNode.namedChildren) {
    if (!c || c.type === 'comment') continue;
    const at = `${c.startPosition.row}:${c.startPosition.column}`;
    const key = `${at}:${text.slice(c.startIndex, c.endIndex)}`;
    let one = statements.get(key);
    if (one) {
      statements.delete(key);
      statements.set(key, one);
    } else {
      one = lowerer.topLevel(c);
      const previous = latestAt.get(at);
      if (previous !== undefined) statements.delete(previous);
      latestAt.set(at, key);
      statements.set(key, one);
      if (statements.size > STATEMENT_LIMIT) statements.delete(statements.keys().next().value as string);
    }
    body.push(...one.body);
    tooDeep ??= one.tooDeep;
  }
  return { body, errors: lowerer.errors, tooDeep };
}
