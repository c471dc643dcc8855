/**
 * The transformers library for the interpreter, and its discovery pass.
 *
 * `AutoModelForCausalLM.from_pretrained("id" or "./folder", **kw)`, `XForY(config)`,
 * `XForY.from_config(config)`, `AutoConfig.from_pretrained(...)` and `XConfig(**kw)`
 * evaluate to transformers values; configs behave like objects (`config.n_layer = 4`).
 * Top-level variables holding a model become `pretrained` graphs built from the config
 * by the architecture rules of src/core/hf.
 */
import type { LayerNode, ModelGraph } from '../../graph';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../options';
import { findRule, graphFromHfConfig, resolvePretrained, ARCHITECTURES, type ArchitectureRule } from '../../hf/index';
import type { Loc } from '../../python/ast';
import type { Interp } from '../../python/interp';
import { dirname } from '../../python/imports';
import { toNumber } from '../../python/ops';
import type { ModuleFactory } from '../../python/stdlib';
import { NONE, bool, dict, float, int, list, native, newTensorId, str, truthy, unknown, type ModuleV, type OpaqueV, type TensorV, type Value } from '../../python/values';
import type { Finding } from '../../source';
import type { SourceHost } from '../../sourceHost';
import { torchPackage } from '../pytorch/package';
import type { ForeignModules } from '../pytorch/runtime';
import type { DiscoveryContext, FrameworkPlugin } from '../registry';

/** What a transformers model value carries until discovery turns it into a graph. */
interface HfModel {
  modelClass: string;
  /** Stands for all its parameters: `requires_grad_(False)` or a loop over parameters() clears it. */
  handle?: TensorV;
  config?: OpaqueV;
  /** from_pretrained's argument, for the name of the graph and its findings. */
  id?: string;
  loadArgs: Record<string, unknown>;
  findings: Finding[];
}

const models = new WeakMap<OpaqueV, HfModel>();

/** Where from_pretrained reads local folders from, and the options: set per analysed document. */
let current: { host: SourceHost; baseDir: string; options: EstimateOptions } | undefined;

const NO_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The model's graph at a batch and sequence length (cached: entries trace the same backbone). */
function graphAt(m: OpaqueV, info: HfModel, batch: number, seq: number | undefined): ModelGraph {
  const key = `${batch}x${seq ?? ''}`;
  let byShape = graphs.get(m);
  if (!byShape) graphs.set(m, (byShape = new Map()));
  let g = byShape.get(key);
  if (!g) {
    const options = { ...(current?.options ?? DEFAULT_OPTIONS), batch };
    if (seq !== undefined) options.seq = seq;
    g = graphFromHfConfig(info.config ? configJson(info.config) : {}, { name: info.modelClass, range: NO_RANGE, nameRange: NO_RANGE, options, modelClass: info.modelClass, loadArgs: info.loadArgs });
    byShape.set(key, g);
  }
  return g;
}
const graphs = new WeakMap<OpaqueV, Map<string, ModelGraph>>();

/** A subtree with the forward's quantities cleared (the module was not called). */
function untracedTree(node: LayerNode): LayerNode {
  const { outputShapes: _o, ...rest } = node;
  return { ...rest, calls: 0, macs: 0, savedElements: 0, savedFixedBytes: 0, outputElements: 0, children: node.children.map(untracedTree) };
}

/** A frozen backbone (requires_grad_(False)) has no trainable parameters. */
function withFreezing(info: HfModel, sub: { root: LayerNode; params: ModelGraph['params'] }): { root: LayerNode; params: ModelGraph['params'] } {
  if (!info.handle || info.handle.requiresGrad) return sub;
  const freeze = (n: LayerNode): LayerNode => ({ ...n, ownTrainableParams: 0, children: n.children.map(freeze) });
  return { root: freeze(sub.root), params: { ...sub.params, trainable: 0, nonTrainable: sub.params.total } };
}

/** transformers models held by torch modules (`self.backbone = AutoModel.from_pretrained(...)`). */
const FOREIGN: ForeignModules = {
  isForeign: (v) => v.t === 'opaque' && v.kind === 'hf-model' && models.has(v),
  untraced: (v) => {
    const info = v.t === 'opaque' ? models.get(v) : undefined;
    if (!info || v.t !== 'opaque') return undefined;
    const g = graphAt(v, info, current?.options.batch ?? DEFAULT_OPTIONS.batch, undefined);
    return withFreezing(info, { root: untracedTree(g.root), params: g.params });
  },
};

