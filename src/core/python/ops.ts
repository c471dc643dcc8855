/**
 * Python operators on builtin values: arithmetic with exact bigint ints,
 * comparisons, equality. Tensors and user classes are dispatched elsewhere
 * (interp.ts); these functions return undefined for operand types they do not
 * handle.
 */
import { pyFixed } from './format';
import { FALSE, MAX_VALUE_ITEMS, TRUE, bool, float, hashKey, int, list, str, tuple, unknown, type Value } from './values';

/** Bits an int may grow to before it is reported instead of computed (2^100000 and beyond). */
export const MAX_INT_BITS = 100_000;

export class PyArithmeticError extends Error {}

export function toNumber(v: Value): number | undefined {
  if (v.t === 'int') return Number(v.v);
  if (v.t === 'float') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return undefined;
}

export function toBigInt(v: Value): bigint | undefined {
  if (v.t === 'int') return v.v;
  if (v.t === 'bool') return v.v ? 1n : 0n;
  return undefined;
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function pyMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

function floatMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

function intOp(op: string, a: bigint, b: bigint): Value | undefined {
  switch (op) {
    case '+':
      return int(a + b);
    case '-':
      return int(a - b);
    case '*':
      if (bitLength(a) + bitLength(b) > MAX_INT_BITS) throw new PyArithmeticError('integer too large');
      return int(a * b);
    case '/':
      if (b === 0n) throw new PyArithmeticError('division by zero');
      return float(Number(a) / Number(b));
    case '//':
      if (b === 0n) throw new PyArithmeticError('integer division by zero');
      return int(floorDiv(a, b));
    case '%':
      if (b === 0n) throw new PyArithmeticError('integer modulo by zero');
      return int(pyMod(a, b));
    case '**':
      if (b < 0n) return float(Number(a) ** Number(b));
      if (a !== 0n && a !== 1n && a !== -1n && Number(b) * Math.max(1, bitLength(a)) > MAX_INT_BITS) {
        throw new PyArithmeticError('integer too large');
      }
      return int(a ** b);
    case '<<':
      if (b < 0n) throw new PyArithmeticError('negative shift count');
      if (Number(b) + bitLength(a) > MAX_INT_BITS) throw new PyArithmeticError('integer too large');
      return int(a << b);
    case '>>':
      if (b < 0n) throw new PyArithmeticError('negative shift count');
      return int(a >> b);
    case '&':
      return int(a & b);
    case '|':
      return int(a | b);
    case '^':
      return int(a ^ b);
    default:
      return undefined;
  }
}

function floatOp(op: string, a: number, b: number): Value | undefined {
  switch (op) {
    case '+':
      return float(a + b);
    case '-':
      return float(a - b);
    case '*':
      return float(a * b);
    case '/':
      if (b === 0) throw new PyArithmeticError('float division by zero');
      return float(a / b);
    case '//':
      if (b === 0) throw new PyArithmeticError('float floor division by zero');
      return float(Math.floor(a / b));
    case '%':
      if (b === 0) throw new PyArithmeticError('float modulo');
      return float(floatMod(a, b));
    case '**':
      return float(a ** b);
    default:
      return undefined;
  }
}

function repeat<T>(items: T[], n: bigint): T[] {
  if (n <= 0n || items.length === 0) return [];
  if (BigInt(items.length) * n > BigInt(MAX_VALUE_ITEMS)) throw new PyArithmeticError('sequence repetition too large');
  // Filled by index: spreading a large list into push() overflows the call stack.
  const times = Number(n);
  const out = new Array<T>(items.length * times);
  for (let r = 0, k = 0; r < times; r++) for (let i = 0; i < items.length; i++) out[k++] = items[i]!;
  return out;
}

/** Binary arithmetic on builtin values; undefined when the operand types are not builtin. */
export function binop(op: string, a: Value, b: Value): Value | undefined {
  if (a.t === 'unknown') return a;
  if (b.t === 'unknown') return b;
  const ai = toBigInt(a);
  const bi = toBigInt(b);
  if (ai !== undefined && bi !== undefined) return intOp(op, ai, bi);
  const an = toNumber(a);
  const bn = toNumber(b);
  if (an !== undefined && bn !== undefined) return floatOp(op, an, bn);
  if (op === '+') {
    if (a.t === 'str' && b.t === 'str') return str(a.v + b.v);
    if (a.t === 'list' && b.t === 'list') return list([...a.items, ...b.items]);
    if (a.t === 'tuple' && b.t === 'tuple') return tuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const [seq, n] = bi !== undefined ? [a, bi] : ai !== undefined ? [b, ai] : [undefined, undefined];
    if (seq && n !== undefined) {
      if (seq.t === 'str') {
        if (n > 0n && BigInt(seq.v.length) * n > BigInt(MAX_VALUE_ITEMS)) throw new PyArithmeticError('string repetition too large');
        return str(n > 0n ? seq.v.repeat(Number(n)) : '');
      }
      if (seq.t === 'list') return list(repeat(seq.items, n));
      if (seq.t === 'tuple') return tuple(repeat(seq.items, n));
    }
  }
  if (op === '|' && a.t === 'dict' && b.t === 'dict') {
    const d = { t: 'dict' as const, map: new Map(a.map) };
    for (const [k, v] of b.map) d.map.set(k, v);
    return d;
  }
  if (a.t === 'set' && b.t === 'set') {
    const out = new Map<string, Value>();
    if (op === '|') {
      for (const [k, v] of a.map) out.set(k, v);
      for (const [k, v] of b.map) out.set(k, v);
    } else if (op === '&') {
      for (const [k, v] of a.map) if (b.map.has(k)) out.set(k, v);
    } else if (op === '-') {
      for (const [k, v] of a.map) if (!b.map.has(k)) out.set(k, v);
    } else if (op === '^') {
      for (const [k, v] of a.map) if (!b.map.has(k)) out.set(k, v);
      for (const [k, v] of b.map) if (!a.map.has(k)) out.set(k, v);
    } else return undefined;
    return { t: 'set', map: out };
  }
  if (op === '%' && a.t === 'str') return str(percentFormat(a.v, b.t === 'tuple' ? b.items : [b]));
  return undefined;
}

function percentFormat(fmt: string, args: Value[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdifrxeg%])/g, (_m, _flags: string, width: string, prec: string, type: string) => {
    if (type === '%') return '%';
    const v = args[i++] ?? unknown('format');
    let s: string;
    const n = toNumber(v);
    if (type === 'd' || type === 'i') s = n !== undefined ? String(Math.trunc(n)) : String(v);
    else if (type === 'f') s = n !== undefined ? pyFixed(n, prec ? Number(prec) : 6) : '?';
    else if (type === 'e') s = n !== undefined ? n.toExponential(prec ? Number(prec) : 6) : '?';
    else s = v.t === 'str' ? v.v : hashKey(v);
    return width ? s.padStart(Number(width)) : s;
  });
}

