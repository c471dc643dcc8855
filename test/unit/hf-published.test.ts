import { strict as assert } from 'node:assert';
import { analyzeConfigJson, findKnownModel, graphFromHfConfig } from '../../src/core/hf';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';
import type { ModelGraph } from '../../src/core/graph';

const R = rangeOf(0, 0, 0, 10);

function known(id: string, options: Partial<EstimateOptions> = {}, modelClass?: string): ModelGraph {
  const config = findKnownModel(id);
  assert.ok(config, `catalog has ${id}`);
  return graphFromHfConfig(config, { name: id, range: R, nameRange: R, options: { ...DEFAULT_OPTIONS, ...options }, modelClass });
}

describe('hf: published parameter counts from the catalog', () => {
  // Each count is torch's sum(p.numel() for p in model.parameters()) as published.
  const cases: Array<[string, number, string, string?]> = [
    // GPT-2 (tied embeddings): reference/estimation.md "Published numbers".
    ['gpt2', 124_439_808, 'reference/estimation.md (GPT-2 small)'],
    ['gpt2-medium', 354_823_168, 'reference/estimation.md (GPT-2 medium)'],
    ['gpt2-large', 774_030_080, 'reference/estimation.md (GPT-2 large)'],
    ['gpt2-xl', 1_557_611_200, 'reference/estimation.md (GPT-2 XL)'],
    // BertModel (with pooler), as AutoModel loads it: reference/estimation.md "BERT-base 109,482,240".
    ['bert-base-uncased', 109_482_240, 'reference/estimation.md (BERT-base)', 'AutoModel'],
    ['meta-llama/Llama-2-7b-hf', 6_738_415_616, 'reference/estimation.md (Llama-2-7B)'],
    ['meta-llama/Llama-2-13b-hf', 13_015_864_320, 'reference/estimation.md (Llama-2-13B)'],
    ['meta-llama/Llama-2-70b-hf', 68_976_648_192, 'reference/estimation.md (Llama-2-70B)'],
    ['meta-llama/Meta-Llama-3-8B', 8_030_261_248, 'reference/estimation.md (Llama-3-8B)'],
    ['meta-llama/Meta-Llama-3-70B', 70_553_706_496, 'reference/estimation.md (Llama-3-70B)'],
    // Llama 3.1 changes only the context and RoPE scaling: the 8B count is the same.
    ['meta-llama/Llama-3.1-8B', 8_030_261_248, 'Llama 3.1 model card: same architecture as Llama 3 8B'],
    // Mistral AI's "7.24B" and "46.7B" figures; exact counts as torch prints them for the HF checkpoints.
    ['mistralai/Mistral-7B-v0.1', 7_241_732_096, 'Mistral-7B-v0.1 (7.24B, arXiv:2310.06825)'],
    ['mistralai/Mixtral-8x7B-v0.1', 46_702_792_704, 'Mixtral-8x7B (46.7B total, arXiv:2401.04088)'],
    // Pythia suite, "Total Params" column of the EleutherAI/pythia README (github.com/EleutherAI/pythia).
    ['EleutherAI/pythia-70m', 70_426_624, 'Pythia README'],
    ['EleutherAI/pythia-160m', 162_322_944, 'Pythia README'],
    ['EleutherAI/pythia-410m', 405_334_016, 'Pythia README'],
    ['EleutherAI/pythia-1b', 1_011_781_632, 'Pythia README'],
    ['EleutherAI/pythia-1.4b', 1_414_647_808, 'Pythia README'],
    ['EleutherAI/pythia-2.8b', 2_775_208_960, 'Pythia README'],
    ['EleutherAI/pythia-6.9b', 6_857_302_016, 'Pythia README'],
    ['EleutherAI/pythia-12b', 11_846_072_320, 'Pythia README'],
    // GPT-NeoX-20B paper (arXiv:2204.06745), Table 1: 20,554,567,680 parameters.
    ['EleutherAI/gpt-neox-20b', 20_554_567_680, 'GPT-NeoX-20B paper, Table 1'],
  ];
  for (const [id, total, source, cls] of cases) {
    it(`${id}: ${total.toLocaleString('en-US')} (${source})`, () => {
      const g = known(id, {}, cls);
      assert.equal(g.params.total, total);
      assert.equal(g.params.trainable, total);
      assert.equal(g.params.nonTrainable, 0);
      assert.equal(g.partial, false);
      assert.deepEqual(g.findings, []);
    });
  }
});

