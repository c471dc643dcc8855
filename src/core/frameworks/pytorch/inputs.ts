/**
 * The input a torch model is traced with, from the sources DESIGN.md ranks:
 * a `# profile:` comment, an example call in the file, the settings, then
 * inference from the first layer plus dataset hints (MNIST 1×28×28, CIFAR
 * 3×32×32, else 3×224×224 for images; token ids for embeddings).
 */
import type { InputSpec, ProfileOverrides, Shape } from '../../graph';
import type { EstimateOptions } from '../../options';
import type { InstV, TensorV, Value } from '../../python/values';
import type { Expr } from '../../python/ast';
import type { ArgValue } from '../layerSpec';
import type { TorchRuntime } from './runtime';
import { withoutPinned } from '../../profileComment';

export interface ExampleCall {
  args: Value[];
  kwargs: Map<string, Value>;
  line: number;
}

export interface ResolvedInput {
  args: Value[];
  kwargs: Map<string, Value>;
  spec: InputSpec;
  /** Other inputs to try, in order, when the first one does not fit the model (inferred inputs only). */
  alternatives?: Array<{ shape: Shape; description: string }>;
  /** Example inputs: the call's arguments as written, and the `# profile:` batch that replaced their first dimension. */
  example?: { args: Value[]; kwargs: Map<string, Value>; batch?: number };
}

/** Sequence length when nothing says otherwise (the seqLength setting's documented default). */
export const DEFAULT_SEQ = 512;
/** Longest context taken from a model's own maximum by default. */
export const MAX_DEFAULT_SEQ = 2048;

export interface DatasetHint {
  size: number;
  name: string;
}

/** The last document's hint: every model of a file asks for it, and the scan is over the whole text. */
let lastHint: { text: string; hint: DatasetHint } | undefined;

/** Dataset names in the source decide the image size of an inferred input. */
export function datasetHint(text: string): DatasetHint {
  if (lastHint?.text === text) return { ...lastHint.hint };
  const hint = scanDatasetNames(text);
  lastHint = { text, hint };
  return { ...hint };
}

function scanDatasetNames(text: string): DatasetHint {
  // One cheap pass first: most files name no dataset, and the word-bounded patterns are slow on long text.
  if (!/mnist|cifar|stl-?10/i.test(text)) return { size: 224, name: 'ImageNet' };
  if (/\b(Fashion|K|E|Q)?MNIST\b/i.test(text)) return { size: 28, name: 'MNIST' };
  if (/\bCIFAR-?(10|100)?\b/i.test(text)) return { size: 32, name: 'CIFAR' };
  if (/\bSTL-?10\b/i.test(text)) return { size: 96, name: 'STL-10' };
  return { size: 224, name: 'ImageNet' };
}

function num(a: ArgValue): number | undefined {
  return typeof a === 'number' ? a : undefined;
}

function shapeText(s: Shape): string {
  return s.join('×');
}

interface Inferred {
  shape: Shape;
  dtype: 'float' | 'int';
  description: string;
  seq?: number;
  alternatives?: Array<{ shape: Shape; description: string }>;
}

/** Find the first layer that fixes the input's shape (named_modules order). */
/** Calls in a function body, in source order. */
function* callsIn(node: unknown, depth = 0): Generator<Extract<Expr, { k: 'call' }>> {
  if (!node || typeof node !== 'object' || depth > 60) return;
  if (Array.isArray(node)) {
    for (const x of node) yield* callsIn(x, depth + 1);
    return;
  }
  const o = node as { k?: string };
  if (o.k === 'def' || o.k === 'class' || o.k === 'lambda') return;
  if (o.k === 'call') {
    const c = o as Extract<Expr, { k: 'call' }>;
    for (const a of c.args) yield* callsIn(a.x, depth + 1);
    yield c;
    return;
  }
  for (const [key, v] of Object.entries(o)) if (key !== 'loc' && v && typeof v === 'object') yield* callsIn(v, depth + 1);
}

/**
 * The submodule that forward() applies to its first argument (`self.inc(x)`), so that the
 * input is inferred from the layer that reads it rather than the first one registered.
 */
