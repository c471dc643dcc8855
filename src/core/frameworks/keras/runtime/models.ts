/**
 * keras.Model and keras.Sequential: functional models made from input and
 * output tensors (their graph is the recorded calls between them), subclassed
 * models, Sequential's list and .add(), model.build(), and the training
 * methods that only matter as no-ops. keras.applications constructors make
 * catalogued models (one layer each, see applications.ts).
 */
import type { Loc } from '../../../python/ast';
import type { Interp } from '../../../python/interp';
import { NONE, int, list, native, tuple, unknown, type ClassV, type InstV, type ModuleV, type Value } from '../../../python/values';
import { KERAS_APPLICATIONS, type KerasApplication } from '../applications';
import { ARCHITECTURES, ARCHITECTURES_FILE, ARCHITECTURES_SOURCE } from '../architectures';
import { parseModule } from '../../../python/parseModule';
import { callLayer, declFromTensor, layerName } from './call';
import { declFromKwargs, method, property } from './layers';
import type { KerasRuntime } from './runtime';
import { sublayers } from './structure';
import { layerState, tensorState, type CallNode, type InputDecl, type LayerState } from './state';

type Kw = Map<string, Value>;

/** A tensor for a declared input while the file runs: placeholder batch, None as the placeholder length. */
export function placeholderInput(rt: KerasRuntime, d: InputDecl): InstV {
  return rt.tensor([rt.placeholderBatch, ...d.shape.map((x) => x ?? rt.placeholderSeq)], d.dtype);
}

/** The calls between a functional model's inputs and outputs, earliest first. */
function collectGraph(rt: KerasRuntime, s: LayerState, inputs: Value, outputs: Value, loc: Loc): void {
  const ins = rt.flattenTensors(inputs);
  const outs = rt.flattenTensors(outputs);
  const inputIds = new Set(ins.map((t) => tensorState(t)!.id));
  const nodes = new Map<number, CallNode>();
  const pending = [...outs];
  let disconnected = false;
  while (pending.length) {
    const t = tensorState(pending.pop());
    if (!t || inputIds.has(t.id)) continue;
    const n = t.node;
    if (!n || nodes.has(n.id)) continue;
    if (layerState(n.layer)?.kind === 'input') {
      disconnected = true;
      continue;
    }
    nodes.set(n.id, n);
    pending.push(...n.inputs);
  }
  if (disconnected) rt.warn('keras-graph', 'keras.Model: an output depends on an Input that is not among the model\'s inputs', loc);
  if (!outs.length) {
    rt.warn('keras-graph', 'keras.Model: could not evaluate the outputs', loc);
    s.broken = 'its outputs could not be evaluated';
  }
  const inputLayers: InstV[] = [];
  const decls: InputDecl[] = [];
  for (const t of ins) {
    const producer = tensorState(t)?.node?.layer;
    const ps = layerState(producer);
    if (ps?.kind === 'input' && producer) {
      inputLayers.push(producer);
      decls.push(ps.input![0]!);
    } else decls.push(declFromTensor(t, loc, 'Input')!);
  }
  s.kind = 'functional';
  s.graph = { inputs: ins, inputStructure: inputs, outputs, nodes: [...nodes.values()].sort((a, b) => a.id - b.id), inputLayers };
  s.input = decls;
  s.built = true;
}

/** The tensors model.build(shape) runs the model on: one shape, or a list of shapes. */
function buildDecls(rt: KerasRuntime, v: Value | undefined, loc: Loc): InputDecl[] | undefined {
  if (!v) return undefined;
  const one = rt.shapeArg(v);
  if (one && one.length) return [{ shape: one.slice(1), dtype: 'float32', loc, how: 'build' }];
  if ((v.t === 'list' || v.t === 'tuple') && v.items.every((x) => x.t === 'tuple' || x.t === 'list')) {
    const all = v.items.map((x) => rt.shapeArg(x));
    if (all.every((x) => x && x.length)) return all.map((x) => ({ shape: x!.slice(1), dtype: 'float32', loc, how: 'build' }));
  }
  if (v.t === 'dict') {
    const all = [...v.map.values()].map(([, x]) => rt.shapeArg(x));
    if (all.every((x) => x && x.length)) return all.map((x) => ({ shape: x!.slice(1), dtype: 'float32', loc, how: 'build' }));
  }
  return undefined;
}

