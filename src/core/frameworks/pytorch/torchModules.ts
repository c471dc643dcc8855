/**
 * The `torch` package as the interpreter sees it: torch, torch.nn (catalog
 * layers, containers, and the composite modules of the catalog's Python
 * prelude), torch.nn.functional, torch.nn.init, torch.utils.checkpoint,
 * torch.jit, and LightningModule. Built once per session.
 */
import type { Loc } from '../../python/ast';
import type { Interp } from '../../python/interp';
import { parseModule } from '../../python/parseModule';
import type { ModuleFactory } from '../../python/stdlib';
import { NONE, bool, float, int, native, tuple, unknown, type ClassV, type ModuleV, type TensorV, type Value } from '../../python/values';
import type { LayerSpec } from '../layerSpec';
import { TORCH_LAYERS, TORCH_PRELUDE } from './catalog/index';
import { functionalOps, indexTensor, reshapeTensor, tensorAttr, tensorMethods, torchFunctions, type Op } from './functional';
import { einopsModules } from './einops';
import { buildNn, type NnClasses } from './nnModule';
import { TorchRuntime } from './runtime';
import { WRAPPERS_MODULE, WRAPPERS_SOURCE } from './wrappers';

const DTYPES: Array<[string, string]> = [
  ['float32', 'float32'],
  ['float', 'float32'],
  ['float16', 'float16'],
  ['half', 'float16'],
  ['bfloat16', 'bfloat16'],
  ['float64', 'float64'],
  ['double', 'float64'],
  ['int64', 'int64'],
  ['long', 'int64'],
  ['int32', 'int32'],
  ['int', 'int32'],
  ['int16', 'int16'],
  ['int8', 'int8'],
  ['uint8', 'uint8'],
  ['bool', 'bool'],
  ['complex64', 'complex64'],
  ['float8_e4m3fn', 'float8'],
];

export interface TorchPackage {
  rt: TorchRuntime;
  nn: NnClasses;
  modules: Map<string, ModuleV>;
  /** Classes defined by the prelude (TransformerEncoderLayer ...). */
  preludeClasses: Set<ClassV>;
}

/** `prefix`: how people spell the module in a call ("F." for torch.nn.functional), which op nodes show. */
function opsModule(rt: TorchRuntime, name: string, prefix: string, ops: Map<string, Op>): ModuleV {
  const m: ModuleV = { t: 'module', name, dict: new Map() };
  for (const [k, op] of ops) m.dict.set(k, native(k, (args, kw, loc) => rt.calling(`${prefix}${k}`, () => op(rt, args, kw, loc))));
  return m;
}

/** Python operators on tensors, as the Tensor methods they call (the reflected ones when the tensor is on the right). */
const OPERATOR_METHODS: Record<string, [string, string]> = {
  '+': ['__add__', '__radd__'],
  '-': ['__sub__', '__rsub__'],
  '*': ['__mul__', '__rmul__'],
  '/': ['__truediv__', '__rtruediv__'],
  '@': ['__matmul__', '__rmatmul__'],
  '**': ['__pow__', '__rpow__'],
  '%': ['__mod__', '__rmod__'],
  '//': ['__floordiv__', '__rfloordiv__'],
  '&': ['__and__', '__rand__'],
  '|': ['__or__', '__ror__'],
};

/** A context manager value (`with torch.no_grad():`) that is also a decorator. */
function context(name: string, enter: () => void, exit: () => void): Value {
  return {
    t: 'opaque',
    kind: 'context',
    name,
    attrs: new Map<string, Value>([
      ['__enter__', native('__enter__', () => (enter(), NONE))],
      ['__exit__', native('__exit__', () => (exit(), NONE))],
      ['__call__', native('__call__', (args) => args[0] ?? NONE)],
    ]),
  };
}

