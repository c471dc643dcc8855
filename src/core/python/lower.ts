/**
 * Lowers a tree-sitter Python tree into the plain AST of ast.ts. Anything the
 * interpreter does not model becomes an `unknown` expression or an `error`
 * statement, never an exception. Nesting deeper than MAX_NESTING is cut off
 * (3,000 nested parentheses must not overflow the JS stack).
 */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Arg, ClassDef, CompClause, DictItem, Expr, FunctionDef, Loc, Module, Param, Stmt } from './ast';

/** Deeper nesting than this is not lowered; real code stays far below it. */
export const MAX_NESTING = 200;

class TooDeep extends Error {
  constructor(readonly loc: Loc) {
    super('nesting too deep');
  }
}

function loc(n: SyntaxNode): Loc {
  const s = n.startPosition;
  const e = n.endPosition;
  return { sl: s.row, sc: s.column, el: e.row, ec: e.column };
}

function named(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of n.namedChildren) if (c && c.type !== 'comment') out.push(c);
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|[\s\S])/g, (m, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e === '\n') return '';
    return ESCAPES[e] ?? m;
  });
}

export class Lowerer {
  private depth = 0;
  readonly errors: Loc[] = [];
  /** One flag per function being lowered: set when its body yields. */
  private yields: boolean[] = [];

  module(root: SyntaxNode): Module {
    const body: Stmt[] = [];
    let tooDeep: Loc | undefined;
    for (const c of named(root)) {
      const one = this.topLevel(c);
      body.push(...one.body);
      tooDeep ??= one.tooDeep;
    }
    return { body, errors: this.errors, tooDeep };
  }

  /** One top-level statement, as `module` lowers it: nesting too deep becomes an error statement. */
  topLevel(c: SyntaxNode): { body: Stmt[]; tooDeep?: Loc } {
    try {
      return { body: this.stmt(c) };
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      return { body: [{ k: 'error', loc: loc(c) }], tooDeep: e.loc };
    }
  }

  private enter(n: SyntaxNode): void {
    if (++this.depth > MAX_NESTING) throw new TooDeep(loc(n));
  }

