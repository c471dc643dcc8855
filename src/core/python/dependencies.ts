/**
 * Which top-level source a model's evaluation can depend on, so that a model whose
 * source did not change is not evaluated again after an edit elsewhere in the file.
 *
 * The rule is conservative (it may call a model changed when it is not, never the
 * reverse, short of dynamic name lookups such as `globals()[name]`):
 * - every top-level statement that is not a `def` or `class` counts for every model
 *   (constants, configs, instantiations, example calls, the `__main__` block);
 * - a definition counts when its name is reachable from the model's own statement:
 *   named in its text, or in the text of a definition that counts, or in a top-level
 *   statement that binds or mutates a reachable name (directly or through the
 *   functions it calls);
 * - a class whose arguments come from an instantiation elsewhere also depends on
 *   every statement that names it.
 * Identifiers are read from the text, so words in strings and comments only widen
 * the set. Not covered: a model whose constructor changes module state that another
 * model's constructor reads while both are profiled (not at module level), such as a
 * global counter bumped in `__init__`; model code rarely does this.
 */
import type { Arg, Expr, Stmt } from './ast';

/** What one top-level statement is, independent of where it sits. */
interface StatementFacts {
  /** Hash of the statement's text. */
  hash: string;
  /** Every identifier-like word of its text. */
  words: Set<string>;
  /** Names it binds or mutates when it runs at module level (def and class names included). */
  binds: Set<string>;
  /** Names whose value its nested function bodies may mutate when called (attribute or item targets, `global`, method receivers). */
  innerMutations: Set<string>;
  /** Receivers of method calls made at module level (`registry.append(x)`). */
  receivers: Set<string>;
  /** Names bound by import statements. */
  imports: Set<string>;
}

interface TopStatement {
  facts: StatementFacts;
  /** Words of the statement that name something bound at module level. */
  topWords: string[];
  index: number;
  isDefinition: boolean;
  /** Name of the def or class. */
  name?: string;
  sl: number;
  sc: number;
  el: number;
  ec: number;
}

/**
 * Facts per lowered statement. Unchanged statements keep their lowered objects from one
 * analysis to the next (incrementalParse.ts), so most lookups cost no text work at all.
 */
let memo = new WeakMap<Stmt, StatementFacts>();

/** Clears the per-statement memo (engine caches are cleared together; see caches.ts). */
export function clearDependencyMemo(): void {
  memo = new WeakMap();
}