describe('hf: KV-cache facts (TransformerInfo)', () => {
  // KV cache per token = 2 · layers · kv_heads · head_dim · bytes (reference/estimation.md "Inference").
  const perTokenFp16 = (g: ModelGraph): number => {
    const t = g.transformer;
    assert.ok(t);
    return 2 * t.layers * t.kvHeads * t.headDim * 2;
  };

  it('Llama-2-7B: 32 layers, 32 KV heads of 128 -> 512 KiB per token in fp16', () => {
    const t = known('meta-llama/Llama-2-7b-hf').transformer;
    assert.ok(t);
    assert.equal(t.layers, 32);
    assert.equal(t.heads, 32);
    assert.equal(t.kvHeads, 32);
    assert.equal(t.headDim, 128);
    assert.equal(t.hidden, 4096);
    assert.equal(t.ffn, 11008);
    assert.equal(t.vocab, 32000);
    assert.equal(t.mlp, 'swiglu');
    assert.equal(t.decoder, true);
    assert.equal(t.causal, true);
    assert.equal(t.maxSeq, 4096);
    assert.equal(t.tiedEmbeddings, false);
    assert.equal(perTokenFp16(known('meta-llama/Llama-2-7b-hf')), 512 * 1024);
  });

  it('Llama-3-8B: 8 KV heads (grouped-query attention) -> 128 KiB per token in fp16', () => {
    const g = known('meta-llama/Meta-Llama-3-8B');
    assert.equal(g.transformer?.kvHeads, 8);
    assert.equal(g.transformer?.headDim, 128);
    assert.equal(g.transformer?.maxSeq, 8192);
    assert.equal(perTokenFp16(g), 128 * 1024);
  });

  it('Mistral-7B keeps its 4096-token sliding window; Mixtral reports experts', () => {
    assert.equal(known('mistralai/Mistral-7B-v0.1').transformer?.slidingWindow, 4096);
    const mixtral = known('mistralai/Mixtral-8x7B-v0.1').transformer;
    assert.equal(mixtral?.experts, 8);
    assert.equal(mixtral?.expertsPerToken, 2);
    assert.equal(mixtral?.slidingWindow, undefined);
  });

  it('Gemma reads head_dim from the config (256, not hidden/heads)', () => {
    const t = known('google/gemma-7b').transformer;
    assert.equal(t?.headDim, 256);
    assert.equal(t?.hidden, 3072);
    assert.equal(t?.heads, 16);
    assert.equal(t?.tiedEmbeddings, true);
    // gemma-2b: multi-query attention, one KV head.
    assert.equal(known('google/gemma-2b').transformer?.kvHeads, 1);
  });

  it('GPT-2 maxSeq comes from n_positions; tied embeddings', () => {
    const t = known('gpt2').transformer;
    assert.equal(t?.maxSeq, 1024);
    assert.equal(t?.tiedEmbeddings, true);
    assert.equal(t?.mlp, 'gelu');
  });

  it('T5: encoder and decoder blocks, decoder blocks apart', () => {
    const t = known('t5-small').transformer;
    assert.equal(t?.layers, 12);
    assert.equal(t?.decoderLayers, 6);
    assert.equal(t?.headDim, 64);
    assert.equal(t?.decoder, true);
  });
});

describe('hf: LM head ties', () => {
  it('counts the tied lm_head weight once (GPT-2) and the untied one twice (Llama)', () => {
    const gpt2 = known('gpt2');
    const head = gpt2.root.children.find((c) => c.path === 'lm_head');
    assert.equal(head?.ownParams, 0);
    assert.match(head?.note ?? '', /tied to transformer\.wte\.weight/);
    const llama = known('meta-llama/Llama-2-7b-hf');
    assert.equal(llama.root.children.find((c) => c.path === 'lm_head')?.ownParams, 4096 * 32000);
  });

  it('tie_word_embeddings from the config overrides the family default', () => {
    const config = { ...findKnownModel('meta-llama/Llama-2-7b-hf'), tie_word_embeddings: true };
    const g = graphFromHfConfig(config, { name: 'tied', range: R, nameRange: R, options: DEFAULT_OPTIONS });
    assert.equal(g.params.total, 6_738_415_616 - 4096 * 32000);
  });
});

describe('hf: config.json files', () => {
  it('profiles a config.json the way the catalog row does', () => {
    // The public config.json of meta-llama/Llama-2-7b-hf.
    const text = JSON.stringify(
      {
        architectures: ['LlamaForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096,
        initializer_range: 0.02, intermediate_size: 11008, max_position_embeddings: 4096, model_type: 'llama',
        num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 32, pretraining_tp: 1, rms_norm_eps: 1e-5,
        rope_scaling: null, tie_word_embeddings: false, torch_dtype: 'float16', transformers_version: '4.31.0.dev0',
        use_cache: true, vocab_size: 32000,
      },
      null,
      2,
    );
    const { graphs, findings } = analyzeConfigJson(text, '/ws/checkpoints/my-llama/config.json', DEFAULT_OPTIONS);
    assert.deepEqual(findings, []);
    assert.equal(graphs.length, 1);
    assert.equal(graphs[0].name, 'my-llama');
    assert.equal(graphs[0].kind, 'pretrained');
    assert.equal(graphs[0].framework, 'transformers');
    assert.equal(graphs[0].params.total, 6_738_415_616);
    assert.equal(graphs[0].weightFormat?.checkpointDtype, 'float16');
    // "model_type" is on line 10 (0-based 9) of the pretty-printed file.
    assert.equal(graphs[0].nameRange.start.line, text.split('\n').findIndex((l) => l.includes('"model_type"')));
  });
});
