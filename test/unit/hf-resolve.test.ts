import { strict as assert } from 'node:assert';
import {
  analyzeConfigJson,
  findCatalogEntry,
  findKnownModel,
  graphFromHfConfig,
  headOfClass,
  resolvePretrained,
} from '../../src/core/hf';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';
import type { SourceHost } from '../../src/core/sourceHost';

const R = rangeOf(3, 8, 3, 40);
const meta = (extra: Record<string, unknown> = {}) => ({ name: 'model', range: R, nameRange: R, options: DEFAULT_OPTIONS, ...extra });

/** An in-memory file system for the SourceHost contract. */
function memoryHost(files: Record<string, string>): SourceHost {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  return {
    readFile: (p) => files[p],
    isFile: (p) => p in files,
    isDirectory: (p) => dirs.has(p),
    importRoots: [],
  };
}

describe('hf: catalog lookup', () => {
  it('matches case-insensitively and without the organisation', () => {
    assert.equal(findCatalogEntry('META-LLAMA/llama-2-7B-HF')?.id, 'meta-llama/Llama-2-7b-hf');
    assert.equal(findCatalogEntry('Llama-2-7b-hf')?.id, 'meta-llama/Llama-2-7b-hf');
    assert.equal(findCatalogEntry('Mixtral-8x7B-v0.1')?.id, 'mistralai/Mixtral-8x7B-v0.1');
    assert.equal(findCatalogEntry('gpt2')?.id, 'openai-community/gpt2');
    assert.equal(findCatalogEntry(' bert-base-uncased ')?.id, 'google-bert/bert-base-uncased');
    assert.equal(findCatalogEntry('meta-llama/Llama-2-7b-chat-hf')?.id, 'meta-llama/Llama-2-7b-hf');
  });

  it('does not guess: another organisation or an unknown id is not found', () => {
    assert.equal(findCatalogEntry('someone/Llama-2-7b-hf'), undefined);
    assert.equal(findCatalogEntry('no-such-model'), undefined);
    assert.equal(findCatalogEntry(''), undefined);
  });

  it('returns a copy the caller may change', () => {
    const a = findKnownModel('meta-llama/Llama-3.1-8B');
    assert.ok(a);
    (a.rope_scaling as Record<string, unknown>).factor = 1;
    assert.equal((findKnownModel('meta-llama/Llama-3.1-8B')?.rope_scaling as Record<string, unknown>).factor, 8.0);
    assert.equal(a._name_or_path, 'meta-llama/Llama-3.1-8B');
  });

  it('cites a config.json for every row', () => {
    const row = findCatalogEntry('Qwen/Qwen2-7B');
    assert.equal(row?.url, 'https://huggingface.co/Qwen/Qwen2-7B/blob/main/config.json');
  });
});

describe('hf: resolvePretrained', () => {
  const llamaConfig = JSON.stringify({ model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 });
  const host = memoryHost({
    '/ws/checkpoints/my-llama/config.json': llamaConfig,
    '/ws/broken/config.json': '{ "model_type": "llama", ',
    '/ws/empty/weights.bin': '',
    '/ws/gpt2/config.json': JSON.stringify({ model_type: 'gpt2', n_layer: 1 }),
  });

  it('reads config.json from a local folder through the host', () => {
    const r = resolvePretrained('./checkpoints/my-llama', host, '/ws');
    assert.equal(r.source, 'local');
    assert.equal(r.file, '/ws/checkpoints/my-llama/config.json');
    assert.equal(r.config?.hidden_size, 64);
    assert.equal(r.finding, undefined);
    assert.equal(resolvePretrained('/ws/checkpoints/my-llama/', host, '/elsewhere').config?.hidden_size, 64);
    assert.equal(resolvePretrained('../checkpoints/my-llama', host, '/ws/src').config?.hidden_size, 64);
  });

  it('prefers a local folder over a Hub id of the same name, as transformers does', () => {
    const r = resolvePretrained('gpt2', host, '/ws');
    assert.equal(r.source, 'local');
    assert.equal(r.config?.n_layer, 1);
  });

  it('falls back to the catalog for Hub ids', () => {
    const r = resolvePretrained('meta-llama/Meta-Llama-3-8B', host, '/ws');
    assert.equal(r.source, 'catalog');
    assert.equal(r.config?.num_key_value_heads, 8);
  });

  it('gives findings, never throws, for missing and broken checkpoints', () => {
    const missing = resolvePretrained('./nowhere/model', host, '/ws');
    assert.equal(missing.config, undefined);
    assert.equal(missing.finding?.code, 'hf-config-missing');
    const noConfig = resolvePretrained('./empty', host, '/ws');
    assert.equal(noConfig.finding?.code, 'hf-config-missing');
    assert.match(noConfig.finding?.message ?? '', /has no config\.json/);
    const broken = resolvePretrained('./broken', host, '/ws');
    assert.equal(broken.finding?.code, 'hf-bad-config-json');
    const unknown = resolvePretrained('acme/secret-model-9000', host, '/ws');
    assert.equal(unknown.source, 'catalog');
    assert.equal(unknown.finding?.code, 'hf-unknown-model');
    assert.equal(resolvePretrained('', host, '/ws').finding?.code, 'hf-unknown-model');
  });
});