function firstConsumer(rt: TorchRuntime, model: InstV, depth = 0): Array<[string, InstV]> | undefined {
  const fwd = rt.interp.lookupClass(model.cls, 'forward');
  if (!fwd || fwd.t !== 'func' || !fwd.def || depth > 3) return undefined;
  const first = fwd.params.filter((p) => p.kind === 'pos')[1]?.name;
  if (!first) return undefined;
  for (const c of callsIn(fwd.def.body)) {
    const fn = c.fn;
    const a0 = c.args[0];
    if (fn.k !== 'attr' || fn.obj.k !== 'name' || fn.obj.id !== 'self' || !a0 || a0.kind !== 'pos' || a0.x.k !== 'name' || a0.x.id !== first) continue;
    const name = fn.name;
    const sub = rt.state(model)?.modules.get(name);
    if (!sub) continue;
    if (rt.state(sub)?.spec) return [[name, sub]];
    const inner = firstConsumer(rt, sub, depth + 1);
    const prefix = (p: string) => (p ? `${name}.${p}` : name);
    return (inner ?? rt.namedModules(sub)).map(([p, m]) => [prefix(p), m] as [string, InstV]);
  }
  return undefined;
}

/** torch modules whose input is [seq, batch, ...] unless built with batch_first=True. */
const SEQUENCE_MODULES = new Set(['LSTM', 'GRU', 'RNN', 'MultiheadAttention', 'Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer', 'TransformerDecoderLayer']);

/**
 * Whether the model's input is sequence-first ([seq, batch]): true when the layer that reads it
 * (or the first sequence layer after the Embedding that does) is an RNN or attention module
 * without batch_first=True, false when it is another layer, undefined when it cannot tell.
 */
function sequenceFirst(rt: TorchRuntime, model: InstV): boolean | undefined {
  const first = firstConsumer(rt, model);
  const mods = rt.namedModules(model);
  const typed = (list: Array<[string, InstV]>) => list.filter(([, m]) => rt.state(m)?.spec && rt.state(m)?.args);
  const reader = typed(first ?? mods)[0];
  if (!reader) return undefined;
  const batchFirst = (m: InstV): boolean => rt.state(m)!.args!.batch_first === true;
  const type = rt.state(reader[1])!.spec!.type;
  if (SEQUENCE_MODULES.has(type)) return !batchFirst(reader[1]);
  if (type !== 'Embedding') return false;
  const after = typed(mods.slice(mods.findIndex(([p]) => p === reader[0]) + 1)).find(([, m]) => SEQUENCE_MODULES.has(rt.state(m)!.spec!.type));
  return after ? !batchFirst(after[1]) : false;
}

function inferFromFirstLayer(rt: TorchRuntime, model: InstV, batch: number, seq: number, seqWhy: string, hint: DatasetHint): Inferred | undefined {
  const mods = firstConsumer(rt, model) ?? rt.namedModules(model);
  for (let i = 0; i < mods.length; i++) {
    const [path, m] = mods[i]!;
    const s = rt.state(m);
    if (!s?.spec || !s.args) continue;
    const a = s.args;
    const t = s.spec.type;
    const where = path ? `${t} '${path}'` : t;
    if (t === 'Embedding' || t === 'EmbeddingBag') {
      return { shape: [batch, seq], dtype: 'int', description: `token ids [${batch}, ${seq}] for ${where} (${seqWhy})`, seq };
    }
    if (t === 'Linear' || t === 'Bilinear') {
      const inF = num(a.in_features ?? a.in1_features);
      if (inF === undefined) return undefined;
      // A Linear that follows a Flatten takes flattened images: recover the image for the common sizes.
      const prev = mods.slice(0, i).some(([, x]) => rt.state(x)?.spec?.type === 'Flatten');
      const image = prev ? IMAGE_BY_FEATURES.get(inF) : undefined;
      if (image) return { shape: [batch, ...image], dtype: 'float', description: `${shapeText(image)} images flattened into ${where} (in_features=${inF})` };
      return { shape: [batch, inF], dtype: 'float', description: `${inF} features for ${where}`, alternatives: [sequenceOf(batch, seq, inF, where, seqWhy)] };
    }
    const conv = /^(Conv|ConvTranspose|LazyConv)([123])d$/.exec(t);
    if (conv) {
      const c = num(a.in_channels);
      if (c === undefined) return undefined;
      const rank = Number(conv[2]);
      const size = rank === 1 ? seq : hint.size;
      const spatial = rank === 3 ? [16, 112, 112] : Array(rank).fill(size);
      const why = rank === 2 ? `${hint.name} ${hint.size}×${hint.size}${hint.name === 'ImageNet' ? ' default' : ' hint'}` : rank === 1 ? seqWhy : 'video clip 16×112×112 default';
      const alternatives =
        rank === 2
          ? [224, 32, 28, 64, 96, 128, 256, 299, 512]
              .filter((x) => x !== hint.size)
              .map((x) => ({ shape: [batch, c, x, x], description: `${c}×${x}×${x} for ${where} (the image size its layers fit)` }))
          : undefined;
      return { shape: [batch, c, ...spatial], dtype: 'float', description: `${c}×${spatial.join('×')} for ${where} (${why})`, alternatives };
    }
    if (t === 'LSTM' || t === 'GRU' || t === 'RNN') {
      const f = num(a.input_size);
      if (f === undefined) return undefined;
      const bf = a.batch_first === true;
      const shape = bf ? [batch, seq, f] : [seq, batch, f];
      return { shape, dtype: 'float', description: `sequence of ${seq} steps × ${f} features for ${where}${bf ? '' : ' (sequence first)'} (${seqWhy})`, seq };
    }
    if (t === 'MultiheadAttention') {
      const d = num(a.embed_dim);
      if (d === undefined) return undefined;
      const bf = a.batch_first === true;
      return { shape: bf ? [batch, seq, d] : [seq, batch, d], dtype: 'float', description: `${seq} tokens × ${d} for ${where} (${seqWhy})`, seq };
    }
    if (t === 'BatchNorm1d' || t === 'LayerNorm') {
      const d = num(a.num_features) ?? (Array.isArray(a.normalized_shape) ? num(a.normalized_shape[0]!) : num(a.normalized_shape));
      if (d === undefined) return undefined;
      return { shape: [batch, d], dtype: 'float', description: `${d} features for ${where}`, alternatives: [sequenceOf(batch, seq, d, where, seqWhy)] };
    }
    if (t === 'BatchNorm2d' || t === 'GroupNorm' || t === 'InstanceNorm2d') {
      const c = num(a.num_features ?? a.num_channels);
      if (c === undefined) return undefined;
      return { shape: [batch, c, hint.size, hint.size], dtype: 'float', description: `${c}×${hint.size}×${hint.size} for ${where}` };
    }
  }
  return undefined;
}