/** Calling a transformers model inside a traced torch forward: its graph at the call's shapes. */
function callModel(interp: Interp, m: OpaqueV, info: HfModel, args: Value[], kw: Map<string, Value>): Value {
  const ids = [args[0], kw.get('input_ids'), kw.get('inputs_embeds')].find((v): v is TensorV => !!v && v.t === 'tensor' && !!v.shape);
  if (!ids) return unknown(`${info.modelClass} output`);
  const rt = torchPackage(interp).rt;
  const [batch, seq] = [ids.shape![0]!, ids.shape![1]];
  const g = graphAt(m, info, batch, seq);
  rt.trace?.foreign.set(m, withFreezing(info, { root: g.root, params: g.params }));
  const outs = (g.root.outputShapes ?? []).map((shape) => rt.tensor(shape, { requiresGrad: g.params.trainable > 0 }));
  const attrs = new Map<string, Value>();
  const head = !/Model$/.test(g.root.type) || /LMHeadModel$/.test(g.root.type);
  if (outs[0]) attrs.set(head ? 'logits' : 'last_hidden_state', outs[0]);
  if (outs[1]) attrs.set('pooler_output', outs[1]);
  attrs.set('__getitem__', native('__getitem__', (a) => {
    const i = a[0]?.t === 'int' ? Number(a[0].v) : a[0]?.t === 'str' ? -1 : 0;
    if (a[0]?.t === 'str') return attrs.get(a[0].v) ?? unknown(a[0].v);
    return outs[i < 0 ? outs.length + i : i] ?? unknown('output');
  }));
  return { t: 'opaque', kind: 'hf-output', name: 'ModelOutput', attrs };
}

/** A JSON-like value as an interpreter value. */
function fromJson(v: unknown): Value {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return list(v.map(fromJson));
  if (typeof v === 'object') return dict(Object.entries(v as Record<string, unknown>).map(([k, x]) => [str(k), fromJson(x)]));
  return unknown('json');
}

/** An interpreter value as JSON-like data; unknown values are left out (undefined). */
function toJson(v: Value): unknown {
  switch (v.t) {
    case 'none':
      return null;
    case 'bool':
      return v.v;
    case 'int':
    case 'float':
      return toNumber(v);
    case 'str':
      return v.v;
    case 'list':
    case 'tuple':
      return v.items.map(toJson);
    case 'dict': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v.map.values()) if (k.t === 'str') o[k.v] = toJson(x);
      return o;
    }
    case 'opaque':
      return v.kind === 'hf-config' ? configJson(v) : v.kind === 'dtype' ? v.name : undefined;
    default:
      return undefined;
  }
}

function configJson(c: OpaqueV): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of c.attrs ?? []) {
    if (k.startsWith('__') || v.t === 'native' || v.t === 'bound') continue;
    const j = toJson(v);
    if (j !== undefined) o[k] = j;
  }
  return o;
}

function makeConfig(values: Record<string, unknown>): OpaqueV {
  const c: OpaqueV = { t: 'opaque', kind: 'hf-config', name: 'PretrainedConfig', attrs: new Map() };
  for (const [k, v] of Object.entries(values)) c.attrs!.set(k, fromJson(v));
  c.attrs!.set('to_dict', native('to_dict', () => fromJson(configJson(c))));
  return c;
}

/** The architecture rule of a class name ("LlamaForCausalLM", "LlamaConfig", "GPT2Model"). */
function ruleOfClass(name: string): ArchitectureRule | undefined {
  for (const rule of ARCHITECTURES) if (Object.values(rule.classes).includes(name)) return rule;
  const prefix = name.replace(/Config$/, '').replace(/(Model|For[A-Za-z]+|LMHeadModel)$/, '');
  if (!prefix) return undefined;
  for (const rule of ARCHITECTURES) {
    if (Object.values(rule.classes).some((c) => c?.startsWith(prefix) && /^(Model|For|LMHeadModel)/.test(c.slice(prefix.length)))) return rule;
  }
  return findRule(prefix.toLowerCase());
}

function kwargsJson(kw: Map<string, Value>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of kw) {
    const j = toJson(v);
    if (j !== undefined) o[k] = j;
  }
  return o;
}

