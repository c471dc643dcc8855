/**
 * Source text -> lowered AST, with error recovery and a content-keyed cache.
 *
 * tree-sitter sometimes folds a whole later class into an ERROR node when an
 * earlier line is half-typed (`x = nn.Linear(3,` followed by a class loses the
 * class). So when the tree has errors, the file is re-parsed in top-level
 * chunks (statements that start at column 0) and every chunk is kept; the
 * chunks that still fail are reported with their lines.
 */
import { registerCache } from '../caches';
import type { Loc, Module, Stmt } from './ast';
import { Lowerer } from './lower';
import { lowerReusingStatements, parseReusingLast } from './incrementalParse';
import { parsePython } from './parser';

export interface ParsedModule extends Module {
  /** Line ranges of top-level chunks that did not parse (0-based, inclusive start, exclusive end). */
  brokenChunks: Array<{ startLine: number; endLine: number }>;
  /** Set when the deadline stopped parsing: lines from here on were not read. */
  truncatedAtLine?: number;
}

/** Above this size a file is parsed chunk by chunk, so a time budget can stop it between chunks. */
export const CHUNKED_PARSE_CHARS = 512 * 1024;

const CACHE_LIMIT = 64;
const cache = new Map<string, ParsedModule>();
registerCache(() => cache.clear());

/** Continuation keywords: a column-0 line starting with one belongs to the statement before it. */
const CONTINUES = /^(else\b|elif\b|except\b|finally\b|case\b)/;

function shift(loc: Loc, lines: number): void {
  loc.sl += lines;
  loc.el += lines;
}

/** Shift every Loc in a lowered subtree (chunks are parsed on their own, from line 0). */
function shiftTree(node: unknown, lines: number, seen = new Set<object>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const x of node) shiftTree(x, lines, seen);
    return;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.sl === 'number' && typeof o.el === 'number' && typeof o.sc === 'number') {
    shift(o as unknown as Loc, lines);
    return;
  }
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object' && !(v instanceof Set) && typeof v !== 'bigint') shiftTree(v, lines, seen);
  }
}

/** Start lines of top-level chunks (never inside a triple-quoted string). */
export function chunkStarts(lines: string[]): number[] {
  const starts: number[] = [];
  let prevDecorator = false;
  let inString: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const startsChunk = !inString && /^[A-Za-z_@]/.test(l) && !CONTINUES.test(l) && !(i > 0 && /\\\s*$/.test(lines[i - 1]!));
    if (startsChunk) {
      if (!prevDecorator) starts.push(i);
      prevDecorator = l.startsWith('@');
    }
    inString = tripleQuoteState(l, inString);
  }
  if (!starts.length || starts[0] !== 0) starts.unshift(0);
  return starts;
}

/** The open triple quote after a line, given the one open before it (comments and short strings skipped). */
function tripleQuoteState(line: string, open: string | undefined): string | undefined {
  let i = 0;
  while (i < line.length) {
    if (open) {
      const j = line.indexOf(open, i);
      if (j < 0) return open;
      i = j + 3;
      open = undefined;
      continue;
    }
    const c = line[i]!;
    if (c === '#') return undefined;
    if (c === '"' || c === "'") {
      if (line.startsWith(c.repeat(3), i)) {
        open = c.repeat(3);
        i += 3;
        continue;
      }
      const j = line.indexOf(c, i + 1);
      i = j < 0 ? line.length : j + 1;
      continue;
    }
    i++;
  }
  return open;
}

function lowerText(text: string): { module: Module; hasError: boolean } {
  const tree = parsePython(text);
  try {
    const lw = new Lowerer();
    const module = lw.module(tree.rootNode);
    return { module, hasError: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}

/** The whole file: re-parsed incrementally after an edit, unchanged statements not lowered again. */
function lowerWhole(text: string): { module: Module; hasError: boolean } {
  const tree = parseReusingLast(text);
  if (tree.rootNode.hasError) return { module: new Lowerer().module(tree.rootNode), hasError: true };
  return { module: lowerReusingStatements(tree, text), hasError: false };
}

/**
 * Parse a whole file. `deadline` (ms since epoch) bounds the work for very large
 * files: they are read chunk by chunk and reading stops at the deadline.
 * `edited`: the text is the next version of the document parsed last with `edited`
 * (the document being analysed, not an import): its tree and statements are re-used.
 */
export function parseModule(text: string, deadline = Infinity, edited = false): ParsedModule {
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  let result: ParsedModule;
  if (text.length > CHUNKED_PARSE_CHARS) result = chunked(text, deadline);
  else {
    const whole = edited ? lowerWhole(text) : lowerText(text);
    result = whole.hasError ? chunked(text, deadline) : { ...whole.module, brokenChunks: [] };
  }
  // Partial results are not kept, nor are very large files (their trees are large too).
  if (result.truncatedAtLine !== undefined || text.length > CHUNKED_PARSE_CHARS) return result;
  cache.set(text, result);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return result;
}

function chunked(text: string, deadline: number): ParsedModule {
  const lines = text.split('\n');
  const starts = chunkStarts(lines);
  const body: Stmt[] = [];
  const errors: Loc[] = [];
  const brokenChunks: ParsedModule['brokenChunks'] = [];
  let tooDeep: Loc | undefined;
  for (let c = 0; c < starts.length; c++) {
    const a = starts[c]!;
    if ((c & 63) === 0 && Date.now() > deadline) return { body, errors, tooDeep, brokenChunks, truncatedAtLine: a };
    const b = c + 1 < starts.length ? starts[c + 1]! : lines.length;
    const chunk = lines.slice(a, b).join('\n');
    if (!chunk.trim()) continue;
    const part = lowerText(chunk);
    if (a) {
      shiftTree(part.module.body, a);
      shiftTree(part.module.errors, a);
    }
    if (part.module.tooDeep) {
      if (a) shift(part.module.tooDeep, a);
      tooDeep ??= part.module.tooDeep;
    }
    if (part.hasError) {
      let end = b;
      while (end > a && !lines[end - 1]!.trim()) end--;
      brokenChunks.push({ startLine: a, endLine: end });
      errors.push(...part.module.errors);
    }
    body.push(...part.module.body);
  }
  return { body, errors, tooDeep, brokenChunks };
}