  block(n: SyntaxNode | null): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of named(n)) out.push(...this.stmt(c));
    return out;
  }

  stmt(n: SyntaxNode): Stmt[] {
    this.enter(n);
    try {
      return this.stmtInner(n);
    } finally {
      this.depth--;
    }
  }

  private stmtInner(n: SyntaxNode): Stmt[] {
    const L = loc(n);
    switch (n.type) {
      case 'expression_statement': {
        const out: Stmt[] = [];
        const kids = named(n);
        if (kids.length > 1) {
          out.push({ k: 'expr', x: { k: 'tuple', elts: kids.map((c) => this.expr(c)), loc: L }, loc: L });
          return out;
        }
        for (const c of kids) out.push(this.simple(c, L));
        return out;
      }
      case 'if_statement': {
        const test = this.expr(n.childForFieldName('condition'));
        const body = this.block(n.childForFieldName('consequence'));
        const alts = n.childrenForFieldName('alternative').filter((x): x is SyntaxNode => !!x);
        let orelse: Stmt[] = [];
        for (let i = alts.length - 1; i >= 0; i--) {
          const a = alts[i]!;
          if (a.type === 'else_clause') orelse = this.block(a.childForFieldName('body'));
          else {
            orelse = [
              {
                k: 'if',
                test: this.expr(a.childForFieldName('condition')),
                body: this.block(a.childForFieldName('consequence')),
                orelse,
                loc: loc(a),
              },
            ];
          }
        }
        return [{ k: 'if', test, body, orelse, loc: L }];
      }
      case 'for_statement': {
        const alt = n.childForFieldName('alternative');
        return [
          {
            k: 'for',
            target: this.expr(n.childForFieldName('left')),
            iter: this.expr(n.childForFieldName('right')),
            body: this.block(n.childForFieldName('body')),
            orelse: alt ? this.block(alt.childForFieldName('body')) : [],
            loc: L,
          },
        ];
      }
      case 'while_statement': {
        const alt = n.childForFieldName('alternative');
        return [
          {
            k: 'while',
            test: this.expr(n.childForFieldName('condition')),
            body: this.block(n.childForFieldName('body')),
            orelse: alt ? this.block(alt.childForFieldName('body')) : [],
            loc: L,
          },
        ];
      }
      case 'return_statement': {
        const kids = named(n);
        return [{ k: 'return', x: kids.length ? this.exprOrTuple(kids[0]!) : undefined, loc: L }];
      }
      case 'try_statement': {
        const handlers: Array<{ body: Stmt[] }> = [];
        let orelse: Stmt[] = [];
        let finalbody: Stmt[] = [];
        for (const c of named(n)) {
          if (c.type === 'except_clause' || c.type === 'except_group_clause') {
            const blk = named(c).find((x) => x.type === 'block');
            handlers.push({ body: this.block(blk ?? null) });
          } else if (c.type === 'else_clause') orelse = this.block(c.childForFieldName('body'));
          else if (c.type === 'finally_clause') finalbody = this.block(named(c).find((x) => x.type === 'block') ?? null);
        }
        return [{ k: 'try', body: this.block(n.childForFieldName('body')), handlers, orelse, finalbody, loc: L }];
      }
      case 'with_statement': {
        const items: Array<{ x: Expr; as?: Expr }> = [];
        const clause = named(n).find((c) => c.type === 'with_clause');
        for (const item of clause ? named(clause) : []) {
          const v = item.childForFieldName('value');
          if (v && v.type === 'as_pattern') {
            const kids = named(v);
            const alias = v.childForFieldName('alias');
            const target = alias ? named(alias)[0] : undefined;
            items.push({ x: this.expr(kids[0]!), as: target ? this.expr(target) : undefined });
          } else if (v) items.push({ x: this.expr(v) });
        }
        return [{ k: 'with', items, body: this.block(n.childForFieldName('body')), loc: L }];
      }
      case 'assert_statement':
        return [{ k: 'assert', x: this.expr(named(n)[0] ?? null), loc: L }];
      case 'pass_statement':
        return [{ k: 'pass', loc: L }];
      case 'break_statement':
        return [{ k: 'break', loc: L }];
      case 'continue_statement':
        return [{ k: 'continue', loc: L }];
      case 'delete_statement': {
        const x = named(n)[0];
        const targets = x ? (x.type === 'expression_list' ? named(x).map((c) => this.expr(c)) : [this.expr(x)]) : [];
        return [{ k: 'del', targets, loc: L }];
      }
      case 'global_statement':
      case 'nonlocal_statement':
        return [{ k: n.type === 'global_statement' ? 'global' : 'nonlocal', names: named(n).map((c) => c.text), loc: L }];
      case 'raise_statement': {
        const x = named(n)[0];
        return [{ k: 'raise', x: x ? this.expr(x) : undefined, loc: L }];
      }
      case 'function_definition':
        return [{ k: 'def', fn: this.funcDef(n, [], L), loc: L }];
      case 'class_definition':
        return [{ k: 'class', cls: this.classDef(n, [], L), loc: L }];
      case 'decorated_definition': {
        const decorators = named(n)
          .filter((c) => c.type === 'decorator')
          .map((d) => this.expr(named(d)[0] ?? null));
        const def = n.childForFieldName('definition');
        if (!def) return [{ k: 'error', loc: L }];
        if (def.type === 'class_definition') return [{ k: 'class', cls: this.classDef(def, decorators, L), loc: L }];
        return [{ k: 'def', fn: this.funcDef(def, decorators, L), loc: L }];
      }
      case 'import_statement': {
        const names = n
          .childrenForFieldName('name')
          .filter((x): x is SyntaxNode => !!x)
          .map((c) =>
            c.type === 'aliased_import'
              ? { module: c.childForFieldName('name')!.text, alias: c.childForFieldName('alias')?.text }
              : { module: c.text },
          );
        return [{ k: 'import', names: names.map((x) => ({ ...x, module: x.module.replace(/\s+/g, '') })), loc: L }];
      }
      case 'import_from_statement':
      case 'future_import_statement': {
        if (n.type === 'future_import_statement') return [{ k: 'pass', loc: L }];
        const modNode = n.childForFieldName('module_name');
        let module = '';
        let level = 0;
        if (modNode?.type === 'relative_import') {
          for (const c of named(modNode)) {
            if (c.type === 'import_prefix') level = c.text.replace(/\s+/g, '').length;
            else module = c.text.replace(/\s+/g, '');
          }
        } else if (modNode) module = modNode.text.replace(/\s+/g, '');
        const star = named(n).some((c) => c.type === 'wildcard_import');
        const names = n
          .childrenForFieldName('name')
          .filter((x): x is SyntaxNode => !!x)
          .map((c) =>
            c.type === 'aliased_import'
              ? { name: c.childForFieldName('name')!.text, alias: c.childForFieldName('alias')?.text }
              : { name: c.text },
          );
        return [{ k: 'from', module, level, names, star, loc: L }];
      }
      case 'ERROR':
        this.errors.push(L);
        return [{ k: 'error', loc: L }];
      case 'print_statement':
      case 'exec_statement':
      case 'type_alias_statement':
        return [{ k: 'pass', loc: L }];
      case 'match_statement':
        return [{ k: 'error', loc: L }];
      default:
        return [{ k: 'expr', x: this.expr(n), loc: L }];
    }
  }

  private simple(n: SyntaxNode, L: Loc): Stmt {
    if (n.type === 'assignment') {
      const targets: Expr[] = [];
      let cur: SyntaxNode | null = n;
      let value: Expr | undefined;
      let annotated = false;
      while (cur && cur.type === 'assignment') {
        targets.push(this.exprOrTuple(cur.childForFieldName('left')!));
        if (cur.childForFieldName('type')) annotated = true;
        const right: SyntaxNode | null = cur.childForFieldName('right');
        if (!right) break;
        if (right.type === 'assignment') cur = right;
        else {
          value = this.exprOrTuple(right);
          cur = null;
        }
      }
      if (!value) return { k: 'annassign', target: targets[0]!, loc: L };
      if (annotated && targets.length === 1) return { k: 'annassign', target: targets[0]!, x: value, loc: L };
      return { k: 'assign', targets, x: value, loc: L };
    }
    if (n.type === 'augmented_assignment') {
      const op = n.childForFieldName('operator')!.text.slice(0, -1);
      return {
        k: 'augassign',
        target: this.exprOrTuple(n.childForFieldName('left')!),
        op,
        x: this.exprOrTuple(n.childForFieldName('right')!),
        loc: L,
      };
    }
    return { k: 'expr', x: this.expr(n), loc: L };
  }

  private funcDef(n: SyntaxNode, decorators: Expr[], outer: Loc): FunctionDef {
    const nameNode = n.childForFieldName('name');
    const params = this.params(n.childForFieldName('parameters'));
    this.yields.push(false);
    let body: Stmt[];
    let generator: boolean;
    try {
      body = this.block(n.childForFieldName('body'));
    } finally {
      generator = this.yields.pop() ?? false;
    }
    const scope = scanScope(body);
    for (const p of params) scope.locals.add(p.name);
    for (const g of scope.globals) scope.locals.delete(g);
    for (const g of scope.nonlocals) scope.locals.delete(g);
    return {
      name: nameNode?.text ?? '<function>',
      params,
      body,
      decorators,
      nameLoc: nameNode ? loc(nameNode) : outer,
      loc: outer,
      locals: scope.locals,
      globals: scope.globals,
      nonlocals: scope.nonlocals,
      generator,
    };
  }

  private classDef(n: SyntaxNode, decorators: Expr[], outer: Loc): ClassDef {
    const nameNode = n.childForFieldName('name');
    const sup = n.childForFieldName('superclasses');
    return {
      name: nameNode?.text ?? '<class>',
      bases: sup ? this.args(sup) : [],
      body: this.block(n.childForFieldName('body')),
      decorators,
      nameLoc: nameNode ? loc(nameNode) : outer,
      loc: outer,
    };
  }

  params(n: SyntaxNode | null): Param[] {
    const out: Param[] = [];
    if (!n) return out;
    let kwonly = false;
    for (const p of named(n)) {
      switch (p.type) {
        case 'identifier':
          out.push({ name: p.text, kind: kwonly ? 'kwonly' : 'pos' });
          break;
        case 'typed_parameter': {
          const inner = named(p)[0];
          if (!inner) break;
          if (inner.type === 'list_splat_pattern') {
            out.push({ name: named(inner)[0]?.text ?? 'args', kind: 'vararg' });
            kwonly = true;
          } else if (inner.type === 'dictionary_splat_pattern') out.push({ name: named(inner)[0]?.text ?? 'kwargs', kind: 'kwarg' });
          else out.push({ name: inner.text, kind: kwonly ? 'kwonly' : 'pos' });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter':
          out.push({
            name: p.childForFieldName('name')?.text ?? '_',
            kind: kwonly ? 'kwonly' : 'pos',
            default: this.expr(p.childForFieldName('value')),
          });
          break;
        case 'list_splat_pattern':
          out.push({ name: named(p)[0]?.text ?? 'args', kind: 'vararg' });
          kwonly = true;
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: named(p)[0]?.text ?? 'kwargs', kind: 'kwarg' });
          break;
        case 'keyword_separator':
          kwonly = true;
          break;
        default:
          break;
      }
    }
    return out;
  }

  args(n: SyntaxNode): Arg[] {
    const out: Arg[] = [];
    if (n.type === 'generator_expression') return [{ kind: 'pos', x: this.expr(n) }];
    for (const c of named(n)) {
      if (c.type === 'keyword_argument') {
        out.push({ kind: 'kw', name: c.childForFieldName('name')?.text ?? '_', x: this.expr(c.childForFieldName('value')) });
      } else if (c.type === 'list_splat') out.push({ kind: 'star', x: this.expr(named(c)[0] ?? null) });
      else if (c.type === 'dictionary_splat') out.push({ kind: 'dstar', x: this.expr(named(c)[0] ?? null) });
      else out.push({ kind: 'pos', x: this.expr(c) });
    }
    return out;
  }

  /** `a, b` without parentheses arrives as expression_list / pattern_list. */
  exprOrTuple(n: SyntaxNode): Expr {
    if (n.type === 'expression_list' || n.type === 'pattern_list') {
      return { k: 'tuple', elts: named(n).map((c) => this.expr(c)), loc: loc(n) };
    }
    return this.expr(n);
  }

  expr(n: SyntaxNode | null): Expr {
    if (!n) return { k: 'unknown', what: 'missing expression', loc: { sl: 0, sc: 0, el: 0, ec: 0 } };
    this.enter(n);
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: SyntaxNode): Expr {
    const L = loc(n);
    switch (n.type) {
      case 'identifier':
        return { k: 'name', id: n.text, loc: L };
      case 'integer': {
        const t = n.text.replace(/_/g, '').replace(/[lL]$/, '');
        if (/[jJ]$/.test(t)) return { k: 'unknown', what: 'complex number', loc: L };
        try {
          const v = /^0[oO]/.test(t) ? BigInt('0o' + t.slice(2)) : BigInt(t);
          return { k: 'int', v, loc: L };
        } catch {
          return { k: 'unknown', what: `integer ${t}`, loc: L };
        }
      }
      case 'float': {
        const t = n.text.replace(/_/g, '');
        if (/[jJ]$/.test(t)) return { k: 'unknown', what: 'complex number', loc: L };
        return { k: 'float', v: Number(t), loc: L };
      }
      case 'true':
        return { k: 'const', v: 'True', loc: L };
      case 'false':
        return { k: 'const', v: 'False', loc: L };
      case 'none':
        return { k: 'const', v: 'None', loc: L };
      case 'ellipsis':
        return { k: 'const', v: 'Ellipsis', loc: L };
      case 'string':
        return this.string(n);
      case 'concatenated_string': {
        const parts = named(n).map((c) => this.string(c));
        if (parts.every((p) => p.k === 'str')) return { k: 'str', v: parts.map((p) => (p as { v: string }).v).join(''), loc: L };
        const all: Array<string | { x: Expr; conv?: string; spec?: string }> = [];
        for (const p of parts) {
          if (p.k === 'str') all.push(p.v);
          else if (p.k === 'fstr') all.push(...p.parts);
        }
        return { k: 'fstr', parts: all, loc: L };
      }
      case 'attribute':
        return { k: 'attr', obj: this.expr(n.childForFieldName('object')), name: n.childForFieldName('attribute')?.text ?? '', loc: L };
      case 'subscript': {
        const subs = n.childrenForFieldName('subscript').filter((x): x is SyntaxNode => !!x);
        const index: Expr = subs.length === 1 ? this.expr(subs[0]!) : { k: 'tuple', elts: subs.map((s) => this.expr(s)), loc: L };
        return { k: 'sub', obj: this.expr(n.childForFieldName('value')), index, loc: L };
      }
      case 'slice': {
        // Children: [lo] ':' [hi] [':' [step]]; find which side of each colon.
        const parts: Array<Expr | undefined> = [undefined, undefined, undefined];
        let i = 0;
        for (const c of n.children) {
          if (!c) continue;
          if (c.type === ':') i++;
          else if (c.isNamed && c.type !== 'comment') parts[i] = this.expr(c);
        }
        return { k: 'slice', lo: parts[0], hi: parts[1], step: parts[2], loc: L };
      }
      case 'call': {
        const a = n.childForFieldName('arguments');
        return { k: 'call', fn: this.expr(n.childForFieldName('function')), args: a ? this.args(a) : [], loc: L };
      }
      case 'binary_operator':
        return {
          k: 'bin',
          op: n.childForFieldName('operator')?.text ?? '+',
          l: this.expr(n.childForFieldName('left')),
          r: this.expr(n.childForFieldName('right')),
          loc: L,
        };
      case 'unary_operator':
        return { k: 'unary', op: n.childForFieldName('operator')?.text ?? '-', x: this.expr(n.childForFieldName('argument')), loc: L };
      case 'boolean_operator':
        return {
          k: 'bool',
          op: n.childForFieldName('operator')?.text === 'or' ? 'or' : 'and',
          l: this.expr(n.childForFieldName('left')),
          r: this.expr(n.childForFieldName('right')),
          loc: L,
        };
      case 'not_operator':
        return { k: 'not', x: this.expr(n.childForFieldName('argument')), loc: L };
      case 'comparison_operator': {
        const ops: string[] = [];
        const xs: Expr[] = [];
        for (const c of n.children) {
          if (!c) continue;
          if (c.isNamed && c.type !== 'comment') xs.push(this.expr(c));
          else if (!c.isNamed) {
            const t = c.type;
            // 'not in' and 'is not' arrive as two tokens in some grammar versions.
            if (t === 'in' && ops.length === xs.length && ops[ops.length - 1] === 'not') ops[ops.length - 1] = 'not in';
            else if (t === 'not' && ops[ops.length - 1] === 'is' && ops.length === xs.length) ops[ops.length - 1] = 'is not';
            else ops.push(t.replace(/\s+/g, ' '));
          }
        }
        return { k: 'cmp', ops, xs, loc: L };
      }
      case 'conditional_expression': {
        const kids = named(n);
        return { k: 'cond', body: this.expr(kids[0] ?? null), test: this.expr(kids[1] ?? null), orelse: this.expr(kids[2] ?? null), loc: L };
      }
      case 'lambda': {
        const ps = n.childForFieldName('parameters');
        return { k: 'lambda', params: this.params(ps), body: this.expr(n.childForFieldName('body')), loc: L };
      }
      case 'list':
      case 'tuple':
      case 'set':
        return { k: n.type, elts: named(n).map((c) => this.expr(c)), loc: L };
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
        return { k: n.type === 'list_pattern' ? 'list' : 'tuple', elts: named(n).map((c) => this.expr(c)), loc: L };
      case 'parenthesized_expression': {
        const inner = named(n)[0];
        return this.expr(inner ?? null);
      }
      case 'dictionary': {
        const items: DictItem[] = [];
        for (const c of named(n)) {
          if (c.type === 'pair') items.push({ key: this.expr(c.childForFieldName('key')), value: this.expr(c.childForFieldName('value')) });
          else if (c.type === 'dictionary_splat') items.push({ splat: this.expr(named(c)[0] ?? null) });
        }
        return { k: 'dict', items, loc: L };
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension': {
        const body = n.childForFieldName('body');
        const clauses: CompClause[] = [];
        for (const c of named(n)) {
          if (c.type === 'for_in_clause') {
            const rights = c.childrenForFieldName('right').filter((x): x is SyntaxNode => !!x && x.isNamed);
            const iter: Expr = rights.length === 1 ? this.expr(rights[0]!) : { k: 'tuple', elts: rights.map((r) => this.expr(r)), loc: loc(c) };
            clauses.push({ for: this.exprOrTuple(c.childForFieldName('left')!), iter });
          } else if (c.type === 'if_clause') clauses.push({ if: this.expr(named(c)[0] ?? null) });
        }
        const kind = n.type === 'list_comprehension' ? 'list' : n.type === 'set_comprehension' ? 'set' : n.type === 'generator_expression' ? 'gen' : 'dict';
        if (kind === 'dict' && body?.type === 'pair') {
          return { k: 'comp', kind, elt: this.expr(body.childForFieldName('key')), val: this.expr(body.childForFieldName('value')), clauses, loc: L };
        }
        return { k: 'comp', kind, elt: this.expr(body), clauses, loc: L };
      }
      case 'list_splat':
      case 'list_splat_pattern':
      case 'parenthesized_list_splat':
        return { k: 'star', x: this.expr(named(n)[0] ?? null), loc: L };
      case 'named_expression':
        return { k: 'walrus', name: n.childForFieldName('name')?.text ?? '_', x: this.expr(n.childForFieldName('value')), loc: L };
      case 'await':
        return this.expr(named(n)[0] ?? null);
      case 'yield': {
        if (this.yields.length) this.yields[this.yields.length - 1] = true;
        const inner = named(n)[0];
        return { k: 'yield', x: inner ? this.exprOrTuple(inner) : undefined, from: /^yield\s+from\b/.test(n.text), loc: L };
      }
      case 'keyword_argument':
        return this.expr(n.childForFieldName('value'));
      case 'as_pattern':
        return this.expr(named(n)[0] ?? null);
      case 'ERROR':
        this.errors.push(L);
        return { k: 'unknown', what: 'syntax error', loc: L };
      default:
        return { k: 'unknown', what: n.type, loc: L };
    }
  }

  private string(n: SyntaxNode): Expr {
    const L = loc(n);
    if (n.type === 'concatenated_string') return this.expr(n);
    let prefix = '';
    const parts: Array<string | { x: Expr; conv?: string; spec?: string }> = [];
    let isF = false;
    let raw = false;
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === 'string_start') {
        prefix = c.text.replace(/['"]+$/, '').toLowerCase();
        isF = prefix.includes('f');
        raw = prefix.includes('r');
      } else if (c.type === 'string_content') {
        parts.push(raw ? c.text : unescape(c.text));
      } else if (c.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        const conv = c.childForFieldName('type_conversion')?.text.slice(1);
        const spec = c.childForFieldName('format_specifier')?.text.replace(/^:/, '');
        parts.push({ x: e ? this.exprOrTuple(e) : { k: 'unknown', what: 'f-string', loc: L }, conv, spec });
      } else if (c.type === 'escape_sequence') {
        parts.push(raw ? c.text : unescape(c.text));
      }
    }
    if (!isF || parts.every((p) => typeof p === 'string')) return { k: 'str', v: parts.join(''), loc: L };
    return { k: 'fstr', parts, loc: L };
  }
}