/** The sequence form of a features input: [batch, seq, features] (attention blocks take these). */
function sequenceOf(batch: number, seq: number, f: number, where: string, seqWhy: string): { shape: Shape; description: string } {
  return { shape: [batch, seq, f], description: `${seq} tokens × ${f} features for ${where} (${seqWhy})` };
}

/** Common flattened image sizes: in_features -> [C, H, W]. */
const IMAGE_BY_FEATURES = new Map<number, Shape>([
  [784, [1, 28, 28]],
  [3072, [3, 32, 32]],
  [150528, [3, 224, 224]],
  [1024, [1, 32, 32]],
]);

const maxSeqCache = new WeakMap<InstV, { value: number | undefined }>();

/**
 * `block_size` / `max_position_embeddings` / `max_seq_len` found on the model, its direct
 * submodules, or a config object they hold.
 */
export function modelMaxSeq(rt: TorchRuntime, model: InstV): number | undefined {
  const hit = maxSeqCache.get(model);
  if (hit) return hit.value;
  const value = findMaxSeq(rt, model);
  maxSeqCache.set(model, { value });
  return value;
}

function findMaxSeq(rt: TorchRuntime, model: InstV): number | undefined {
  const names = ['block_size', 'max_position_embeddings', 'max_seq_len', 'max_seq_length', 'context_length', 'n_positions', 'n_ctx', 'max_len', 'seq_len'];
  const look = (v: Value, depth: number): number | undefined => {
    if (depth > 2 || v.t !== 'inst') return undefined;
    for (const n of names) {
      const x = v.dict.get(n) ?? rt.interp.lookupClass(v.cls, n);
      if (x && x.t === 'int' && x.v > 0n && x.v < 100_000_000n) return Number(x.v);
    }
    for (const [k, x] of v.dict) if (/config|cfg|args|params/i.test(k)) {
      const r = look(x, depth + 1);
      if (r) return r;
    }
    return undefined;
  };
  const r = look(model, 0);
  if (r) return r;
  for (const m of rt.state(model)?.modules.values() ?? []) {
    const x = m ? look(m, 0) : undefined;
    if (x) return x;
  }
  return undefined;
}

function rebatch(rt: TorchRuntime, t: TensorV, batch: number, exampleBatch: number, dim = 0): TensorV {
  if (!t.shape || t.shape.length <= dim || t.shape[dim] !== exampleBatch) return t;
  const shape = [...t.shape];
  shape[dim] = batch;
  return rt.tensor(shape, { dtype: t.dtype });
}

