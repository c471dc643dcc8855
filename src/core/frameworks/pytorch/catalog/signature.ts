/**
 * Python signatures as the catalog writes them ("in_features, out_features, bias=True"):
 * parsed once per row, used to fill defaults and to bind a call's positional and
 * keyword arguments to names, the way Python binds them.
 */
import { LayerError, type ArgValue, type Args } from '../../layerSpec';

export interface SignatureParam {
  name: string;
  kind: 'positional' | 'keyword-only' | 'var-positional' | 'var-keyword';
  /** Present when the parameter has a default (which may itself be `null` for None). */
  hasDefault: boolean;
  default?: ArgValue;
}

/** Split on commas that are not inside brackets or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** A Python literal as the catalog's defaults use them: numbers, True/False/None, strings, tuples, lists. */
export function parseLiteral(text: string): ArgValue {
  const t = text.trim();
  if (t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^(['"]).*\1$/.test(t)) return t.slice(1, -1);
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']'))) {
    return splitTopLevel(t.slice(1, -1)).map(parseLiteral);
  }
  throw new Error(`unsupported default in a catalog signature: ${t}`);
}

export function parseSignature(signature: string): SignatureParam[] {
  const params: SignatureParam[] = [];
  let keywordOnly = false;
  for (const part of splitTopLevel(signature)) {
    if (part === '*') {
      keywordOnly = true;
      continue;
    }
    if (part.startsWith('**')) {
      params.push({ name: part.slice(2), kind: 'var-keyword', hasDefault: false });
      continue;
    }
    if (part.startsWith('*')) {
      params.push({ name: part.slice(1), kind: 'var-positional', hasDefault: false });
      keywordOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const kind = keywordOnly ? 'keyword-only' : 'positional';
    if (eq < 0) params.push({ name, kind, hasDefault: false });
    else params.push({ name, kind, hasDefault: true, default: parseLiteral(part.slice(eq + 1)) });
  }
  return params;
}

const cache = new Map<string, SignatureParam[]>();

/** Parsed signature, cached (rows are asked many times per analysis). */
export function signatureParams(signature: string): SignatureParam[] {
  let params = cache.get(signature);
  if (!params) {
    params = parseSignature(signature);
    cache.set(signature, params);
  }
  return params;
}

/**
 * Bind a call's arguments to a signature, as Python does, and fill in defaults.
 * `*args` collect into an array and `**kwargs` into an object under their names.
 * Errors read like Python's (`Linear() missing required argument 'out_features'`).
 */
export function bindArgs(owner: string, signature: string, positional: ArgValue[], keywords: Args = {}): Args {
  const params = signatureParams(signature);
  const bound: Args = {};
  const given = new Set<string>();
  let i = 0;
  for (const p of params) {
    if (p.kind === 'positional' && i < positional.length) {
      bound[p.name] = positional[i++];
      given.add(p.name);
    } else if (p.kind === 'var-positional') {
      bound[p.name] = positional.slice(i);
      i = positional.length;
      given.add(p.name);
    }
  }
  if (i < positional.length) {
    throw new LayerError(`${owner}() takes ${i} positional arguments but ${positional.length} were given`);
  }
  const varKeyword = params.find((p) => p.kind === 'var-keyword');
  const extra: Args = {};
  for (const [name, value] of Object.entries(keywords)) {
    const p = params.find((q) => q.name === name && (q.kind === 'positional' || q.kind === 'keyword-only'));
    if (!p) {
      if (!varKeyword) throw new LayerError(`${owner}() got an unexpected keyword argument '${name}'`);
      extra[name] = value;
      continue;
    }
    if (given.has(name)) throw new LayerError(`${owner}() got multiple values for argument '${name}'`);
    bound[name] = value;
    given.add(name);
  }
  if (varKeyword) bound[varKeyword.name] = extra;
  for (const p of params) {
    if (given.has(p.name) || p.kind === 'var-positional' || p.kind === 'var-keyword') continue;
    if (!p.hasDefault) throw new LayerError(`${owner}() missing required argument '${p.name}'`);
    bound[p.name] = p.default;
  }
  return bound;
}

/** Defaults of a signature, for rows handed arguments that omit some. */
export function defaultsOf(signature: string): Args {
  const out: Args = {};
  for (const p of signatureParams(signature)) if (p.hasDefault) out[p.name] = p.default;
  return out;
}