/** Python's scope rule: a name assigned anywhere in a function body is local to it. */
function scanScope(body: Stmt[]): { locals: Set<string>; globals: Set<string>; nonlocals: Set<string> } {
  const locals = new Set<string>();
  const globals = new Set<string>();
  const nonlocals = new Set<string>();
  const target = (e: Expr): void => {
    if (e.k === 'name') locals.add(e.id);
    else if (e.k === 'tuple' || e.k === 'list') e.elts.forEach(target);
    else if (e.k === 'star') target(e.x);
  };
  const walk = (ss: Stmt[]): void => {
    for (const s of ss) {
      switch (s.k) {
        case 'assign':
          s.targets.forEach(target);
          break;
        case 'augassign':
        case 'annassign':
          target(s.target);
          break;
        case 'for':
          target(s.target);
          walk(s.body);
          walk(s.orelse);
          break;
        case 'while':
          walk(s.body);
          walk(s.orelse);
          break;
        case 'if':
          walk(s.body);
          walk(s.orelse);
          break;
        case 'try':
          walk(s.body);
          s.handlers.forEach((h) => walk(h.body));
          walk(s.orelse);
          walk(s.finalbody);
          break;
        case 'with':
          s.items.forEach((i) => i.as && target(i.as));
          walk(s.body);
          break;
        case 'def':
          locals.add(s.fn.name);
          break;
        case 'class':
          locals.add(s.cls.name);
          break;
        case 'import':
          for (const n of s.names) locals.add(n.alias ?? n.module.split('.')[0]!);
          break;
        case 'from':
          for (const n of s.names) locals.add(n.alias ?? n.name);
          break;
        case 'global':
          s.names.forEach((n) => globals.add(n));
          break;
        case 'nonlocal':
          s.names.forEach((n) => nonlocals.add(n));
          break;
        default:
          break;
      }
    }
  };
  walk(body);
  return { locals, globals, nonlocals };
}
