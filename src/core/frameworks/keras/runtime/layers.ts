/**
 * keras.layers as interpreter classes: the Layer base (naming, trainable,
 * add_weight, __call__, weight and shape properties), one class per catalog
 * row, Input/InputLayer, Lambda, the functional merge helpers (layers.add,
 * layers.concatenate ...), and a stand-in for layers the catalog lacks.
 */
import type { Loc } from '../../../python/ast';
import type { Interp } from '../../../python/interp';
import { NONE, bool, int, list, native, str, unknown, type ClassV, type InstV, type Value } from '../../../python/values';
import { argToValue, bindLayerArgs } from '../../argValues';
import { signatureParams } from '../../pytorch/catalog/signature';
import type { LayerSpec } from '../../layerSpec';
import { callLayer, layerName } from './call';
import type { KerasRuntime } from './runtime';
import { countParams, setTrainable, subtreeWeights } from './structure';
import { isModelKind, layerState, tensorState, type InputDecl, type LayerState, type WeightRec } from './state';

type Kw = Map<string, Value>;

export function method(name: string, fn: (self: InstV, args: Value[], kw: Kw, loc: Loc) => Value): Value {
  return native(name, (args, kw, loc) => (args[0]?.t === 'inst' ? fn(args[0], args.slice(1), kw, loc) : unknown(name)), true);
}

export function property(name: string, get: (self: InstV) => Value): Value {
  return { t: 'property', fget: native(name, (args) => (args[0]?.t === 'inst' ? get(args[0]) : unknown(name))) };
}

function flag(v: Value | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.t === 'bool') return v.v;
  if (v.t === 'int') return v.v !== 0n;
  return undefined;
}

/** `input_shape=`, `batch_input_shape=`, `input_dim=` (Keras 2 spellings a first layer may carry). */
export function declFromKwargs(rt: KerasRuntime, get: (name: string) => Value | undefined, loc: Loc): InputDecl | undefined {
  const dtypeV = get('dtype');
  const dtype = dtypeV?.t === 'str' ? dtypeV.v : 'float32';
  const shape = rt.shapeArg(get('input_shape'));
  if (shape) return { shape, dtype, loc, how: 'input_shape' };
  const batchShape = rt.shapeArg(get('batch_input_shape') ?? get('batch_shape'));
  if (batchShape && batchShape.length > 1) return { shape: batchShape.slice(1), dtype, loc, how: 'input_shape' };
  const dim = get('input_dim');
  if (dim?.t === 'int') return { shape: [Number(dim.v)], dtype, loc, how: 'input_shape' };
  return undefined;
}

/** What Layer.__init__ does with its keyword arguments: name, trainable, an input shape. */
function applyBaseKwargs(rt: KerasRuntime, s: LayerState, get: (name: string) => Value | undefined, loc: Loc): void {
  const name = get('name');
  if (name?.t === 'str' && !s.name) s.name = name.v;
  const trainable = flag(get('trainable'));
  if (trainable === false) s.trainable = false;
  const decl = declFromKwargs(rt, get, loc);
  const length = get('input_length');
  if (decl) s.input = [decl];
  else if (s.spec?.type === 'Embedding' && length?.t === 'int') {
    // Keras 2: Embedding(..., input_length=N) as the first layer takes N token ids.
    s.input = [{ shape: [Number(length.v)], dtype: 'int32', loc, how: 'input_shape' }];
  }
  layerName(rt, s);
}

export interface LayerClasses {
  Layer: ClassV;
  InputLayer: ClassV;
  catalog: Map<string, ClassV>;
  /** A class for a layer name the catalog does not know (made once per name). */
  unknownLayer(name: string): ClassV;
  /** keras.Input(...): the InputLayer's tensor. */
  input: Value;
  /** layers.add / concatenate / ...: make the merge layer and call it. */
  helpers: Map<string, Value>;
  Lambda: ClassV;
}