export function buildTorch(interp: Interp, rows: LayerSpec[] = TORCH_LAYERS, prelude: string = TORCH_PRELUDE): TorchPackage {
  const rt = new TorchRuntime(interp);
  rt.reshape = (x, shape) => reshapeTensor(rt, x, shape);
  const nn = buildNn(rt, rows);
  const modules = new Map<string, ModuleV>();
  const methods = tensorMethods();

  // Tensor class: isinstance(x, torch.Tensor), and the tensor hooks of the interpreter.
  const Tensor = interp.makeClass('Tensor', [interp.objectClass], new Map(), 'torch');
  Tensor.native = { isInstance: (v) => v.t === 'tensor' };
  rt.tensorClass = Tensor;
  interp.valueClasses.set('tensor', Tensor);
  /** A tensor method's op, run for the Python operator `method` ("__matmul__"). */
  const callOp = (name: string, args: Value[], loc: Loc, method: string): Value => {
    const op = methods.get(name);
    return op ? rt.calling(`Tensor.${method}`, () => op(rt, args, new Map(), loc)) : unknown(name);
  };
  const BIN: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '@': 'matmul', '**': 'pow', '%': 'remainder', '//': 'floor_divide', '&': 'logical_and', '|': 'logical_or' };
  const CMP: Record<string, string> = { '==': 'eq', '!=': 'ne', '<': 'lt', '>': 'gt', '<=': 'le', '>=': 'ge' };
  interp.tensors = {
    attr: (t, name, loc) => {
      const a = tensorAttr(rt, t, name);
      if (a !== undefined) return a;
      const op = methods.get(name);
      if (op) return native(name, (args, kw, l) => rt.calling(`Tensor.${name}`, () => op(rt, [t, ...args], kw, l)));
      return interp.unknownAt(`tensor attribute '${name}'`, loc, 'unknown-attribute');
    },
    binop: (op, a, b, loc) => {
      const name = BIN[op];
      const methodName = OPERATOR_METHODS[op];
      // An operator without a rule loses the shape: say so, or later layers go quietly blank.
      if (!name || !methodName) return interp.unknownAt(`tensor operator ${op}`, loc);
      const [method, reflected] = methodName;
      if (op === '-' && a.t !== 'tensor') return callOp('sub', [b, a], loc, reflected);
      if (op === '/' && a.t !== 'tensor') return callOp('div', [b, a], loc, reflected);
      if ((op === '**' || op === '%' || op === '//') && a.t !== 'tensor') return callOp(name, [b, a], loc, reflected);
      return a.t === 'tensor' ? callOp(name, [a, b], loc, method) : callOp(name, [b, a], loc, reflected);
    },
    unary: (op, t, loc) => (op === '-' ? callOp('neg', [t], loc, '__neg__') : op === '~' ? callOp('logical_not', [t], loc, '__invert__') : t),
    getitem: (t, key, loc) => rt.calling('Tensor.__getitem__', () => indexTensor(rt, t, key, loc)),
    iter: (t, loc) => {
      const n = t.shape?.[0];
      if (n === undefined || !t.shape!.length || n > 4096) return undefined;
      return Array.from({ length: n }, (_v, i) => indexTensor(rt, t, int(i), loc));
    },
    compare: (op, a, b, loc) => {
      const name = CMP[op];
      if (!name) return interp.unknownAt(`tensor comparison ${op}`, loc);
      const method = `__${name}__`;
      return a.t === 'tensor' ? callOp(name, [a, b], loc, method) : callOp(name, [b, a], loc, method);
    },
  };
  interp.tensorScalar = (t: TensorV, kind) => unknown(`${kind}(tensor of shape ${t?.shape ? `[${t.shape.join(', ')}]` : '?'})`);

  // torch.nn.functional and torch.nn.init
  const F = opsModule(rt, 'torch.nn.functional', 'F.', functionalOps());
  modules.set('torch.nn.functional', F);
  const init: ModuleV = { t: 'module', name: 'torch.nn.init', dict: new Map(), getattr: (n) => native(n, (args) => (n === 'calculate_gain' ? float(1) : args[0] ?? NONE)) };
  modules.set('torch.nn.init', init);

  // torch.nn
  const nnMod: ModuleV = { t: 'module', name: 'torch.nn', dict: new Map() };
  const d = nnMod.dict;
  d.set('Module', nn.Module);
  d.set('Parameter', nn.Parameter);
  d.set('Sequential', nn.Sequential);
  d.set('ModuleList', nn.ModuleList);
  d.set('ModuleDict', nn.ModuleDict);
  d.set('ParameterList', nn.ParameterList);
  d.set('ParameterDict', nn.ParameterDict);
  for (const [name, cls] of nn.layers) d.set(name, cls);
  d.set('functional', F);
  d.set('init', init);
  d.set('modules', nnMod);
  const utils: ModuleV = { t: 'module', name: 'torch.nn.utils', dict: new Map(), unknownLib: 'torch.nn.utils' };
  utils.dict.set('parametrizations', { t: 'module', name: 'torch.nn.utils.parametrizations', dict: new Map(), unknownLib: 'torch.nn.utils' });
  for (const n of ['weight_norm', 'spectral_norm', 'clip_grad_norm_', 'clip_grad_value_']) utils.dict.set(n, native(n, (args) => args[0] ?? NONE));
  // Packed sequences are traced as the padded tensor they pack (the RNN's work is bounded by it).
  const rnnUtils: ModuleV = { t: 'module', name: 'torch.nn.utils.rnn', dict: new Map(), unknownLib: 'torch.nn.utils.rnn' };
  rnnUtils.dict.set('pack_padded_sequence', native('pack_padded_sequence', (args, kw) => args[0] ?? kw.get('input') ?? NONE));
  rnnUtils.dict.set('pad_packed_sequence', native('pad_packed_sequence', (args, kw) => tuple([args[0] ?? kw.get('sequence') ?? NONE, unknown('lengths')])));
  utils.dict.set('rnn', rnnUtils);
  modules.set('torch.nn.utils.rnn', rnnUtils);
  d.set('utils', utils);
  modules.set('torch.nn', nnMod);
  modules.set('torch.nn.modules', nnMod);
  modules.set('torch.nn.modules.module', nnMod);
  modules.set('torch.nn.parameter', nnMod);
  modules.set('torch.nn.utils', utils);

  // torch
  const torch = opsModule(rt, 'torch', 'torch.', torchFunctions());
  const t = torch.dict;
  t.set('nn', nnMod);
  t.set('Tensor', Tensor);
  t.set('FloatTensor', Tensor);
  t.set('LongTensor', Tensor);
  t.set('BoolTensor', Tensor);
  t.set('Size', interp.builtins.get('tuple')!);
  t.set('__version__', { t: 'str', v: '2.1.0' });
  for (const [k, v] of DTYPES) t.set(k, { t: 'opaque', kind: 'dtype', name: v });
  t.set('finfo', native('finfo', () => ({ t: 'opaque', kind: 'finfo', name: 'finfo', attrs: new Map<string, Value>([['min', float(-3.4028234663852886e38)], ['max', float(3.4028234663852886e38)], ['eps', float(1.1920928955078125e-7)]]) })));
  // Calls made for their side effects: nothing to evaluate.
  for (const n of ['save', 'set_float32_matmul_precision', 'set_default_dtype', 'set_num_threads', 'set_printoptions', 'use_deterministic_algorithms', 'set_grad_enabled', 'seed']) {
    t.set(n, native(n, () => NONE));
  }
  t.set('load', native('load', () => unknown('torch.load')));
  t.set('device', native('device', (args) => ({ t: 'opaque', kind: 'device', name: args[0]?.t === 'str' ? args[0].v : 'cpu' })));
  const noGrad = () => context('no_grad', () => rt.trace && rt.trace.noGrad++, () => rt.trace && rt.trace.noGrad--);
  t.set('no_grad', native('no_grad', noGrad));
  t.set('inference_mode', native('inference_mode', noGrad));
  t.set('enable_grad', native('enable_grad', () => context('enable_grad', () => undefined, () => undefined)));
  t.set('autocast', native('autocast', () => context('autocast', () => undefined, () => undefined)));
  const cuda: ModuleV = { t: 'module', name: 'torch.cuda', dict: new Map(), unknownLib: 'torch.cuda' };
  cuda.dict.set('is_available', native('is_available', () => bool(false)));
  cuda.dict.set('device_count', native('device_count', () => int(0)));
  cuda.dict.set('is_bf16_supported', native('is_bf16_supported', () => bool(false)));
  const amp: ModuleV = { t: 'module', name: 'torch.cuda.amp', dict: new Map(), unknownLib: 'torch.cuda.amp' };
  amp.dict.set('autocast', t.get('autocast')!);
  cuda.dict.set('amp', amp);
  t.set('cuda', cuda);
  t.set('backends', { t: 'module', name: 'torch.backends', dict: new Map(), unknownLib: 'torch.backends' });
  const identity = (n: string) => native(n, (args) => args[0] ?? NONE);
  const jit: ModuleV = { t: 'module', name: 'torch.jit', dict: new Map(), unknownLib: 'torch.jit' };
  for (const n of ['script', 'trace', 'ignore', 'unused', 'export', 'script_method', 'interface']) jit.dict.set(n, identity(n));
  jit.dict.set('is_scripting', native('is_scripting', () => bool(false)));
  jit.dict.set('is_tracing', native('is_tracing', () => bool(false)));
  t.set('jit', jit);
  const checkpointMod: ModuleV = { t: 'module', name: 'torch.utils.checkpoint', dict: new Map() };
  checkpointMod.dict.set(
    'checkpoint',
    native('checkpoint', (args, kw, loc) => {
      const rest = new Map(kw);
      rest.delete('use_reentrant');
      rest.delete('preserve_rng_state');
      return interp.call(args[0] ?? NONE, args.slice(1), rest, loc);
    }),
  );
  checkpointMod.dict.set('checkpoint_sequential', native('checkpoint_sequential', (args, _kw, loc) => interp.call(args[0] ?? NONE, args.slice(2), new Map(), loc)));
  const torchUtils: ModuleV = { t: 'module', name: 'torch.utils', dict: new Map([['checkpoint', checkpointMod]]), unknownLib: 'torch.utils' };
  t.set('utils', torchUtils);
  t.set('_C', { t: 'module', name: 'torch._C', dict: new Map(), unknownLib: 'torch._C' });
  t.set('distributed', { t: 'module', name: 'torch.distributed', dict: new Map(), unknownLib: 'torch.distributed' });
  t.set('optim', { t: 'module', name: 'torch.optim', dict: new Map(), unknownLib: 'torch.optim' });
  modules.set('torch', torch);
  modules.set('torch.cuda', cuda);
  modules.set('torch.cuda.amp', amp);
  modules.set('torch.jit', jit);
  modules.set('torch.utils', torchUtils);
  modules.set('torch.utils.checkpoint', checkpointMod);
  modules.set('torch.optim', t.get('optim') as ModuleV);
  modules.set('torch.distributed', t.get('distributed') as ModuleV);

  // Lightning: LightningModule is an nn.Module.
  const lightningModule = interp.makeClass('LightningModule', [nn.Module], new Map(), 'lightning');
  for (const n of ['save_hyperparameters', 'log', 'log_dict']) lightningModule.dict.set(n, native(n, () => NONE, true));
  const lightning: ModuleV = { t: 'module', name: 'lightning', dict: new Map<string, Value>([['LightningModule', lightningModule]]), unknownLib: 'lightning' };
  lightning.dict.set('pytorch', lightning);
  modules.set('lightning', lightning);
  modules.set('lightning.pytorch', lightning);
  modules.set('pytorch_lightning', { ...lightning, name: 'pytorch_lightning', unknownLib: 'pytorch_lightning' });

  for (const [k, v] of einopsModules(rt, nn.Module)) modules.set(k, v);

  // The prelude: composite modules written in Python, evaluated as part of torch.nn.
  const preludeClasses = new Set<ClassV>();
  const pkg: TorchPackage = { rt, nn, modules, preludeClasses };
  const preludeMod: ModuleV = { t: 'module', name: 'torch.nn.modules.transformer', dict: new Map(), file: '<torch.nn>' };
  modules.set('torch.nn.modules.transformer', preludeMod);
  const wrappersMod: ModuleV = { t: 'module', name: WRAPPERS_MODULE, dict: new Map(), file: '<torch.nn.parallel>' };
  modules.set(WRAPPERS_MODULE, wrappersMod);
  d.set('parallel', wrappersMod);
  const runPrelude = (): void => {
    if (!prelude) return;
    const ast = parseModule(prelude);
    const saved = interp.sink;
    interp.sink = { findings: [], partial: false, seen: new Set() };
    try {
      interp.runModule(preludeMod, ast.body);
    } finally {
      interp.sink = saved;
    }
    for (const [k, v] of preludeMod.dict) {
      if (v.t === 'class' && v.module === 'torch.nn.modules.transformer') {
        v.builtin = v.name;
        v.file = undefined;
        preludeClasses.add(v);
        d.set(k, v);
      } else if (k === '_get_clones' || k === '_get_activation_fn') d.set(k, v);
    }
    interp.sink = { findings: [], partial: false, seen: new Set() };
    try {
      interp.runModule(wrappersMod, parseModule(WRAPPERS_SOURCE).body);
    } finally {
      interp.sink = saved;
    }
    for (const [k, v] of wrappersMod.dict) {
      if (v.t !== 'class' || v.module !== WRAPPERS_MODULE) continue;
      v.builtin = v.name;
      v.file = undefined;
      d.set(k, v);
    }
  };
  pkg.runPrelude = runPrelude;
  return pkg;
}

export interface TorchPackage {
  /** Run the Python prelude once the modules are registered (its imports need them). */
  runPrelude?: () => void;
}

/** Module factories for the session: every torch module, built on the first import of any. */
export function torchModuleFactories(getPackage: (interp: Interp) => TorchPackage): Map<string, ModuleFactory> {
  const names = [
    'torch',
    'torch.nn',
    'torch.nn.functional',
    'torch.nn.init',
    'torch.nn.modules',
    'torch.nn.modules.module',
    'torch.nn.modules.transformer',
    'torch.nn.parallel',
    'torch.nn.parameter',
    'torch.nn.utils',
    'torch.nn.utils.rnn',
    'torch.cuda',
    'torch.cuda.amp',
    'torch.jit',
    'torch.utils',
    'torch.utils.checkpoint',
    'torch.optim',
    'torch.distributed',
    'lightning',
    'lightning.pytorch',
    'pytorch_lightning',
    'einops',
    'einops.layers',
    'einops.layers.torch',
  ];
  const out = new Map<string, ModuleFactory>();
  for (const n of names) out.set(n, (interp) => getPackage(interp).modules.get(n)!);
  return out;
}