describe('hf: graphFromHfConfig on bad or unusual input', () => {
  it('an unknown model_type is a finding and an empty partial graph', () => {
    const g = graphFromHfConfig({ model_type: 'mamba', hidden_size: 768 }, meta());
    assert.equal(g.params.total, 0);
    assert.equal(g.partial, true);
    assert.equal(g.findings[0].code, 'hf-unknown-model-type');
    assert.match(g.findings[0].message, /"mamba" is not supported yet/);
    assert.deepEqual(g.findings[0].range, R);
  });

  it('wrong value types fall back to the config class default, with a finding', () => {
    const g = graphFromHfConfig({ model_type: 'gpt2', n_layer: 'twelve', n_embd: -5 }, meta());
    // GPT2Config defaults (n_layer 12, n_embd 768): GPT-2 small's 124,439,808 (reference/estimation.md).
    assert.equal(g.params.total, 124_439_808);
    assert.deepEqual(
      g.findings.map((f) => f.code),
      ['hf-bad-config-value', 'hf-bad-config-value'],
    );
  });

  it('a non-object config is an error finding', () => {
    const g = graphFromHfConfig([] as unknown as Record<string, unknown>, meta());
    assert.equal(g.findings[0].code, 'hf-bad-config');
  });

  it('a multimodal wrapper profiles its text_config with a finding', () => {
    const g = graphFromHfConfig({ model_type: 'llava', text_config: { model_type: 'llama', num_hidden_layers: 2, hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, vocab_size: 100 } }, meta());
    // 2 layers · (4·64² + 3·64·128 + 2·64) + 2·100·64 + 64 = 2·(16384 + 24576 + 128) + 12800 + 64.
    assert.equal(g.params.total, 2 * (16384 + 24576 + 128) + 12800 + 64);
    assert.equal(g.findings[0].code, 'hf-partial-architecture');
  });

  it('from_pretrained arguments override config attributes (num_labels) and pick the head', () => {
    const bert = findKnownModel('bert-base-uncased');
    assert.ok(bert);
    const g = graphFromHfConfig(bert, meta({ modelClass: 'BertForSequenceClassification', loadArgs: { num_labels: 3 } }));
    // BertModel 109,482,240 (reference/estimation.md) + classifier Linear(768, 3).
    assert.equal(g.params.total, 109_482_240 + 768 * 3 + 3);
    assert.equal(g.root.type, 'BertForSequenceClassification');
    assert.deepEqual(g.root.outputShapes, [[8, 3]]);
  });

  it('warns when the requested sequence is longer than the context', () => {
    const g = graphFromHfConfig(findKnownModel('gpt2') ?? {}, meta({ options: { ...DEFAULT_OPTIONS, seq: 4096 } }));
    assert.equal(g.findings[0].code, 'hf-seq-exceeds-context');
    assert.equal(g.input?.seq, 4096);
    assert.equal(g.input?.source, 'setting');
  });

  it('without a sequence setting uses the context up to 2048', () => {
    const g = graphFromHfConfig(findKnownModel('meta-llama/Llama-2-7b-hf') ?? {}, meta());
    assert.equal(g.input?.seq, 2048);
    assert.deepEqual(g.input?.shapes, [[8, 2048]]);
    assert.deepEqual(g.input?.dtypes, ['int']);
    assert.equal(g.input?.source, 'config');
  });
});