function modelValue(interp: Interp, info: HfModel): OpaqueV {
  const m: OpaqueV = { t: 'opaque', kind: 'hf-model', name: info.modelClass, attrs: new Map() };
  const self = (n: string) => native(n, () => m);
  for (const n of ['to', 'cuda', 'cpu', 'eval', 'train', 'half', 'float', 'bfloat16', 'gradient_checkpointing_enable', 'tie_weights']) m.attrs!.set(n, self(n));
  m.attrs!.set('config', info.config ?? makeConfig({}));
  const handle: TensorV = { t: 'tensor', id: newTensorId(), shape: [1], dtype: 'float32', requiresGrad: true, param: true };
  info.handle = handle;
  m.attrs!.set('parameters', native('parameters', () => list([handle])));
  m.attrs!.set(
    'requires_grad_',
    native('requires_grad_', (args, kw) => {
      handle.requiresGrad = truthy(args[0] ?? kw.get('requires_grad') ?? bool(true)) !== false;
      return m;
    }),
  );
  m.attrs!.set('__call__', native('__call__', (args, kw) => callModel(interp, m, info, args, kw)));
  m.attrs!.set('forward', m.attrs!.get('__call__')!);
  models.set(m, info);
  return m;
}

function resolveId(id: string, loc: Loc): { config?: OpaqueV; findings: Finding[] } {
  if (!current) return { findings: [] };
  const r = resolvePretrained(id, current.host, current.baseDir);
  const findings: Finding[] = [];
  if (r.finding) findings.push({ ...r.finding, range: r.finding.range ?? { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } } });
  return { config: r.config ? makeConfig(r.config) : undefined, findings };
}

/** A transformers class: callable (`LlamaForCausalLM(config)`), with from_pretrained/from_config. */
function hfClass(interp: Interp, name: string): OpaqueV {
  const isConfig = /Config$/.test(name);
  const attrs = new Map<string, Value>();
  const cls: OpaqueV = { t: 'opaque', kind: 'hf-class', name, attrs };
  const defaultType = (): Record<string, unknown> => {
    const rule = name === 'AutoConfig' || name === 'PretrainedConfig' ? undefined : ruleOfClass(name);
    return rule ? { model_type: rule.modelType } : {};
  };
  attrs.set(
    'from_pretrained',
    native('from_pretrained', (args, kw, loc) => {
      const idv = args[0] ?? kw.get('pretrained_model_name_or_path');
      const id = idv?.t === 'str' ? idv.v : undefined;
      const rest = new Map(kw);
      rest.delete('pretrained_model_name_or_path');
      const given = rest.get('config');
      rest.delete('config');
      const resolved = id && !(given?.t === 'opaque' && given.kind === 'hf-config') ? resolveId(id, loc) : { findings: [] as Finding[] };
      if (isConfig) {
        const c = resolved.config ?? makeConfig(defaultType());
        for (const [k, v] of rest) c.attrs!.set(k, v);
        return c;
      }
      const config = given?.t === 'opaque' && given.kind === 'hf-config' ? given : resolved.config;
      const info: HfModel = { modelClass: name, config, id, loadArgs: kwargsJson(rest), findings: resolved.findings };
      if (!id) info.findings.push({ severity: 'warning', code: 'hf-unknown-model', message: `${name}.from_pretrained: the model id could not be evaluated`, range: { start: { line: loc.sl, character: loc.sc }, end: { line: loc.el, character: loc.ec } } });
      return modelValue(interp, info);
    }),
  );
  attrs.set(
    'from_config',
    native('from_config', (args, kw) => {
      const c = args[0] ?? kw.get('config');
      const rest = new Map(kw);
      rest.delete('config');
      return modelValue(interp, { modelClass: name, config: c?.t === 'opaque' && c.kind === 'hf-config' ? c : undefined, loadArgs: kwargsJson(rest), findings: [] });
    }),
  );
  attrs.set(
    '__call__',
    native(name, (args, kw) => {
      if (isConfig) {
        const values = { ...defaultType(), ...kwargsJson(kw) };
        return makeConfig(values);
      }
      const c = args[0] ?? kw.get('config');
      return modelValue(interp, { modelClass: name, config: c?.t === 'opaque' && c.kind === 'hf-config' ? c : undefined, loadArgs: {}, findings: [] });
    }),
  );
  return cls;
}

/** Names the library provides that carry no model (tokenizers, trainers): quiet unknowns. */
const NOT_MODELS = /Tokenizer|Processor|FeatureExtractor|ImageProcessor|Trainer|TrainingArguments|Collator|pipeline|set_seed|logging|BitsAndBytesConfig|GenerationConfig/;