/** Call a model on placeholder tensors for its declared inputs (builds every layer). */
export function runOnDecls(rt: KerasRuntime, self: InstV, decls: InputDecl[], loc: Loc): Value {
  const tensors = decls.map((d) => placeholderInput(rt, d));
  return callLayer(rt, self, [tensors.length === 1 ? tensors[0]! : list(tensors)], new Map(), loc);
}

/** A Sequential's Input tensor and the output of its layers on it, built on first need. */
function sequentialIO(rt: KerasRuntime, s: LayerState): { input: Value; output: Value } {
  const decl = s.input?.[0];
  if (!decl) return { input: unknown('Sequential.input'), output: unknown('Sequential.output') };
  s.tensor ??= placeholderInput(rt, decl);
  const layers = s.layers ?? [];
  let x: Value = s.builtLayers ? (s.lastOutput ?? s.tensor) : s.tensor;
  for (let i = s.builtLayers ?? 0; i < layers.length; i++) {
    x = callLayer(rt, layers[i]!, [x], new Map(), layerState(layers[i])?.loc ?? s.loc);
  }
  s.builtLayers = layers.length;
  s.lastOutput = x;
  return { input: s.tensor, output: x };
}

export interface ModelClasses {
  Model: ClassV;
  Sequential: ClassV;
  /** keras.applications.<Name>(...) constructors, by name. */
  applications: Map<string, Value>;
}

