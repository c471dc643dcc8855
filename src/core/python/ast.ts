/**
 * A small Python AST: plain objects the interpreter walks. Lowering the
 * tree-sitter tree once (see lower.ts) keeps evaluation off the wasm boundary,
 * which is what makes a warm analysis take milliseconds.
 *
 * Positions are 0-based lines and UTF-16 columns, as in source.ts.
 */

export interface Loc {
  sl: number;
  sc: number;
  el: number;
  ec: number;
}

export type Expr =
  | { k: 'name'; id: string; loc: Loc }
  | { k: 'int'; v: bigint; loc: Loc }
  | { k: 'float'; v: number; loc: Loc }
  | { k: 'str'; v: string; loc: Loc }
  | { k: 'fstr'; parts: Array<string | { x: Expr; conv?: string; spec?: string }>; loc: Loc }
  | { k: 'const'; v: 'True' | 'False' | 'None' | 'Ellipsis'; loc: Loc }
  | { k: 'attr'; obj: Expr; name: string; loc: Loc }
  | { k: 'sub'; obj: Expr; index: Expr; loc: Loc }
  | { k: 'slice'; lo?: Expr; hi?: Expr; step?: Expr; loc: Loc }
  | { k: 'call'; fn: Expr; args: Arg[]; loc: Loc }
  | { k: 'bin'; op: string; l: Expr; r: Expr; loc: Loc }
  | { k: 'unary'; op: string; x: Expr; loc: Loc }
  | { k: 'bool'; op: 'and' | 'or'; l: Expr; r: Expr; loc: Loc }
  | { k: 'not'; x: Expr; loc: Loc }
  | { k: 'cmp'; ops: string[]; xs: Expr[]; loc: Loc }
  | { k: 'cond'; test: Expr; body: Expr; orelse: Expr; loc: Loc }
  | { k: 'lambda'; params: Param[]; body: Expr; loc: Loc }
  | { k: 'list' | 'tuple' | 'set'; elts: Expr[]; loc: Loc }
  | { k: 'dict'; items: DictItem[]; loc: Loc }
  | { k: 'comp'; kind: 'list' | 'set' | 'gen' | 'dict'; elt: Expr; val?: Expr; clauses: CompClause[]; loc: Loc }
  | { k: 'star'; x: Expr; loc: Loc }
  | { k: 'walrus'; name: string; x: Expr; loc: Loc }
  | { k: 'yield'; x?: Expr; from: boolean; loc: Loc }
  | { k: 'unknown'; what: string; loc: Loc };

export type Arg =
  | { kind: 'pos'; x: Expr }
  | { kind: 'star'; x: Expr }
  | { kind: 'kw'; name: string; x: Expr }
  | { kind: 'dstar'; x: Expr };

export type DictItem = { key: Expr; value: Expr } | { splat: Expr };

export type CompClause = { for: Expr; iter: Expr } | { if: Expr };

export interface Param {
  name: string;
  kind: 'pos' | 'vararg' | 'kwonly' | 'kwarg';
  default?: Expr;
}

export interface Handler {
  body: Stmt[];
}

export type Stmt =
  | { k: 'expr'; x: Expr; loc: Loc }
  | { k: 'assign'; targets: Expr[]; x: Expr; loc: Loc }
  | { k: 'augassign'; target: Expr; op: string; x: Expr; loc: Loc }
  | { k: 'annassign'; target: Expr; x?: Expr; loc: Loc }
  | { k: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; loc: Loc }
  | { k: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[]; loc: Loc }
  | { k: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[]; loc: Loc }
  | { k: 'return'; x?: Expr; loc: Loc }
  | { k: 'try'; body: Stmt[]; handlers: Handler[]; orelse: Stmt[]; finalbody: Stmt[]; loc: Loc }
  | { k: 'with'; items: Array<{ x: Expr; as?: Expr }>; body: Stmt[]; loc: Loc }
  | { k: 'assert'; x: Expr; loc: Loc }
  | { k: 'pass' | 'break' | 'continue'; loc: Loc }
  | { k: 'del'; targets: Expr[]; loc: Loc }
  | { k: 'global' | 'nonlocal'; names: string[]; loc: Loc }
  | { k: 'raise'; x?: Expr; loc: Loc }
  | { k: 'def'; fn: FunctionDef; loc: Loc }
  | { k: 'class'; cls: ClassDef; loc: Loc }
  | { k: 'import'; names: Array<{ module: string; alias?: string }>; loc: Loc }
  | { k: 'from'; module: string; level: number; names: Array<{ name: string; alias?: string }>; star: boolean; loc: Loc }
  | { k: 'error'; loc: Loc };

export interface FunctionDef {
  name: string;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  nameLoc: Loc;
  /** Range of the whole definition, decorators included. */
  loc: Loc;
  /** Names assigned in the body (Python's local scope rule), minus global/nonlocal ones. */
  locals: Set<string>;
  globals: Set<string>;
  nonlocals: Set<string>;
  /** True when the body contains `yield`: the function is a generator. */
  generator: boolean;
}

export interface ClassDef {
  name: string;
  bases: Arg[];
  body: Stmt[];
  decorators: Expr[];
  nameLoc: Loc;
  loc: Loc;
}

export interface Module {
  body: Stmt[];
  /** Ranges tree-sitter marked as ERROR or MISSING. */
  errors: Loc[];
  /** Set when nesting was too deep to lower fully. */
  tooDeep?: Loc;
}
