/**
 * A transformers config (config.json contents, a catalog entry, or AutoConfig values)
 * -> a ModelGraph, through the architecture rule of its `model_type`.
 */
import { type LayerNode, type ModelGraph, type ModelKind, subtreeSum } from '../graph';
import type { EstimateOptions } from '../options';
import type { Finding, SourceRange } from '../source';
import { ConfigReader } from './configReader';
import { ARCHITECTURES, findRule } from './families';
import { headOfClass } from './heads';
import { type BuildContext, moduleNode } from './layers';
import type { ArchitectureRule, HfHead } from './types';
import { readWeightFormat } from './weightFormat';

export interface HfGraphMeta {
  /** The variable or model id as written in the source, or the config file's folder name. */
  name: string;
  kind?: ModelKind;
  range: SourceRange;
  nameRange: SourceRange;
  options: EstimateOptions;
  /** The class the source loads ("AutoModelForCausalLM", "BertModel"): picks the head. */
  modelClass?: string;
  /**
   * `from_pretrained` keyword arguments. Loading options (torch_dtype, load_in_4bit,
   * quantization_config, attn_implementation, device_map, ...) are read as such; every other
   * key overrides the config attribute of that name, as transformers does (num_labels=3).
   */
  loadArgs?: Record<string, unknown>;
  /** File the findings refer to, when not the analysed file (a config.json read for an import). */
  file?: string;
}

/** from_pretrained arguments that configure loading rather than the model's config. */
const LOADING_ARGS = new Set([
  'torch_dtype', 'dtype', 'load_in_8bit', 'load_in_4bit', 'quantization_config', 'attn_implementation',
  'device_map', 'max_memory', 'offload_folder', 'offload_state_dict', 'offload_buffers', 'low_cpu_mem_usage',
  'trust_remote_code', 'revision', 'code_revision', 'cache_dir', 'token', 'use_auth_token', 'local_files_only',
  'force_download', 'resume_download', 'proxies', 'output_loading_info', 'subfolder', 'variant',
  'use_safetensors', 'from_tf', 'from_flax', 'ignore_mismatched_sizes', 'config', 'mirror', '_fast_init',
  'pretrained_model_name_or_path', 'tp_plan', 'key_mapping', 'gguf_file',
]);

/** Sequence length when the options name none: the model's context up to 2048, else 512 (setting's doc). */
const DEFAULT_SEQ_CAP = 2048;
const DEFAULT_SEQ = 512;

function finding(code: string, message: string, range: SourceRange, severity: Finding['severity'], file?: string): Finding {
  const f: Finding = { severity, code, message, range };
  if (file) f.file = file;
  return f;
}

/** A graph of this config's model: the fields every outcome shares, in the order the JSON shows them. */
function graphOf(
  meta: HfGraphMeta,
  root: LayerNode,
  params: ModelGraph['params'],
  built: Pick<ModelGraph, 'input' | 'transformer'>,
  partial: boolean,
  findings: Finding[],
): ModelGraph {
  const graph: ModelGraph = {
    name: meta.name,
    kind: meta.kind ?? 'pretrained',
    framework: 'transformers',
    range: meta.range,
    nameRange: meta.nameRange,
    params,
    root,
    ...built,
    partial,
    findings,
  };
  if (meta.file) graph.file = meta.file;
  return graph;
}

/** No model could be built: an empty root, zero counts, partial. */
function emptyGraph(meta: HfGraphMeta, findings: Finding[]): ModelGraph {
  const root: LayerNode = { ...moduleNode('', meta.modelClass ?? 'PreTrainedModel', [], { builtin: false, calls: 0 }), range: meta.range };
  return graphOf(meta, root, { total: 0, trainable: 0, nonTrainable: 0, buffers: 0 }, {}, true, findings);
}

/** The config to build from: model_type's rule, or a multimodal wrapper's text_config. */
function pickRule(config: Record<string, unknown>, meta: HfGraphMeta, findings: Finding[]):
  | { rule: ArchitectureRule; config: Record<string, unknown> }
  | undefined {
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
  let rule = modelType ? findRule(modelType) : undefined;
  if (!rule && !modelType && Array.isArray(config.architectures)) {
    // Old configs without model_type: recognise the family from the class name.
    for (const arch of config.architectures) {
      if (typeof arch === 'string') rule = findRuleByClass(arch);
      if (rule) break;
    }
  }
  if (rule) return { rule, config };
  const text = config.text_config;
  if (text !== null && typeof text === 'object' && !Array.isArray(text)) {
    const inner = text as Record<string, unknown>;
    const innerRule = typeof inner.model_type === 'string' ? findRule(inner.model_type) : undefined;
    if (innerRule) {
      findings.push(
        finding(
          'hf-partial-architecture',
          `model_type "${modelType}" is not in the catalog; profiling its text model (${String(inner.model_type)}) only, without the other towers.`,
          meta.nameRange,
          'warning',
          meta.file,
        ),
      );
      return { rule: innerRule, config: inner };
    }
  }
  findings.push(
    finding(
      'hf-unknown-model-type',
      modelType
        ? `transformers model_type "${modelType}" is not supported yet; supported: ${supportedTypes().join(', ')}.`
        : 'The config has no "model_type", so its architecture is unknown.',
      meta.nameRange,
      'warning',
      meta.file,
    ),
  );
  return undefined;
}