export function unaryop(op: string, a: Value): Value | undefined {
  if (a.t === 'unknown') return a;
  const ai = toBigInt(a);
  if (ai !== undefined) {
    if (op === '-') return int(-ai);
    if (op === '+') return int(ai);
    if (op === '~') return int(-ai - 1n);
  }
  if (a.t === 'float') {
    if (op === '-') return float(-a.v);
    if (op === '+') return a;
  }
  return undefined;
}

/** Structural equality of builtin values; identity for objects. */
export function pyEquals(a: Value, b: Value): boolean {
  const an = toNumber(a);
  const bn = toNumber(b);
  if (an !== undefined && bn !== undefined) {
    const ai = toBigInt(a);
    const bi = toBigInt(b);
    return ai !== undefined && bi !== undefined ? ai === bi : an === bn;
  }
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'none':
      return true;
    case 'str':
      return a.v === (b as typeof a).v;
    case 'list':
    case 'tuple': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => pyEquals(x, bi[i]!));
    }
    case 'dict': {
      const bm = (b as typeof a).map;
      if (a.map.size !== bm.size) return false;
      for (const [k, [, v]] of a.map) {
        const o = bm.get(k);
        if (!o || !pyEquals(v, o[1])) return false;
      }
      return true;
    }
    case 'set': {
      const bm = (b as typeof a).map;
      return a.map.size === bm.size && [...a.map.keys()].every((k) => bm.has(k));
    }
    case 'opaque':
      return a.kind === (b as typeof a).kind && a.name === (b as typeof a).name;
    default:
      return a === b;
  }
}

/** <, <=, >, >= on builtin values; undefined when not comparable. */
export function compareOrder(a: Value, b: Value): number | undefined {
  const ai = toBigInt(a);
  const bi = toBigInt(b);
  if (ai !== undefined && bi !== undefined) return ai < bi ? -1 : ai > bi ? 1 : 0;
  const an = toNumber(a);
  const bn = toNumber(b);
  if (an !== undefined && bn !== undefined) return an < bn ? -1 : an > bn ? 1 : 0;
  if (a.t === 'str' && b.t === 'str') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      const c = compareOrder(a.items[i]!, b.items[i]!);
      if (c === undefined) return undefined;
      if (c !== 0) return c;
    }
    return a.items.length - b.items.length;
  }
  return undefined;
}

export function compare(op: string, a: Value, b: Value): Value | undefined {
  switch (op) {
    case '==':
      return bool(pyEquals(a, b));
    case '!=':
    case '<>':
      return bool(!pyEquals(a, b));
    case 'is':
      return bool(a === b || (a.t === 'none' && b.t === 'none') || (a.t === 'bool' && b.t === 'bool' && a.v === b.v));
    case 'is not':
      return bool(!(a === b || (a.t === 'none' && b.t === 'none') || (a.t === 'bool' && b.t === 'bool' && a.v === b.v)));
    default: {
      const c = compareOrder(a, b);
      if (c === undefined) return undefined;
      if (op === '<') return bool(c < 0);
      if (op === '<=') return bool(c <= 0);
      if (op === '>') return bool(c > 0);
      if (op === '>=') return bool(c >= 0);
      return undefined;
    }
  }
}

export { TRUE, FALSE };