describe('hf: heads from class names', () => {
  it('maps Auto classes and concrete classes', () => {
    assert.equal(headOfClass('AutoModel'), 'base');
    assert.equal(headOfClass('AutoModelForCausalLM'), 'causal-lm');
    assert.equal(headOfClass('transformers.AutoModelForCausalLM'), 'causal-lm');
    assert.equal(headOfClass('GPT2LMHeadModel'), 'causal-lm');
    assert.equal(headOfClass('LlamaModel'), 'base');
    assert.equal(headOfClass('BertForMaskedLM'), 'masked-lm');
    assert.equal(headOfClass('T5ForConditionalGeneration'), 'seq2seq-lm');
    assert.equal(headOfClass('AutoModelForSequenceClassification'), 'sequence-classification');
    assert.equal(headOfClass('T5EncoderModel'), undefined);
    assert.equal(headOfClass('BertForTokenClassification'), undefined);
  });

  it('an unsupported head falls back to the family default with an info finding', () => {
    const g = graphFromHfConfig(findKnownModel('gpt2') ?? {}, meta({ modelClass: 'GPT2ForTokenClassification' }));
    assert.equal(g.root.type, 'GPT2LMHeadModel');
    assert.equal(g.findings[0].code, 'hf-unsupported-head');
  });
});

describe('hf: weight format facts', () => {
  it('reads BitsAndBytesConfig arguments: 4-bit NF4 with double quantization', () => {
    const g = graphFromHfConfig(
      findKnownModel('meta-llama/Meta-Llama-3-8B') ?? {},
      meta({
        loadArgs: {
          quantization_config: {
            load_in_4bit: true,
            bnb_4bit_quant_type: 'nf4',
            bnb_4bit_use_double_quant: true,
            bnb_4bit_compute_dtype: { name: 'torch.bfloat16' },
          },
          device_map: 'auto',
        },
      }),
    );
    assert.deepEqual(g.weightFormat?.quantization, {
      method: 'bitsandbytes',
      bits: 4,
      quantType: 'nf4',
      doubleQuant: true,
      computeDtype: 'bfloat16',
    });
    assert.equal(g.weightFormat?.suggestedPrecision, 'nf4');
    assert.equal(g.weightFormat?.checkpointDtype, 'bfloat16');
    // Loading options do not change the architecture.
    assert.equal(g.params.total, 8_030_261_248);
  });

  it('load_in_8bit and torch_dtype="auto"', () => {
    const eight = graphFromHfConfig(findKnownModel('gpt2') ?? {}, meta({ loadArgs: { load_in_8bit: true } }));
    assert.equal(eight.weightFormat?.suggestedPrecision, 'int8');
    const auto = graphFromHfConfig(findKnownModel('mistralai/Mistral-7B-v0.1') ?? {}, meta({ loadArgs: { torch_dtype: 'auto' } }));
    assert.equal(auto.weightFormat?.loadDtype, 'bfloat16');
    assert.equal(auto.weightFormat?.suggestedPrecision, 'bf16');
    const half = graphFromHfConfig(findKnownModel('gpt2') ?? {}, meta({ loadArgs: { torch_dtype: 'torch.float16' } }));
    assert.equal(half.weightFormat?.suggestedPrecision, 'fp16');
  });

  it('a GPTQ checkpoint reports its quantization_config', () => {
    const g = graphFromHfConfig({ ...findKnownModel('meta-llama/Llama-2-7b-hf'), quantization_config: { quant_method: 'gptq', bits: 4, group_size: 128 } }, meta());
    assert.deepEqual(g.weightFormat?.quantization, { method: 'gptq', bits: 4 });
    assert.equal(g.weightFormat?.suggestedPrecision, 'int4');
    assert.match(g.weightFormat?.description ?? '', /quantised checkpoint 4-bit gptq/);
  });
});

describe('hf: analyzeConfigJson errors', () => {
  it('broken JSON: an error finding at the position JSON.parse names', () => {
    const text = '{\n  "model_type": "llama",\n  "hidden_size": 4096,,\n}';
    const { graphs, findings } = analyzeConfigJson(text, '/ws/config.json', DEFAULT_OPTIONS);
    assert.equal(graphs.length, 0);
    assert.equal(findings[0].code, 'hf-bad-config-json');
    assert.equal(findings[0].severity, 'error');
    assert.equal(findings[0].range?.start.line, 2);
  });

  it('a JSON file that is not a transformers config yields no model', () => {
    const { graphs, findings } = analyzeConfigJson('{"compilerOptions": {}}', '/ws/tsconfig/config.json', DEFAULT_OPTIONS);
    assert.equal(graphs.length, 0);
    assert.equal(findings[0].code, 'hf-not-a-config');
  });

  it('an unknown model_type gives a graph with the finding on the model_type key', () => {
    const text = '{\n  "architectures": ["MambaForCausalLM"],\n  "model_type": "mamba"\n}';
    const { graphs } = analyzeConfigJson(text, '/ws/m/config.json', DEFAULT_OPTIONS);
    assert.equal(graphs[0].findings[0].code, 'hf-unknown-model-type');
    assert.deepEqual(graphs[0].findings[0].range, rangeOf(2, 2, 2, 14));
  });
});