/** 53-bit string hash (cyrb53, public domain algorithm), as base-36 text. */
export function hashText(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Two independent hashes: a collision would need both to collide. */
export function strongHash(s: string): string {
  return `${hashText(s, 0)}.${hashText(s, 0x9e3779b9)}.${s.length}`;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

function wordsOf(text: string): Set<string> {
  return new Set(text.match(WORD) ?? []);
}

/** `a.b[c].d` -> `a`. */
function baseName(x: Expr): string | undefined {
  let cur: Expr = x;
  for (;;) {
    if (cur.k === 'name') return cur.id;
    if (cur.k === 'attr' || cur.k === 'sub') cur = cur.obj;
    else if (cur.k === 'star') cur = cur.x;
    else return undefined;
  }
}

/** Names a target binds (`a`, `a, b`, `*a`) and bases it mutates (`a.x`, `a[i]`). */
function targetNames(x: Expr, bound: Set<string>, mutated: Set<string>): void {
  if (x.k === 'name') bound.add(x.id);
  else if (x.k === 'tuple' || x.k === 'list') for (const e of x.elts) targetNames(e, bound, mutated);
  else if (x.k === 'star') targetNames(x.x, bound, mutated);
  else {
    const b = baseName(x);
    if (b) mutated.add(b);
  }
}

/** Visit every expression below `x`, nested lambdas and comprehensions included. */
function walkExpr(x: Expr | undefined, visit: (e: Expr) => void): void {
  if (!x) return;
  visit(x);
  switch (x.k) {
    case 'attr':
      walkExpr(x.obj, visit);
      break;
    case 'sub':
      walkExpr(x.obj, visit);
      walkExpr(x.index, visit);
      break;
    case 'slice':
      walkExpr(x.lo, visit);
      walkExpr(x.hi, visit);
      walkExpr(x.step, visit);
      break;
    case 'call':
      walkExpr(x.fn, visit);
      walkArgs(x.args, visit);
      break;
    case 'bin':
    case 'bool':
      walkExpr(x.l, visit);
      walkExpr(x.r, visit);
      break;
    case 'unary':
    case 'not':
    case 'star':
    case 'walrus':
      walkExpr(x.x, visit);
      break;
    case 'cmp':
      for (const e of x.xs) walkExpr(e, visit);
      break;
    case 'cond':
      walkExpr(x.test, visit);
      walkExpr(x.body, visit);
      walkExpr(x.orelse, visit);
      break;
    case 'lambda':
      for (const p of x.params) walkExpr(p.default, visit);
      walkExpr(x.body, visit);
      break;
    case 'list':
    case 'tuple':
    case 'set':
      for (const e of x.elts) walkExpr(e, visit);
      break;
    case 'dict':
      for (const it of x.items) {
        if ('splat' in it) walkExpr(it.splat, visit);
        else {
          walkExpr(it.key, visit);
          walkExpr(it.value, visit);
        }
      }
      break;
    case 'comp':
      walkExpr(x.elt, visit);
      walkExpr(x.val, visit);
      for (const c of x.clauses) {
        if ('if' in c) walkExpr(c.if, visit);
        else {
          walkExpr(c.for, visit);
          walkExpr(c.iter, visit);
        }
      }
      break;
    case 'fstr':
      for (const p of x.parts) if (typeof p !== 'string') walkExpr(p.x, visit);
      break;
    default:
      break;
  }
}

function walkArgs(args: Arg[], visit: (e: Expr) => void): void {
  for (const a of args) walkExpr(a.x, visit);
}

/** Receivers of `name.method(...)` calls in an expression. */
function callReceivers(x: Expr | undefined, out: Set<string>): void {
  walkExpr(x, (e) => {
    if (e.k === 'call' && e.fn.k === 'attr') {
      const b = baseName(e.fn.obj);
      if (b) out.add(b);
    }
  });
}

interface Collected {
  binds: Set<string>;
  mutated: Set<string>;
  receivers: Set<string>;
  imports: Set<string>;
  globals: Set<string>;
}

function newCollected(): Collected {
  return { binds: new Set(), mutated: new Set(), receivers: new Set(), imports: new Set(), globals: new Set() };
}

/** What statements bind and mutate; `nested` collects what function bodies do. */
function collect(stmts: Stmt[], top: Collected, nested: Collected, inFunction: boolean): void {
  const here = inFunction ? nested : top;
  for (const s of stmts) {
    switch (s.k) {
      case 'expr':
      case 'assert':
      case 'return':
      case 'raise':
        callReceivers(s.k === 'expr' || s.k === 'assert' ? s.x : s.x, here.receivers);
        if ((s.k === 'expr' || s.k === 'assert') && s.x) walkExpr(s.x, (e) => e.k === 'walrus' && here.binds.add(e.name));
        break;
      case 'assign':
        for (const t of s.targets) targetNames(t, here.binds, here.mutated);
        callReceivers(s.x, here.receivers);
        break;
      case 'augassign':
      case 'annassign':
        targetNames(s.target, here.binds, here.mutated);
        if (s.k === 'augassign' && s.target.k === 'name') here.mutated.add(s.target.id);
        callReceivers(s.x, here.receivers);
        break;
      case 'del':
        for (const t of s.targets) targetNames(t, here.binds, here.mutated);
        break;
      case 'global':
        for (const n of s.names) here.globals.add(n);
        break;
      case 'if':
      case 'while':
        callReceivers(s.test, here.receivers);
        collect(s.body, top, nested, inFunction);
        collect(s.orelse, top, nested, inFunction);
        break;
      case 'for':
        targetNames(s.target, here.binds, here.mutated);
        callReceivers(s.iter, here.receivers);
        collect(s.body, top, nested, inFunction);
        collect(s.orelse, top, nested, inFunction);
        break;
      case 'with':
        for (const it of s.items) {
          callReceivers(it.x, here.receivers);
          if (it.as) targetNames(it.as, here.binds, here.mutated);
        }
        collect(s.body, top, nested, inFunction);
        break;
      case 'try':
        collect(s.body, top, nested, inFunction);
        for (const h of s.handlers) collect(h.body, top, nested, inFunction);
        collect(s.orelse, top, nested, inFunction);
        collect(s.finalbody, top, nested, inFunction);
        break;
      case 'def':
        here.binds.add(s.fn.name);
        for (const d of s.fn.decorators) callReceivers(d, here.receivers);
        for (const p of s.fn.params) callReceivers(p.default, here.receivers);
        collect(s.fn.body, top, nested, true);
        break;
      case 'class':
        here.binds.add(s.cls.name);
        for (const d of s.cls.decorators) callReceivers(d, here.receivers);
        for (const b of s.cls.bases) callReceivers(b.x, here.receivers);
        {
          // A class body runs when the class statement does (its methods when called). The
          // names it binds are class attributes; what it mutates or calls methods on is not.
          const body = newCollected();
          collect(s.cls.body, body, nested, inFunction);
          for (const n of body.mutated) here.mutated.add(n);
          for (const n of body.receivers) here.receivers.add(n);
          for (const n of body.globals) here.globals.add(n);
        }
        break;
      case 'import':
        for (const n of s.names) here.imports.add(n.alias ?? n.module.split('.')[0]!);
        break;
      case 'from':
        for (const n of s.names) here.imports.add(n.alias ?? n.name);
        break;
      default:
        break;
    }
  }
}

function factsOf(s: Stmt, text: () => string): StatementFacts {
  const hit = memo.get(s);
  if (hit) return hit;
  const top = newCollected();
  const nested = newCollected();
  collect([s], top, nested, false);
  const src = text();
  const facts: StatementFacts = {
    hash: strongHash(src),
    words: wordsOf(src),
    binds: new Set([...top.binds, ...top.mutated]),
    innerMutations: new Set<string>([...nested.mutated, ...nested.receivers, ...nested.globals, ...top.globals]),
    receivers: top.receivers,
    imports: top.imports,
  };
  memo.set(s, facts);
  return facts;
}

/** Offsets where each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The top-level statements of one document, indexed for dependency questions. */
export class TopLevelIndex {
  readonly statements: TopStatement[] = [];
  /** Hash of every statement that is not a definition, with its position. */
  readonly baseKey: string;
  private readonly definitionsByName = new Map<string, TopStatement[]>();
  /** Names bound at module level by something (anything else is a builtin, a parameter or a local). */
  private readonly topNames = new Set<string>();
  /** Per non-definition statement: names it may change, through the functions it calls too. */
  private readonly effects = new Map<TopStatement, Set<string>>();

  constructor(text: string, body: Stmt[]) {
    let starts: number[] | undefined;
    const offset = (line: number, ch: number): number => {
      starts ??= lineStarts(text);
      return (starts[Math.min(line, starts.length - 1)] ?? 0) + ch;
    };
    for (let i = 0; i < body.length; i++) {
      const s = body[i]!;
      const facts = factsOf(s, () => text.slice(offset(s.loc.sl, s.loc.sc), offset(s.loc.el, s.loc.ec)));
      const isDefinition = s.k === 'def' || s.k === 'class';
      const st: TopStatement = { facts, topWords: [], index: i, isDefinition, sl: s.loc.sl, sc: s.loc.sc, el: s.loc.el, ec: s.loc.ec };
      if (s.k === 'def' || s.k === 'class') {
        st.name = s.k === 'def' ? s.fn.name : s.cls.name;
        const list = this.definitionsByName.get(st.name) ?? [];
        list.push(st);
        this.definitionsByName.set(st.name, list);
      }
      this.statements.push(st);
      for (const n of facts.binds) this.topNames.add(n);
      for (const n of facts.imports) this.topNames.add(n);
    }
    for (const st of this.statements) for (const w of st.facts.words) if (this.topNames.has(w)) st.topWords.push(w);
    // Modules bound only by imports are not state a call can change (`torch.manual_seed(0)`).
    const assigned = new Set<string>();
    for (const st of this.statements) for (const n of st.facts.binds) assigned.add(n);
    const importOnly = new Set<string>();
    for (const st of this.statements) for (const n of st.facts.imports) if (!assigned.has(n)) importOnly.add(n);

    const base: string[] = [];
    for (const st of this.statements) {
      if (st.isDefinition) continue;
      base.push(`${st.sl}:${st.sc}:${st.facts.hash}`);
      const effect = new Set<string>(st.facts.binds);
      for (const n of st.facts.receivers) if (!importOnly.has(n)) effect.add(n);
      for (const d of this.definitionsReachedFrom(st.topWords)) for (const n of d.facts.innerMutations) if (!importOnly.has(n)) effect.add(n);
      for (const n of effect) if (!this.topNames.has(n)) effect.delete(n);
      if (effect.size) this.effects.set(st, effect);
    }
    this.baseKey = strongHash(base.join('|'));
  }

  /** Definitions reachable by name from `words`, transitively. */
  private definitionsReachedFrom(words: string[]): TopStatement[] {
    const out: TopStatement[] = [];
    const seen = new Set<string>();
    const queue = [...words];
    while (queue.length) {
      const w = queue.pop()!;
      if (seen.has(w)) continue;
      seen.add(w);
      for (const d of this.definitionsByName.get(w) ?? []) {
        out.push(d);
        for (const x of d.topWords) if (!seen.has(x)) queue.push(x);
      }
    }
    return out;
  }

  /** The top-level statement that holds (line, character), if any. */
  statementAt(line: number, character: number): TopStatement | undefined {
    const after = (l: number, c: number, l2: number, c2: number) => l > l2 || (l === l2 && c >= c2);
    return this.statements.find((s) => after(line, character, s.sl, s.sc) && after(s.el, s.ec, line, character));
  }

  /**
   * A key that changes whenever source the statement's evaluation may read changes.
   * `reverseOf`: also depend on every statement naming this class (its arguments
   * come from an instantiation elsewhere).
   */
  keyOf(entry: TopStatement, reverseOf?: string): string {
    const reached = new Set<string>();
    const included = new Set<TopStatement>([entry]);
    const pending: string[] = [...entry.topWords];
    if (reverseOf) {
      for (const st of this.statements) {
        if (st !== entry && st.facts.words.has(reverseOf)) {
          included.add(st);
          pending.push(...st.topWords);
        }
      }
    }
    const effectsLeft = new Set(this.effects.keys());
    for (;;) {
      while (pending.length) {
        const w = pending.pop()!;
        if (reached.has(w)) continue;
        reached.add(w);
        for (const d of this.definitionsByName.get(w) ?? []) {
          if (included.has(d)) continue;
          included.add(d);
          for (const x of d.topWords) if (!reached.has(x)) pending.push(x);
        }
      }
      // Module-level statements that change a reached name bring in what they use.
      for (const st of effectsLeft) {
        for (const n of this.effects.get(st)!) {
          if (reached.has(n)) {
            effectsLeft.delete(st);
            for (const x of st.topWords) if (!reached.has(x)) pending.push(x);
            break;
          }
        }
      }
      if (pending.length === 0) break;
    }
    const parts = [this.baseKey];
    for (const st of [...included].sort((a, b) => a.index - b.index)) if (st.isDefinition || st === entry) parts.push(`${st.sl}:${st.sc}:${st.facts.hash}`);
    return strongHash(parts.join('|'));
  }
}
