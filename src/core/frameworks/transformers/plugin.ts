/**
 * The transformers library for the interpreter, and its discovery pass.
 *
 * `AutoModelForCausalLM.from_pretrained("id" or "./folder", **kw)`, `XForY(config)`,
 * `XForY.from_config(config)`, `AutoConfig.from_pretrained(...)` and `XConfig(**kw)`
 * evaluate to transformers values; configs behave like objects (`config.n_layer = 4`).
 * Top-level variables holding a model become `pretrained` graphs built from the config
 * by the architecture rules of src/core/hf.
 */
import type { ModelGraph } from '../../graph';
import { findRule, graphFromHfConfig, resolvePretrained, ARCHITECTURES, type ArchitectureRule } from '../../hf/index';
import type { Loc } from '../../python/ast';
import type { Interp } from '../../python/interp';
import { dirname } from '../../python/imports';
import { toNumber } from '../../python/ops';
import type { ModuleFactory } from '../../python/stdlib';
import { NONE, bool, dict, float, int, list, native, str, unknown, type ModuleV, type OpaqueV, type Value } from '../../python/values';
import type { Finding } from '../../source';
import type { SourceHost } from '../../sourceHost';
import type { DiscoveryContext, FrameworkPlugin } from '../registry';

/** What a transformers model value carries until discovery turns it into a graph. */
interface HfModel {
  modelClass: string;
  config?: OpaqueV;
  /** from_pretrained's argument, for the name of the graph and its findings. */
  id?: string;
  loadArgs: Record<string, unknown>;
  findings: Finding[];
}

const models = new WeakMap<OpaqueV, HfModel>();

/** Where from_pretrained reads local folders from: set per analysed document. */
let current: { host: SourceHost; baseDir: string } | undefined;

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
  for (const n of ['to', 'cuda', 'cpu', 'eval', 'train', 'half', 'float', 'bfloat16', 'requires_grad_', 'gradient_checkpointing_enable', 'tie_weights']) m.attrs!.set(n, self(n));
  m.attrs!.set('config', info.config ?? makeConfig({}));
  m.attrs!.set('__call__', native('__call__', () => unknown(`${info.modelClass} output`)));
  void interp;
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

const transformersModule: ModuleFactory = (interp) => {
  const cache = new Map<string, Value>();
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
    current = { host: ctx.host, baseDir: dirname(ctx.file) };
  },
  discover: discoverTransformers,
};
