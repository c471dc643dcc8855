/**
 * Conversions between interpreter values and catalog arguments (ArgValue), and the
 * binding of a layer constructor's arguments to its row's signature: the same for
 * torch modules and Keras layers.
 */
import type { Loc } from '../python/ast';
import { NONE, bool, dict, float, int, str, tuple, unknown, type InstV, type Value } from '../python/values';
import { FnRef, type ArgValue, type Args, type LayerSpec } from './layerSpec';
import { bindArgs } from './pytorch/catalog/signature';

/** Framework choices in valueToArg. */
export interface ArgHooks {
  /** An integer beyond Number.MAX_SAFE_INTEGER (no layer is that large); it converts to undefined. */
  tooLarge?: (v: bigint, loc: Loc) => void;
  /** An object passed as an argument (a Keras layer given to a wrapper); default: a FnRef of its class. */
  instance?: (v: InstV) => ArgValue;
}

/** An interpreter value as a catalog argument; undefined when unknown or absurd. */
export function valueToArg(v: Value, loc: Loc, hooks: ArgHooks = {}): ArgValue {
  switch (v.t) {
    case 'int': {
      const n = Number(v.v);
      if (Math.abs(n) > Number.MAX_SAFE_INTEGER) {
        hooks.tooLarge?.(v.v, loc);
        return undefined;
      }
      return n;
    }
    case 'bool':
      return v.v;
    case 'float':
      return Number.isFinite(v.v) ? v.v : undefined;
    case 'str':
      return v.v;
    case 'none':
      return null;
    case 'list':
    case 'tuple':
      return v.items.map((x) => valueToArg(x, loc, hooks));
    case 'dict': {
      const o: Record<string, ArgValue> = {};
      for (const [k, x] of v.map.values()) if (k.t === 'str') o[k.v] = valueToArg(x, loc, hooks);
      return o;
    }
    case 'inst':
      return hooks.instance ? hooks.instance(v) : new FnRef(v.cls.name);
    case 'func':
    case 'native':
    case 'class':
      return new FnRef(v.name);
    case 'bound':
      return new FnRef(v.fn.name);
    case 'opaque':
      return v.name;
    default:
      return undefined;
  }
}

/** A catalog argument back as an interpreter value (attributes a layer exposes: `conv.in_channels`). */
export function argToValue(a: ArgValue): Value {
  if (a === undefined) return unknown('argument');
  if (a === null) return NONE;
  if (typeof a === 'boolean') return bool(a);
  if (typeof a === 'number') return Number.isInteger(a) ? int(a) : float(a);
  if (typeof a === 'string') return str(a);
  if (a instanceof FnRef) return unknown(a.name);
  if (Array.isArray(a)) return tuple(a.map(argToValue));
  return dict(Object.entries(a).map(([k, x]) => [str(k), argToValue(x)]));
}

/**
 * A layer constructor's call bound to its row's signature: the arguments after `self`,
 * converted with `toArg`. A call the signature rejects gives the reason instead.
 */
export function bindLayerArgs(
  spec: LayerSpec,
  args: Value[],
  kw: Map<string, Value>,
  toArg: (v: Value) => ArgValue,
): { args: Args } | { error: string } {
  const pos = args.map(toArg);
  const kwo: Args = {};
  for (const [k, v] of kw) kwo[k] = toArg(v);
  try {
    return { args: bindArgs(spec.type, spec.signature, pos, kwo) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
