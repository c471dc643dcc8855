/**
 * The `keras`, `tensorflow` and `tf_keras` packages as the interpreter sees
 * them, built once per session: keras.layers (catalog classes, Input, Lambda,
 * merge helpers, layers.experimental.preprocessing), keras.models,
 * keras.applications, keras.ops / activations / backend / random, and tf.*
 * with its nn, math, linalg, image and random namespaces. Everything else
 * (optimizers, losses, callbacks, datasets, utils ...) reads as quiet unknowns:
 * it does not change what the model holds.
 */
import type { Interp } from '../../../python/interp';
import type { ModuleFactory } from '../../../python/stdlib';
import { NONE, native, str, unknown, type ModuleV, type Value } from '../../../python/values';
import { perInterpreter } from '../../perInterpreter';
import { KERAS_APPLICATIONS } from '../applications';
import { KERAS_LAYERS } from '../catalog';
import { buildLayerClasses } from './layers';
import { buildModelClasses } from './models';
import { applyOp } from './opLayers';
import { OPS, canonicalOpName, findOp, type Op } from './ops';
import { KerasRuntime } from './runtime';
import { buildTensorClasses } from './tensors';
import { tensorState, type WeightRec } from './state';

export interface KerasPackage {
  rt: KerasRuntime;
  modules: Map<string, ModuleV>;
}

function mod(name: string, entries: Iterable<[string, Value]> = [], getattr?: (n: string) => Value | undefined): ModuleV {
  const m: ModuleV = { t: 'module', name, dict: new Map(entries) };
  if (getattr) m.getattr = getattr;
  return m;
}

/** Submodules people import from the quiet namespaces (`from keras.preprocessing.image import ...`). */
const QUIET_SUBMODULES: Record<string, string[]> = {
  preprocessing: ['image', 'sequence', 'text'],
  optimizers: ['schedules', 'legacy', 'experimental'],
  datasets: ['mnist', 'fashion_mnist', 'cifar10', 'cifar100', 'imdb', 'reuters', 'boston_housing', 'california_housing'],
  utils: ['data_utils', 'generic_utils', 'layer_utils', 'vis_utils'],
  mixed_precision: ['experimental'],
  data: ['experimental'],
  callbacks: ['experimental'],
};

/** A namespace whose attributes do not matter for the model: every read is a quiet unknown. */
function quiet(name: string): ModuleV {
  const m: ModuleV = { t: 'module', name, dict: new Map(), unknownLib: name };
  for (const sub of QUIET_SUBMODULES[name.split('.').pop()!] ?? []) m.dict.set(sub, quiet(`${name}.${sub}`));
  return m;
}

function opValue(rt: KerasRuntime, name: string, op: Op): Value {
  return native(name, (args, kw, loc) => applyOp(rt, name, op, args, kw, loc));
}

/** A module of ops: known names are ops, other names are quiet unknowns. */
function opsModule(rt: KerasRuntime, name: string, extra: Iterable<[string, Value]> = []): ModuleV {
  return mod(name, extra, (n) => {
    const op = findOp(n);
    return op ? opValue(rt, canonicalOpName(n), op) : unknown(`${name}.${n}`);
  });
}

function context(name: string): Value {
  return {
    t: 'opaque',
    kind: 'context',
    name,
    attrs: new Map<string, Value>([
      ['__enter__', native('__enter__', () => unknown(name))],
      ['__exit__', native('__exit__', () => NONE)],
    ]),
  };
}

const DTYPES = ['float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool', 'string'];