/**
 * Base classes for models and configs people write themselves: PreTrainedModel is an
 * nn.Module that keeps its config; PretrainedConfig keeps its keyword arguments.
 */
function baseClasses(interp: Interp): Map<string, Value> {
  const nn = torchPackage(interp).nn;
  const model = interp.makeClass('PreTrainedModel', [nn.Module], new Map(), 'transformers');
  model.dict.set(
    '__init__',
    native(
      '__init__',
      (args) => {
        const self = args[0];
        if (self?.t === 'inst' && args[1]) self.dict.set('config', args[1]);
        return NONE;
      },
      true,
    ),
  );
  for (const n of ['post_init', 'init_weights', 'tie_weights', 'gradient_checkpointing_enable']) model.dict.set(n, native(n, () => NONE, true));
  const config = interp.makeClass('PretrainedConfig', [interp.objectClass], new Map(), 'transformers');
  config.dict.set(
    '__init__',
    native(
      '__init__',
      (args, kw) => {
        const self = args[0];
        if (self?.t === 'inst') for (const [k, v] of kw) self.dict.set(k, v);
        return NONE;
      },
      true,
    ),
  );
  return new Map<string, Value>([
    ['PreTrainedModel', model],
    ['PretrainedConfig', config],
    ['PreTrainedConfig', config],
  ]);
}

const transformersModule: ModuleFactory = (interp) => {
  const cache = new Map<string, Value>(baseClasses(interp));
  const mod: ModuleV = {
    t: 'module',
    name: 'transformers',
    dict: new Map(),
    getattr: (name) => {
      let v = cache.get(name);
      if (v) return v;
      if (NOT_MODELS.test(name) || !/^[A-Z]/.test(name)) v = unknown(`transformers.${name}`);
      else v = hfClass(interp, name);
      cache.set(name, v);
      return v;
    },
  };
  return mod;
};

function discoverTransformers(ctx: DiscoveryContext): ModelGraph[] {
  const graphs: ModelGraph[] = [];
  const seen = new Set<Value>();
  const stmts = ctx.ast.body.flatMap((s) => (s.k === 'if' ? [s, ...s.body, ...s.orelse] : [s]));
  for (const s of stmts) {
    if (s.k !== 'assign' && s.k !== 'annassign') continue;
    const targets = s.k === 'assign' ? s.targets : [s.target];
    for (const t of targets) {
      if (t.k !== 'name') continue;
      const v = ctx.main.dict.get(t.id);
      if (!v || v.t !== 'opaque' || v.kind !== 'hf-model' || seen.has(v) || ctx.claimed(v)) continue;
      seen.add(v);
      const info = models.get(v);
      if (!info) continue;
      const profile = ctx.profileFor(s.loc.sl, t.loc.sl, s.loc.el);
      const options = { ...ctx.options };
      if (profile?.batch) options.batch = profile.batch;
      if (profile?.seq) options.seq = profile.seq;
      const config = info.config ? configJson(info.config) : {};
      const g = graphFromHfConfig(config, {
        name: t.id,
        kind: 'pretrained',
        range: ctx.range(s.loc),
        nameRange: ctx.range(t.loc),
        options,
        modelClass: info.modelClass,
        loadArgs: info.loadArgs,
      });
      if (!info.config && !info.findings.length) {
        g.findings.push({ severity: 'warning', code: 'hf-config-missing', message: `${info.modelClass}: no config could be found for ${info.id ? `"${info.id}"` : 'this model'}`, range: ctx.range(t.loc) });
        g.partial = true;
      }
      // Without a config the resolution finding says why; the rule's own complaint adds nothing.
      if (!info.config && info.findings.length) g.findings = g.findings.filter((f) => f.code !== 'hf-unknown-model-type');
      g.findings.unshift(...info.findings);
      if (info.findings.some((f) => f.severity !== 'info')) g.partial = true;
      if (profile) g.profile = profile;
      ctx.claim(v);
      graphs.push(g);
    }
  }
  return graphs;
}

export const TRANSFORMERS_PLUGIN: FrameworkPlugin = {
  id: 'transformers',
  order: 50,
  modules: () => new Map([['transformers', transformersModule]]),
  prepare: (ctx) => {
    current = { host: ctx.host, baseDir: dirname(ctx.file), options: ctx.options };
    torchPackage(ctx.interp).rt.foreign = FOREIGN;
  },
  discover: discoverTransformers,
};