export function buildLayerClasses(rt: KerasRuntime, interp: Interp, rows: LayerSpec[], Model: () => ClassV): LayerClasses {
  const owned = new WeakSet<WeightRec>();

  const Layer = interp.makeClass('Layer', [interp.objectClass], new Map(), 'keras.layers');
  Layer.native = {
    create: (cls, loc, file) => {
      const s: LayerState = {
        kind: cls.mro.includes(Model()) ? 'subclass' : 'layer',
        className: cls.name,
        weights: [],
        built: false,
        trainable: true,
        loc,
      };
      if (file) s.file = file;
      const inst: InstV = { t: 'inst', cls, dict: new Map(), native: s };
      rt.created.push(inst);
      return inst;
    },
    setattr: (self, _name, value) => {
      const s = layerState(self);
      if (!s) return false;
      // A tf.Variable assigned to a layer is one of its weights (TF 2 tracking).
      const w = tensorState(value)?.weight;
      if (w && !owned.has(w)) {
        owned.add(w);
        s.weights.push(w);
      }
      return false;
    },
  };
  const d = Layer.dict;
  d.set(
    '__init__',
    method('__init__', (self, _args, kw, loc) => {
      const s = layerState(self);
      if (s) applyBaseKwargs(rt, s, (n) => kw.get(n), loc);
      return NONE;
    }),
  );
  d.set('__call__', method('__call__', (self, args, kw, loc) => callLayer(rt, self, args, kw, loc)));
  d.set(
    'build',
    method('build', (self) => {
      const s = layerState(self);
      if (s) s.built = true;
      return NONE;
    }),
  );
  d.set(
    'add_weight',
    method('add_weight', (self, args, kw, loc) => {
      const s = layerState(self);
      if (!s) return unknown('add_weight');
      // Keras 2 put `name` first, Keras 3 `shape`.
      const keras2 = args[0]?.t === 'str';
      const at = (k: string, i3: number, i2: number): Value | undefined => kw.get(k) ?? args[keras2 ? i2 : i3];
      const shapeV = at('shape', 0, 1);
      const shape = shapeV === undefined || shapeV.t === 'none' ? [] : rt.shapeArg(shapeV);
      if (!shape || shape.some((x) => x === null)) {
        rt.warn('keras-weight', `${s.className}.add_weight: could not evaluate the shape`, loc);
        return unknown('weight');
      }
      const trainable = flag(kw.get('trainable') ?? (keras2 ? args[5] : args[3])) ?? true;
      const nameV = at('name', 8, 0);
      const w: WeightRec = { name: nameV?.t === 'str' ? nameV.v : `weight_${s.weights.length}`, shape: shape as number[], trainable };
      owned.add(w);
      s.weights.push(w);
      return rt.variable(w);
    }),
  );
  for (const noop of ['add_loss', 'add_metric', 'add_update', 'reset_states', 'reset_state', 'set_weights', 'load_own_variables', 'adapt', 'finalize_state', 'build_from_config']) {
    d.set(noop, method(noop, () => NONE));
  }
  d.set('count_params', method('count_params', (self) => int(countParams(self).total)));
  d.set('get_weights', method('get_weights', () => unknown('weight values')));
  d.set('get_config', method('get_config', () => unknown('config')));
  d.set('compute_output_shape', method('compute_output_shape', () => unknown('output shape')));
  // layer.input / layer.output: the tensors of its first call (get_layer(...).output in feature extractors).
  d.set('input', property('input', (self) => layerState(self)?.firstCall?.input ?? unknown('layer.input')));
  d.set('output', property('output', (self) => layerState(self)?.firstCall?.output ?? unknown('layer.output')));
  d.set('name', property('name', (self) => str(layerName(rt, layerState(self)!))));
  d.set('built', property('built', (self) => bool(!!layerState(self)?.built)));
  // layer.trainable = False freezes the layer and every sublayer (Keras' setter recurses).
  d.set('trainable', {
    t: 'property',
    fget: native('trainable', (args) => bool(layerState(args[0])?.trainable !== false)),
    fset: native('trainable', (args) => {
      const f = flag(args[1]);
      if (args[0]?.t === 'inst' && f !== undefined) setTrainable(args[0], f);
      return NONE;
    }),
  });
  const weightList = (pick: (w: WeightRec, layerTrainable: boolean) => boolean) => (self: InstV) =>
    list(subtreeWeights(self).filter((x) => pick(x.weight, x.layerTrainable)).map((x) => rt.variable(x.weight)));
  d.set('weights', property('weights', weightList(() => true)));
  d.set('variables', property('variables', weightList(() => true)));
  d.set('trainable_weights', property('trainable_weights', weightList((w, t) => w.trainable && t)));
  d.set('trainable_variables', property('trainable_variables', weightList((w, t) => w.trainable && t)));
  d.set('non_trainable_weights', property('non_trainable_weights', weightList((w, t) => !(w.trainable && t))));

  // ---------------------------------------------------------------- Input / InputLayer
  const InputLayer = interp.makeClass('InputLayer', [Layer], new Map(), 'keras.layers');
  const makeInput = (kw: Kw, positional: Value | undefined, loc: Loc): InstV | Value => {
    const given = kw.get('tensor') ?? kw.get('input_tensor');
    if (given && tensorState(given)) return given;
    const dtypeV = kw.get('dtype');
    const dtype = dtypeV?.t === 'str' ? dtypeV.v : dtypeV?.t === 'opaque' ? dtypeV.name : 'float32';
    let shape = rt.shapeArg(positional ?? kw.get('shape') ?? kw.get('input_shape'));
    const batchShape = rt.shapeArg(kw.get('batch_shape') ?? kw.get('batch_input_shape'));
    if (!shape && batchShape) shape = batchShape.slice(1);
    if (!shape) {
      rt.warn('keras-input', 'keras.Input: could not evaluate the shape', loc);
      return unknown('Input');
    }
    const s: LayerState = { kind: 'input', className: 'InputLayer', weights: [], built: true, trainable: true, loc, input: [{ shape, dtype, loc, how: 'Input' }] };
    if (interp.file) s.file = interp.file;
    const nameV = kw.get('name');
    s.name = nameV?.t === 'str' ? nameV.v : rt.names.next('input_layer');
    const layer: InstV = { t: 'inst', cls: InputLayer, dict: new Map(), native: s };
    const dims = shape.map((x) => x ?? rt.placeholderSeq);
    const node = { id: rt.nextNodeId(), layer, args: [], kwargs: new Map(), inputs: [], outputs: [] as InstV[] };
    const t = rt.tensor([rt.placeholderBatch, ...dims], dtype, node);
    node.outputs.push(t);
    s.tensor = t;
    rt.created.push(layer);
    return layer;
  };
  InputLayer.native = {
    construct: (_cls, args, kw, loc) => makeInput(kw, args[0], loc),
  };
  const input = native('Input', (args, kw, loc) => {
    const layer = makeInput(kw, args[0], loc);
    return layer.t === 'inst' && layerState(layer) ? layerState(layer)!.tensor ?? unknown('Input') : layer;
  });

  // ---------------------------------------------------------------- catalog rows
  const catalog = new Map<string, ClassV>();
  for (const spec of rows) {
    if (spec.framework !== 'keras') continue;
    const cls = catalogClass(rt, interp, Layer, spec);
    for (const n of [spec.type, ...(spec.aliases ?? [])]) catalog.set(n, cls);
  }

  // ---------------------------------------------------------------- Lambda
  const Lambda = interp.makeClass('Lambda', [Layer], new Map(), 'keras.layers');
  Lambda.dict.set(
    '__init__',
    method('__init__', (self, args, kw, loc) => {
      const s = layerState(self);
      if (!s) return NONE;
      const fn = args[0] ?? kw.get('function');
      if (fn) self.dict.set('function', fn);
      const extra = kw.get('arguments');
      if (extra) self.dict.set('arguments', extra);
      applyBaseKwargs(rt, s, (n) => kw.get(n), loc);
      return NONE;
    }),
  );
  Lambda.dict.set(
    'call',
    method('call', (self, args, kw, loc) => {
      const fn = self.dict.get('function');
      if (!fn) return unknown('Lambda output');
      const extra = self.dict.get('arguments');
      const kwargs = new Map(kw);
      if (extra?.t === 'dict') for (const [k, v] of extra.map.values()) if (k.t === 'str') kwargs.set(k.v, v);
      kwargs.delete('training');
      kwargs.delete('mask');
      return interp.call(fn, args.slice(0, 1), kwargs, loc);
    }),
  );

  // ---------------------------------------------------------------- layers the catalog lacks
  const unknownClasses = new Map<string, ClassV>();
  const unknownLayer = (name: string): ClassV => {
    let cls = unknownClasses.get(name);
    if (!cls) {
      cls = interp.makeClass(name, [Layer], new Map(), 'keras.layers');
      cls.dict.set(
        'call',
        method('call', (self, _args, _kw, loc) => {
          rt.warn('keras-unknown-layer', `Keras layer ${name} is not modelled: its output and weights are unknown`, loc);
          const s = layerState(self);
          if (s) s.broken = 'not modelled';
          return unknown(`${name} output`);
        }),
      );
      unknownClasses.set(name, cls);
    }
    return cls;
  };

  // ---------------------------------------------------------------- layers.add([a, b]) and friends
  const helpers = new Map<string, Value>();
  const MERGES: Array<[string, string]> = [
    ['add', 'Add'],
    ['subtract', 'Subtract'],
    ['multiply', 'Multiply'],
    ['average', 'Average'],
    ['maximum', 'Maximum'],
    ['minimum', 'Minimum'],
    ['concatenate', 'Concatenate'],
    ['dot', 'Dot'],
  ];
  for (const [fn, type] of MERGES) {
    helpers.set(
      fn,
      native(fn, (args, kw, loc) => {
        const cls = catalog.get(type)!;
        const ctorKw = new Map(kw);
        const ctorArgs = args.slice(1);
        const layer = interp.instantiate(cls, ctorArgs, ctorKw, loc);
        return layer.t === 'inst' ? callLayer(rt, layer, [args[0] ?? kw.get('inputs') ?? NONE], new Map(), loc) : unknown(fn);
      }),
    );
  }

  return { Layer, InputLayer, catalog, unknownLayer, input, helpers, Lambda };
}