export function buildKeras(interp: Interp): KerasPackage {
  const rt = new KerasRuntime(interp);
  const tensors = buildTensorClasses(rt, interp);
  const models = { current: undefined as undefined | ReturnType<typeof buildModelClasses> };
  const layerClasses = buildLayerClasses(rt, interp, KERAS_LAYERS, () => models.current!.Model);
  models.current = buildModelClasses(rt, interp, layerClasses.Layer);
  const { Model, Sequential, applications } = models.current;
  rt.classes = {
    Layer: layerClasses.Layer,
    Model,
    Sequential,
    Functional: Model,
    InputLayer: layerClasses.InputLayer,
    KerasTensor: tensors.KerasTensor,
    Variable: tensors.Variable,
  };

  // keras.layers
  const layerEntries: Array<[string, Value]> = [
    ...layerClasses.catalog,
    ['Layer', layerClasses.Layer],
    ['InputLayer', layerClasses.InputLayer],
    ['Input', layerClasses.input],
    ['Lambda', layerClasses.Lambda],
    ...layerClasses.helpers,
  ];
  const layersGetattr = (n: string): Value => (/^[A-Z]/.test(n) ? layerClasses.unknownLayer(n) : unknown(`keras.layers.${n}`));
  const preprocessing = mod('keras.layers.experimental.preprocessing', layerClasses.catalog, layersGetattr);
  const experimental = mod('keras.layers.experimental', [['preprocessing', preprocessing]], layersGetattr);
  const layers = mod('keras.layers', [...layerEntries, ['experimental', experimental]], layersGetattr);

  const modelsMod = mod('keras.models', [
    ['Sequential', Sequential],
    ['Model', Model],
  ], (n) => unknown(`keras.models.${n}`));

  // keras.applications and its submodules (keras.applications.resnet50.ResNet50 ...)
  const appSubmodules = new Map<string, ModuleV>();
  for (const a of KERAS_APPLICATIONS) {
    let sub = appSubmodules.get(a.module);
    if (!sub) {
      sub = mod(`keras.applications.${a.module}`, [], (n) => unknown(`keras.applications.${a.module}.${n}`));
      sub.dict.set('preprocess_input', native('preprocess_input', (args) => args[0] ?? NONE));
      appSubmodules.set(a.module, sub);
    }
    sub.dict.set(a.name, applications.get(a.name)!);
  }
  const applicationsMod = mod('keras.applications', [...applications, ...appSubmodules], (n) => {
    if (/^[A-Z]/.test(n)) interp.finding('info', 'keras-application', `keras.applications.${n} is not catalogued: its size is unknown`);
    return unknown(`keras.applications.${n}`);
  });

  const opsMod = opsModule(rt, 'keras.ops');
  const activations = opsModule(rt, 'keras.activations', [['get', native('get', (args) => args[0] ?? NONE)]]);
  const dataFormat: Array<[string, Value]> = [
    ['image_data_format', native('image_data_format', () => str(rt.imageDataFormat))],
    [
      'set_image_data_format',
      native('set_image_data_format', (args) => {
        const v = args[0];
        if (v?.t === 'str' && (v.v === 'channels_first' || v.v === 'channels_last')) rt.imageDataFormat = v.v;
        return NONE;
      }),
    ],
  ];
  const backend = opsModule(rt, 'keras.backend', [
    ['clear_session', native('clear_session', () => (rt.names.reset(), NONE))],
    ...dataFormat,
    ['set_floatx', native('set_floatx', () => NONE)],
    ['floatx', native('floatx', () => str('float32'))],
  ]);
  const config = mod('keras.config', dataFormat, (n) => unknown(`keras.config.${n}`));
  const random = opsModule(rt, 'keras.random', [
    ['normal', opValue(rt, 'normal', OPS.zeros!)],
    ['uniform', opValue(rt, 'uniform', OPS.zeros!)],
    ['truncated_normal', opValue(rt, 'truncated_normal', OPS.zeros!)],
    ['dropout', opValue(rt, 'dropout', OPS.dropout!)],
  ]);

  const keras = mod('keras', [
    ['layers', layers],
    ['models', modelsMod],
    ['applications', applicationsMod],
    ['ops', opsMod],
    ['activations', activations],
    ['backend', backend],
    ['random', random],
    ['Sequential', Sequential],
    ['Model', Model],
    ['Input', layerClasses.input],
    ['Layer', layerClasses.Layer],
    ['config', config],
    ...['optimizers', 'losses', 'metrics', 'callbacks', 'regularizers', 'initializers', 'constraints', 'utils', 'datasets', 'preprocessing', 'mixed_precision', 'saving', 'export', 'distribution', 'wrappers', 'estimator', 'dtensor', 'quantizers', 'visualization', 'tree'].map((n) => [n, quiet(`keras.${n}`)] as [string, Value]),
  ], (n) => unknown(`keras.${n}`));

  // tensorflow
  const variable = native('Variable', (args, kw, loc) => {
    const init = kw.get('initial_value') ?? args[0];
    const s = tensorState(init);
    const shape = s?.shape ?? (init?.t === 'int' || init?.t === 'float' ? [] : rt.shapeArg(init));
    if (!shape || shape.some((d) => d === null)) {
      rt.warn('keras-weight', 'tf.Variable: could not evaluate the shape of its initial value', loc);
      return unknown('tf.Variable');
    }
    const t = kw.get('trainable');
    const w: WeightRec = { name: 'variable', shape: shape as number[], trainable: !(t?.t === 'bool' && !t.v) };
    return rt.variable(w);
  });
  const tfFunction = native('function', (args) => args[0] ?? native('function', (a) => a[0] ?? NONE));
  const dtypes: Array<[string, Value]> = DTYPES.map((d) => [d, { t: 'opaque', kind: 'dtype', name: d }]);
  const tf = opsModule(rt, 'tensorflow', [
    ['keras', keras],
    ['nn', opsModule(rt, 'tensorflow.nn')],
    ['math', opsModule(rt, 'tensorflow.math')],
    ['linalg', opsModule(rt, 'tensorflow.linalg')],
    ['image', opsModule(rt, 'tensorflow.image')],
    ['random', opsModule(rt, 'tensorflow.random', [
      ['normal', opValue(rt, 'normal', OPS.zeros!)],
      ['uniform', opValue(rt, 'uniform', OPS.zeros!)],
      ['truncated_normal', opValue(rt, 'truncated_normal', OPS.zeros!)],
    ])],
    ['Variable', variable],
    ['function', tfFunction],
    ['GradientTape', native('GradientTape', () => context('GradientTape'))],
    ['device', native('device', () => context('device'))],
    ['name_scope', native('name_scope', () => context('name_scope'))],
    ...dtypes,
    ...['config', 'data', 'io', 'summary', 'distribute', 'saved_model', 'train', 'test', 'compat', 'experimental', 'lite', 'debugging', 'errors', 'strings', 'sparse', 'ragged', 'signal', 'audio', 'tpu', 'sysconfig', 'autograph', 'feature_column', 'estimator', 'dtypes'].map((n) => [n, quiet(`tensorflow.${n}`)] as [string, Value]),
  ]);

  const modules = new Map<string, ModuleV>([
    ['keras', keras],
    ['tf_keras', keras],
    ['tensorflow', tf],
  ]);
  return { rt, modules };
}

const packages = perInterpreter(buildKeras);

/** One Keras package per interpreter session, built on the first import. */
export function kerasPackage(interp: Interp): KerasPackage {
  return packages.get(interp);
}

/** The session's Keras package when the document (or an earlier one) imported Keras. */
export function existingKerasPackage(interp: Interp): KerasPackage | undefined {
  return packages.existing(interp);
}

/** Module factories for the registry: `import keras`, `import tensorflow`, `import tf_keras`. */
export function kerasFactories(): Map<string, ModuleFactory> {
  const f = (name: string): ModuleFactory => (interp) => kerasPackage(interp).modules.get(name)!;
  return new Map([
    ['keras', f('keras')],
    ['tf_keras', f('tf_keras')],
    ['tensorflow', f('tensorflow')],
  ]);
}