export function resolveInput(
  rt: TorchRuntime,
  model: InstV,
  opts: { options: EstimateOptions; profile?: ProfileOverrides; examples: ExampleCall[]; text: string },
): ResolvedInput | { missing: string } {
  const { options, examples } = opts;
  const profile = withoutPinned(opts.profile, options);
  const batch = profile?.batch ?? options.batch;
  const batchWhy = profile?.batch ? 'batch from # profile:' : 'batch from settings';
  const maxSeq = modelMaxSeq(rt, model);
  const seq = profile?.seq ?? options.seq ?? (maxSeq ? Math.min(maxSeq, MAX_DEFAULT_SEQ) : DEFAULT_SEQ);
  const seqWhy = profile?.seq ? 'seq from # profile:' : options.seq ? 'seq from settings' : maxSeq ? `the model's context of ${maxSeq}${maxSeq > MAX_DEFAULT_SEQ ? `, capped at ${MAX_DEFAULT_SEQ}` : ''}` : `default sequence length ${DEFAULT_SEQ}`;
  const hint = datasetHint(opts.text);
  const first = inferFromFirstLayer(rt, model, batch, seq, seqWhy, hint);
  const tokenModel = first?.dtype === 'int';

  const make = (shape: Shape, dtype: 'float' | 'int'): TensorV => rt.tensor(shape, { dtype: dtype === 'int' ? 'int64' : 'float32' });
  const spec = (shape: Shape, dtype: 'float' | 'int', source: InputSpec['source'], description: string, s?: number): InputSpec => {
    const out: InputSpec = { shapes: [shape], dtypes: [dtype], source, description, batch };
    if (s !== undefined) out.seq = s;
    return out;
  };

  // 1. # profile: input=(...) or seq=N
  if (profile?.input) {
    const shape = [batch, ...profile.input];
    const dtype = tokenModel && profile.input.length === 1 ? 'int' : 'float';
    const tokens = dtype === 'int' ? profile.input[0] : undefined;
    return { args: [make(shape, dtype)], kwargs: new Map(), spec: spec(shape, dtype, 'comment', `input ${shapeText(profile.input)} from # profile: (line ${profile.range.start.line + 1}), ${batchWhy}`, tokens) };
  }
  if (profile?.seq && tokenModel) {
    const shape = [batch, profile.seq];
    return { args: [make(shape, 'int')], kwargs: new Map(), spec: spec(shape, 'int', 'comment', `token ids [${batch}, ${profile.seq}] from # profile: (line ${profile.range.start.line + 1})`, profile.seq) };
  }
  // 2. an example call in the file: its tensors as written (which dimension is the batch is
  // the model's business: sequence-first RNNs take [seq, batch, ...]). A # profile: batch
  // re-batches the leading dimension.
  const ex = examples.find((e) => e.args.some((a) => a.t === 'tensor' && a.shape));
  if (ex) {
    const firstT = ex.args.find((a): a is TensorV => a.t === 'tensor' && !!a.shape)!;
    const s0 = firstT.shape!;
    // Token ids [seq, batch] or features [seq, batch, f] for a sequence-first RNN or nn.Transformer.
    const seqFirst = s0.length === 2 || s0.length === 3 ? sequenceFirst(rt, model) : undefined;
    const bdim = seqFirst ? 1 : 0;
    const exBatch = s0[bdim] ?? 1;
    const re = (v: Value): Value => (v.t === 'tensor' && profile?.batch ? rebatch(rt, v, profile.batch, exBatch, bdim) : v);
    const args = ex.args.map(re);
    const kwargs = new Map([...ex.kwargs].map(([k, v]) => [k, re(v)] as [string, Value]));
    const tensors = args.filter((a): a is TensorV => a.t === 'tensor');
    const s = tensors[0]!.shape!;
    const guessed = s[0] === options.batch || s[1] !== options.batch ? (s[0] ?? 1) : options.batch;
    const exampleBatch = profile?.batch ?? (seqFirst !== undefined ? (s[bdim] ?? 1) : guessed);
    const out: InputSpec = {
      shapes: tensors.map((t) => t.shape ?? []),
      dtypes: tensors.map((t) => (t.isInt ? 'int' : 'float')),
      source: 'example',
      description: `example input ${shapeText(s0)} from the call on line ${ex.line + 1}${profile?.batch ? `, batch ${profile.batch} from # profile:` : ''}`,
      batch: exampleBatch,
    };
    if (firstT.isInt && s.length === 2) out.seq = seqFirst !== undefined ? s[1 - bdim] : s[0] === exampleBatch ? s[1] : s[0];
    const example: ResolvedInput['example'] = { args: ex.args, kwargs: ex.kwargs };
    if (profile?.batch) example.batch = profile.batch;
    return { args, kwargs, spec: out, example };
  }
  // 3. settings
  if (options.input && options.input.length) {
    const shape = [batch, ...options.input];
    const dtype = tokenModel && options.input.length === 1 ? 'int' : 'float';
    const tokens = dtype === 'int' ? options.input[0] : undefined;
    return { args: [make(shape, dtype)], kwargs: new Map(), spec: spec(shape, dtype, 'setting', `input ${shapeText(options.input)} from settings, ${batchWhy}`, tokens) };
  }
  if (options.seq && tokenModel) {
    const shape = [batch, options.seq];
    return { args: [make(shape, 'int')], kwargs: new Map(), spec: spec(shape, 'int', 'setting', `token ids [${batch}, ${options.seq}] (seq from settings)`, options.seq) };
  }
  // 4. inference from the first layer
  if (first) {
    return {
      args: [make(first.shape, first.dtype)],
      kwargs: new Map(),
      spec: spec(first.shape, first.dtype, 'inferred', `${first.description}, ${batchWhy}`, first.seq),
      alternatives: first.alternatives,
    };
  }
  return { missing: `No input shape for ${model.cls.name}: add \`# profile: input=(...)\` on the class line, or an example call such as \`model(torch.randn(...))\`` };
}