/** The class of one catalog row: __init__ binds the arguments to the row's signature. */
function catalogClass(rt: KerasRuntime, interp: Interp, Layer: ClassV, spec: LayerSpec): ClassV {
  const cls = interp.makeClass(spec.type, [Layer], new Map(), 'keras.layers');
  cls.builtin = spec.type;
  cls.dict.set(
    '__init__',
    method('__init__', (self, args, kw, loc) => {
      const s = layerState(self);
      if (!s) return NONE;
      s.className = spec.type;
      const binding = bindLayerArgs(spec, args, kw, (v) => rt.toArg(v, loc));
      if ('error' in binding) {
        s.broken = binding.error;
        rt.warn('keras-layer-error', binding.error, loc);
        layerName(rt, s);
        return NONE;
      }
      const bound = binding.args;
      // data_format=None means keras.config.image_data_format().
      if ('data_format' in bound && (bound.data_format === null || bound.data_format === undefined)) {
        bound.data_format = rt.imageDataFormat;
      }
      s.spec = spec;
      s.args = bound;
      // A wrapper around a layer the catalog does not know is run by the runtime.
      const wrappedV = args[0] ?? kw.get('layer');
      const inner = layerState(wrappedV);
      if ((spec.type === 'TimeDistributed' || spec.type === 'Bidirectional') && inner && !inner.spec) {
        s.wrapped = wrappedV as InstV;
        delete s.spec;
      }
      // Layer.__init__'s keywords (name, trainable, input_shape ...), unless the row has a parameter of
      // that name for itself (Embedding's input_dim is its vocabulary).
      const own = new Set(signatureParams(spec.signature).map((p) => p.name));
      applyBaseKwargs(rt, s, (n) => (n === 'name' || n === 'trainable' || n === 'dtype' || !own.has(n) ? kw.get(n) : undefined), loc);
      for (const [k, v] of Object.entries(bound)) {
        if (k !== 'kwargs' && v !== undefined && !(typeof v === 'object' && v !== null && '$layer' in (v as object))) self.dict.set(k, argToValue(v));
      }
      return NONE;
    }),
  );
  return cls;
}

/** True for a layer or model instance of the Keras runtime. */
export function isKerasLayer(v: Value | undefined): v is InstV {
  return layerState(v) !== undefined;
}

export function isKerasModel(v: Value | undefined): v is InstV {
  const s = layerState(v);
  return !!s && isModelKind(s.kind);
}
