/**
 * The input a Keras model is profiled with. Keras models usually declare it
 * (keras.Input, input_shape= on the first layer, model.build(...), a call on a
 * tensor); otherwise, in DESIGN.md's order: a `# profile:` comment, the
 * settings, then inference from the first layer with the dataset hints the
 * PyTorch side uses. `None` dimensions other than the batch take the sequence
 * length (comment, settings, else the default).
 */
import type { InputSpec, ProfileOverrides, Shape } from '../../graph';
import type { EstimateOptions } from '../../options';
import type { InstV } from '../../python/values';
import { DEFAULT_SEQ, datasetHint } from '../pytorch/inputs';
import { layerState, type InputDecl } from './runtime/state';
import { withoutPinned } from '../../profileComment';

export interface ResolvedInputs {
  /** One shape per model input, batch first, None dimensions filled. */
  shapes: Shape[];
  dtypes: string[];
  spec: InputSpec;
}

function shapeText(shape: Array<number | null>): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

const HOW: Record<InputDecl['how'], string> = {
  Input: 'keras.Input',
  input_shape: 'input_shape= of the first layer',
  build: 'model.build()',
  call: 'its call on a tensor',
  example: 'the example call',
  application: 'the keras.applications constructor',
};

/** The first layer of a Sequential, or the first layer a subclassed model assigns. */
function firstLayer(model: InstV): InstV | undefined {
  const s = layerState(model);
  if (s?.kind === 'sequential') return s.layers?.[0];
  for (const v of model.dict.values()) if (layerState(v)) return v as InstV;
  return undefined;
}

/** Input from the first layer's type and the dataset the file mentions. */
function inferred(model: InstV, text: string, seq: number): { decl: InputDecl; why: string } | undefined {
  const first = firstLayer(model);
  const s = layerState(first);
  const type = s?.spec?.type;
  if (!s || !type) return undefined;
  if (type === 'Embedding') return { decl: { shape: [null], dtype: 'int32', loc: s.loc, how: 'Input' }, why: `token ids of length ${seq} for the first layer, Embedding` };
  const hint = datasetHint(text);
  if (hint.name === 'ImageNet') return undefined;
  const channels = hint.name === 'MNIST' ? 1 : 3;
  if (type === 'Flatten' || type === 'Rescaling' || /^Conv2D|^SeparableConv2D|^DepthwiseConv2D|^MaxPooling2D/.test(type)) {
    const shape = type === 'Flatten' && hint.name === 'MNIST' ? [hint.size, hint.size] : [hint.size, hint.size, channels];
    return { decl: { shape, dtype: 'float32', loc: s.loc, how: 'Input' }, why: `${hint.name} hint: ${shape.join('×')} for the first layer, ${type}` };
  }
  return undefined;
}

export function resolveInputs(
  model: InstV,
  opts: { options: EstimateOptions; profile?: ProfileOverrides; text: string },
): ResolvedInputs | { missing: string } {
  const { options } = opts;
  const profile = withoutPinned(opts.profile, options);
  const s = layerState(model)!;
  const batch = profile?.batch ?? options.batch;
  const batchWhy = profile?.batch ? 'batch from # profile:' : 'batch from settings';
  const seq = profile?.seq ?? options.seq ?? DEFAULT_SEQ;
  const seqWhy = profile?.seq ? 'seq from # profile:' : options.seq ? 'seq from settings' : `default sequence length ${DEFAULT_SEQ}`;

  let decls: InputDecl[] | undefined;
  let source: InputSpec['source'];
  let why: string;
  if (s.input?.length) {
    decls = s.input;
    source = decls[0]!.how === 'example' ? 'example' : 'build';
    why = `${decls.map((d) => shapeText(d.shape)).join(' and ')} from ${HOW[decls[0]!.how]} (line ${decls[0]!.loc.sl + 1})`;
  } else if (profile?.input) {
    decls = [{ shape: profile.input, dtype: 'float32', loc: { sl: profile.range.start.line, sc: 0, el: profile.range.start.line, ec: 0 }, how: 'Input' }];
    source = 'comment';
    why = `input ${shapeText(profile.input)} from # profile: (line ${profile.range.start.line + 1})`;
  } else if (options.input?.length) {
    decls = [{ shape: options.input, dtype: 'float32', loc: s.loc, how: 'Input' }];
    source = 'setting';
    why = `input ${shapeText(options.input)} from settings`;
  } else {
    const inf = inferred(model, opts.text, seq);
    if (!inf) {
      return {
        missing: `No input shape for ${s.name ?? s.className}: give its first layer input_shape=, start it with keras.Input(...), call model.build((None, ...)), or add \`# profile: input=(...)\` above it`,
      };
    }
    decls = [inf.decl];
    source = 'inferred';
    why = inf.why;
  }
  // One None is a sequence length; two or more (Input(shape=(None, None, 3))) are image sides.
  const image = datasetHint(opts.text);
  const fill = (d: InputDecl): number[] => {
    const spatial = d.shape.filter((x) => x === null).length > 1;
    return d.shape.map((x) => x ?? (spatial ? image.size : seq));
  };
  const usesSeq = decls.some((d) => d.shape.filter((x) => x === null).length === 1);
  const usesImage = decls.some((d) => d.shape.filter((x) => x === null).length > 1);
  const shapes = decls.map((d) => [batch, ...fill(d)]);
  const spec: InputSpec = {
    shapes,
    dtypes: decls.map((d) => (/int|bool/.test(d.dtype) ? 'int' : 'float')),
    source,
    description: `${why}, ${batchWhy}${usesSeq ? `, None as ${seq} (${seqWhy})` : ''}${
      usesImage ? `, image sides None as ${image.size} (${image.name}${image.name === 'ImageNet' ? ' default' : ' hint'})` : ''
    }`,
    batch,
  };
  if (usesSeq) spec.seq = seq;
  return { shapes, dtypes: decls.map((d) => d.dtype), spec };
}