export function buildModelClasses(rt: KerasRuntime, interp: Interp, Layer: ClassV): ModelClasses {
  const Model = interp.makeClass('Model', [Layer], new Map(), 'keras.models');
  const m = Model.dict;
  m.set(
    '__init__',
    method('__init__', (self, args, kw, loc) => {
      const s = layerState(self);
      if (!s) return NONE;
      const inputs = kw.get('inputs') ?? args[0];
      const outputs = kw.get('outputs') ?? args[1];
      const nameV = kw.get('name') ?? args[2];
      if (nameV?.t === 'str') s.name = nameV.v;
      if (inputs && outputs) {
        if (self.cls === Model) s.className = 'Functional';
        collectGraph(rt, s, inputs, outputs, loc);
      }
      const trainable = kw.get('trainable');
      if (trainable?.t === 'bool') s.trainable = trainable.v;
      layerName(rt, s);
      return NONE;
    }),
  );
  m.set(
    'build',
    method('build', (self, args, kw, loc) => {
      const s = layerState(self);
      const decls = buildDecls(rt, args[0] ?? kw.get('input_shape'), loc);
      if (!s || !decls) return NONE;
      if (s.kind === 'functional') return NONE;
      s.input = decls;
      runOnDecls(rt, self, decls, loc);
      s.built = true;
      return NONE;
    }),
  );
  for (const noop of ['compile', 'summary', 'save', 'save_weights', 'load_weights', 'reset_metrics', 'export']) {
    m.set(noop, method(noop, () => NONE));
  }
  for (const run of ['fit', 'evaluate', 'train_on_batch', 'test_on_batch', 'fit_generator']) {
    m.set(run, method(run, () => unknown(`model.${run}()`)));
  }
  m.set(
    'predict',
    method('predict', (self, args, _kw, loc) => {
      const s = layerState(self);
      const d = declFromTensor(args[0] ?? NONE, loc, 'example');
      if (s && d && !s.input) s.input = [d];
      return unknown('model.predict()');
    }),
  );
  m.set(
    'get_layer',
    method('get_layer', (self, args, kw) => {
      const name = kw.get('name') ?? args[0];
      const index = kw.get('index');
      const all = sublayers(self);
      if (name?.t === 'str') return all.find((l) => layerState(l)?.name === name.v) ?? unknown(`layer '${name.v}'`);
      if (index?.t === 'int') return all[Number(index.v)] ?? unknown('layer index');
      return unknown('get_layer');
    }),
  );
  m.set(
    'layers',
    property('layers', (self) => list(sublayers(self).filter((l) => layerState(l)?.kind !== 'input' || layerState(self)?.kind === 'functional'))),
  );
  const io = (which: 'input' | 'output') => (self: InstV): Value => {
    // Read through the class (`keras.Model.output`), self may be any object.
    const s = layerState(self);
    if (!s) return unknown(`model.${which}`);
    if (s.graph) return which === 'input' ? (s.graph.inputs.length === 1 ? s.graph.inputs[0]! : s.graph.inputStructure) : s.graph.outputs;
    if (s.kind === 'sequential') return sequentialIO(rt, s)[which];
    return s.firstCall?.[which] ?? unknown(`model.${which}`);
  };
  m.set('input', property('input', io('input')));
  m.set('output', property('output', io('output')));
  m.set('inputs', property('inputs', (self) => {
    const v = io('input')(self);
    return tensorState(v) ? list([v]) : v;
  }));
  m.set('outputs', property('outputs', (self) => {
    const v = io('output')(self);
    return tensorState(v) ? list([v]) : v;
  }));

  // ---------------------------------------------------------------- Sequential
  const Sequential = interp.makeClass('Sequential', [Model], new Map(), 'keras.models');
  Sequential.builtin = 'Sequential';
  const add = (self: InstV, item: Value, loc: Loc): void => {
    // `keras.Sequential.add(x)` called on the class passes x as self: nothing to add to.
    const s = layerState(self);
    if (!s) return;
    s.layers ??= [];
    const t = tensorState(item);
    const its = layerState(item);
    if (t) {
      // keras.Input(...) as the first item: the model's input.
      const d = declFromTensor(item, loc, 'Input');
      if (d && !s.layers.length) {
        s.input = [{ ...d, shape: layerState(t.node?.layer)?.input?.[0]?.shape ?? d.shape }];
        s.tensor = item as InstV;
      }
      return;
    }
    if (its?.kind === 'input') {
      s.input = its.input;
      s.tensor = its.tensor;
      return;
    }
    if (!its) {
      rt.warn('keras-sequential', 'Sequential.add: could not evaluate the layer', loc);
      s.broken = 'a layer could not be evaluated';
      return;
    }
    if (!s.layers.length && !s.input && its.input) s.input = its.input;
    s.layers.push(item as InstV);
    // Keras 3 builds a Sequential as layers are added once its input is known.
    if (s.input) sequentialIO(rt, s);
  };
  Sequential.dict.set(
    '__init__',
    method('__init__', (self, args, kw, loc) => {
      const s = layerState(self);
      if (!s) return NONE;
      s.kind = 'sequential';
      s.className = 'Sequential';
      s.layers = [];
      const nameV = kw.get('name') ?? args[2];
      if (nameV?.t === 'str') s.name = nameV.v;
      const trainable = kw.get('trainable') ?? args[1];
      if (trainable?.t === 'bool') s.trainable = trainable.v;
      layerName(rt, s);
      const items = kw.get('layers') ?? args[0];
      if (items && (items.t === 'list' || items.t === 'tuple')) for (const it of items.items) add(self, it, loc);
      else if (items && items.t !== 'none') {
        rt.warn('keras-sequential', 'Sequential: could not evaluate the list of layers', loc);
        s.broken = 'its layers could not be evaluated';
      }
      const decl = declFromKwargs(rt, (n) => kw.get(n), loc);
      if (decl && !s.input) {
        s.input = [decl];
        sequentialIO(rt, s);
      }
      return NONE;
    }),
  );
  Sequential.dict.set('add', method('add', (self, args, _kw, loc) => (add(self, args[0] ?? NONE, loc), NONE)));
  Sequential.dict.set(
    'pop',
    method('pop', (self) => {
      const s = layerState(self);
      const last = s?.layers?.pop();
      if (s && s.builtLayers !== undefined && s.builtLayers > (s.layers?.length ?? 0)) {
        s.builtLayers = undefined;
        s.lastOutput = undefined;
      }
      return last ?? NONE;
    }),
  );

  // ---------------------------------------------------------------- keras.applications
  const applications = new Map<string, Value>();
  const appClasses = new Map<string, ClassV>();
  const construct = (a: KerasApplication, kw: Kw, loc: Loc): Value => {
    let cls = appClasses.get(a.name);
    if (!cls) {
      cls = interp.makeClass(a.name, [Model], new Map(), 'keras.applications');
      cls.builtin = a.name;
      appClasses.set(a.name, cls);
    }
    const s: LayerState = { kind: 'application', className: a.name, app: a, weights: [], built: false, trainable: true, loc, args: {} };
    if (interp.file) s.file = interp.file;
    for (const [k, v] of kw) s.args![k] = rt.toArg(v, loc);
    const nameV = kw.get('name');
    s.name = nameV?.t === 'str' ? nameV.v : a.name.toLowerCase();
    const self: InstV = { t: 'inst', cls, dict: new Map(), native: s };
    rt.created.push(self);
    // Keras builds the model on its own Input (or on input_tensor): its weights exist at once.
    const given = kw.get('input_tensor');
    let input: Value;
    if (given && tensorState(given)) input = given;
    else {
      const shape = rt.shapeArg(kw.get('input_shape'));
      const dims = shape && shape.length === 3 && shape.every((x) => x !== null) ? (shape as number[]) : a.defaultInput;
      input = interp.call(rt.classes.InputLayer, [], new Map([['shape', tuple(dims.map((x) => int(x)))]]), loc);
      input = layerState(input)?.tensor ?? input;
    }
    const output = callLayer(rt, self, [input], new Map(), loc);
    s.graph = { inputs: rt.flattenTensors(input), inputStructure: input, outputs: output, nodes: [], inputLayers: [] };
    s.input = [declFromTensor(input, loc, given ? 'Input' : 'application')!];
    return self;
  };
  /** The architecture written out in Python, when there is one: the model with its real layers. */
  const build = (a: KerasApplication, kw: Kw, loc: Loc): Value | undefined => {
    if (!ARCHITECTURES.has(a.name)) return undefined;
    const fn = architecturesModule(rt).dict.get(a.name);
    if (!fn) return undefined;
    const file = interp.file;
    const model = interp.call(fn, [], kw, loc);
    const s = layerState(model);
    if (!s || s.kind !== 'functional') return undefined;
    s.className = a.name;
    s.app = a;
    // Rows point at the constructor call in the user's file, not into the architecture's source.
    s.loc = loc;
    const given = kw.get('input_tensor');
    const own = !given || given.t === 'none';
    s.input = s.input?.map((d) => ({ ...d, loc, how: own ? 'application' : d.how }));
    if (file) s.file = file;
    else delete s.file;
    return model;
  };
  for (const a of KERAS_APPLICATIONS) {
    const order = a.name.startsWith('MobileNet') ? MOBILENET_POSITIONAL : APPLICATION_POSITIONAL;
    applications.set(
      a.name,
      native(a.name, (args, kw, loc) => {
        const named = new Map(kw);
        args.forEach((v, i) => {
          const p = order[i];
          if (p && !named.has(p)) named.set(p, v);
        });
        return build(a, named, loc) ?? construct(a, named, loc);
      }),
    );
  }
  return { Model, Sequential, applications };
}

/** The architectures' Python module, run once per session. */
function architecturesModule(rt: KerasRuntime): ModuleV {
  if (!rt.architectures) {
    const mod: ModuleV = { t: 'module', name: 'keras.applications.architectures', dict: new Map(), file: ARCHITECTURES_FILE };
    mod.dict.set('__name__', { t: 'str', v: mod.name });
    rt.interp.runModule(mod, parseModule(ARCHITECTURES_SOURCE).body);
    rt.architectures = mod;
  }
  return rt.architectures;
}

/** Positional parameters of most keras.applications constructors, and of the MobileNets. */
const APPLICATION_POSITIONAL = ['include_top', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation'];
const MOBILENET_POSITIONAL = ['input_shape', 'alpha'];