function findRuleByClass(className: string): ArchitectureRule | undefined {
  for (const rule of ARCHITECTURES) {
    if (Object.values(rule.classes).includes(className)) return rule;
  }
  return undefined;
}

function supportedTypes(): string[] {
  return ARCHITECTURES.map((r) => r.modelType);
}

function chooseHead(rule: ArchitectureRule, config: Record<string, unknown>, meta: HfGraphMeta, findings: Finding[]): HfHead {
  const supported = (h: HfHead | undefined): h is HfHead => h !== undefined && rule.classes[h] !== undefined;
  if (meta.modelClass) {
    const head = headOfClass(meta.modelClass);
    if (supported(head)) return head;
    findings.push(
      finding(
        'hf-unsupported-head',
        `${meta.modelClass} is not built for ${rule.modelType}; profiling ${rule.classes[rule.defaultHead]} instead (the backbone is the same, the head may differ).`,
        meta.nameRange,
        'info',
        meta.file,
      ),
    );
    return rule.defaultHead;
  }
  if (Array.isArray(config.architectures) && typeof config.architectures[0] === 'string') {
    const head = headOfClass(config.architectures[0]);
    if (supported(head)) return head;
  }
  return rule.defaultHead;
}

function chooseAttention(rule: ArchitectureRule, config: Record<string, unknown>, meta: HfGraphMeta, findings: Finding[]): boolean {
  if (meta.options.attention === 'flash') return true;
  if (meta.options.attention === 'eager') return false;
  const requested = meta.loadArgs?.attn_implementation ?? config.attn_implementation ?? config._attn_implementation;
  if (requested === 'eager') return false;
  if (requested === 'flash_attention_2' || requested === 'flash_attention_3') return true;
  if (requested === 'sdpa' && rule.defaultAttention === 'eager') {
    findings.push(
      finding(
        'hf-attention-unsupported',
        `transformers has no sdpa attention for ${rule.modelType}; eager attention assumed.`,
        meta.nameRange,
        'info',
        meta.file,
      ),
    );
    return false;
  }
  if (requested === 'sdpa') return true;
  return rule.defaultAttention === 'sdpa';
}

function applyOverrides(config: Record<string, unknown>, loadArgs: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!loadArgs) return config;
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(loadArgs)) {
    if (!LOADING_ARGS.has(key) && value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Findings from the config reader, each message once. */
function uniqueFindings(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = `${f.code}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Builds the model graph of a transformers config. Never throws: an unknown model_type
 * or a malformed config gives an empty, partial graph with a finding.
 */
export function graphFromHfConfig(config: Record<string, unknown>, meta: HfGraphMeta): ModelGraph {
  const findings: Finding[] = [];
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    findings.push(finding('hf-bad-config', 'The transformers config is not a JSON object.', meta.nameRange, 'error', meta.file));
    return emptyGraph(meta, findings);
  }
  const picked = pickRule(config, meta, findings);
  if (!picked) return emptyGraph(meta, findings);
  const { rule } = picked;
  const merged = applyOverrides(picked.config, meta.loadArgs);
  const reader = new ConfigReader(merged, meta.nameRange, meta.file);

  const head = chooseHead(rule, merged, meta, findings);
  const fusedAttention = chooseAttention(rule, merged, meta, findings);
  const maxSeq = rule.maxSeq(reader);
  const requestedSeq = meta.options.seq;
  const seq = requestedSeq ?? (maxSeq !== undefined ? Math.min(maxSeq, DEFAULT_SEQ_CAP) : DEFAULT_SEQ);
  if (requestedSeq !== undefined && maxSeq !== undefined && requestedSeq > maxSeq) {
    findings.push(
      finding(
        'hf-seq-exceeds-context',
        `Sequence length ${requestedSeq} is longer than the model's ${maxSeq}-token context (max_position_embeddings).`,
        meta.nameRange,
        'warning',
        meta.file,
      ),
    );
  }
  const batch = Math.max(1, Math.floor(meta.options.batch));
  const ctx: BuildContext = {
    batch,
    seq,
    fp32Compute: meta.options.precision === 'fp32' || meta.options.precision === 'tf32',
    fusedAttention,
  };

  const built = rule.build(reader, head, ctx);
  built.root.range = meta.range;
  const total = subtreeSum(built.root, (n) => n.ownParams);
  const trainable = subtreeSum(built.root, (n) => n.ownTrainableParams);
  const buffers = subtreeSum(built.root, (n) => n.ownBuffers);

  const input: ModelGraph['input'] = {
    shapes: built.inputShapes,
    dtypes: built.inputShapes.map(() => 'int' as const),
    source: requestedSeq !== undefined ? 'setting' : 'config',
    description:
      requestedSeq !== undefined
        ? `${built.inputDescription} (sequence length from the settings)`
        : `${built.inputDescription} (sequence length ${maxSeq !== undefined ? `min(context ${maxSeq}, ${DEFAULT_SEQ_CAP})` : `default ${DEFAULT_SEQ}`})`,
    batch,
    seq,
  };
  const params = { total, trainable, nonTrainable: total - trainable, buffers };
  const allFindings = uniqueFindings([...findings, ...reader.findings]);
  const graph = graphOf(meta, built.root, params, { input, transformer: built.transformer }, false, allFindings);
  const weightFormat = readWeightFormat(picked.config, meta.loadArgs ?? {});
  if (weightFormat) graph.weightFormat = weightFormat;
  return graph;
}