/** The inferred input replaced by one of its alternatives. */
export function withAlternative(rt: TorchRuntime, r: ResolvedInput, alt: { shape: Shape; description: string }): ResolvedInput {
  const seq = alt.shape.length === 3 && r.spec.shapes[0]!.length === 2 ? alt.shape[1] : r.spec.seq;
  const spec: InputSpec = { ...r.spec, shapes: [alt.shape], description: `${alt.description}, ${r.spec.description.split(', ').pop()}` };
  if (seq !== undefined) spec.seq = seq;
  return { args: [rt.tensor(alt.shape)], kwargs: new Map(), spec };
}

/**
 * Extra forward arguments people leave to the caller, by name: timesteps and class labels
 * are [batch] tensors; a second sequence or image (a decoder's target, a siamese pair)
 * is shaped like the first input.
 */
const EXTRA_ARGS: Array<{ names: RegExp; make: (batch: number, first: TensorV) => { shape: Shape; dtype: string } }> = [
  { names: /^(t|ts|time|times|timestep|timesteps|sigma|sigmas|noise_level|noise_labels)$/, make: (b) => ({ shape: [b], dtype: 'float32' }) },
  { names: /^(y|label|labels|class_label|class_labels|cls|targets?)$/, make: (b) => ({ shape: [b], dtype: 'int64' }) },
  {
    names: /^(tgt|trg|target_ids|tgt_ids|tgt_tokens|decoder_input|decoder_input_ids|dec_input|x2|input2|img2|image2|other)$/,
    make: (_b, first) => ({ shape: first.shape!.slice(), dtype: first.dtype }),
  },
];

/**
 * Fill forward() parameters that have no default and no value: timesteps and labels get a
 * [batch] tensor; anything else is reported by name (the model is traced as far as it goes).
 */
export function completeForwardArgs(rt: TorchRuntime, model: InstV, r: ResolvedInput, report: (param: string) => void): void {
  const fwd = rt.interp.lookupClass(model.cls, 'forward');
  if (!fwd || fwd.t !== 'func') return;
  const params = fwd.params.filter((p) => p.kind === 'pos').slice(1);
  for (let i = r.args.length; i < params.length; i++) {
    const p = params[i]!;
    if (fwd.defaults.has(p.name) || r.kwargs.has(p.name)) continue;
    const rule = EXTRA_ARGS.find((x) => x.names.test(p.name));
    if (!rule) {
      report(p.name);
      return;
    }
    const first = r.args.find((a): a is TensorV => a.t === 'tensor' && !!a.shape);
    if (!first) return;
    const { shape, dtype } = rule.make(r.spec.batch, first);
    r.args.push(rt.tensor(shape, { dtype }));
    r.spec.description += `; ${p.name} = a [${shape.join(', ')}] ${dtype === 'int64' ? 'integer' : 'float'} tensor`;
    r.spec.shapes.push(shape);
    r.spec.dtypes.push(dtype === 'int64' ? 'int' : 'float');
  }
}
