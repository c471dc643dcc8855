/**
 * Keras transformers get the same transformer facts as torch ones: the per-block
 * activation formula (Korthikanti et al. 2022) and a KV cache for causal decoders.
 * The facts come from the layers' own arguments (keras.io MultiHeadAttention:
 * num_heads, key_dim; Embedding: input_dim, output_dim; Dense: units, activation),
 * written in the fixtures as module constants.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelReport } from '../../src/core/estimate/index';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import '../../src/core/frameworks/keras';
import type { ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { NO_FILES } from '../../src/core/sourceHost';
import { initParserFromDisk } from '../../src/node/wasm';

const DIR = join(__dirname, '..', 'fixtures', 'keras');

function model(file: string, name: string, text?: string): ModelGraph {
  const path = join(DIR, file);
  const r = evaluateModels(text ?? readFileSync(path, 'utf8'), { file: path, host: NO_FILES, options: DEFAULT_OPTIONS });
  const g = r.graphs.find((x) => x.name === name);
  assert.ok(g, `${name} in ${file}`);
  return g;
}

function options(over: Partial<EstimateOptions>): EstimateOptions {
  return { ...DEFAULT_OPTIONS, ...over };
}

describe('keras transformers: transformer facts for the estimate', () => {
  before(async () => {
    await initParserFromDisk();
  });

  it('mini_gpt.py: a causal decoder with an LM head, read from its layers', () => {
    const g = model('mini_gpt.py', 'mini_gpt');
    // mini_gpt.py: DEPTH 2 blocks, WIDTH 128, HEADS 4 with key_dim WIDTH // HEADS = 32, FFN 512 (gelu),
    // CONTEXT 128 positions, VOCAB 5000 for the token Embedding and the Dense head; use_causal_mask=True.
    assert.deepEqual(g.transformer, {
      layers: 2,
      hidden: 128,
      heads: 4,
      kvHeads: 4,
      headDim: 32,
      ffn: 512,
      mlp: 'gelu',
      decoder: true,
      causal: true,
      blockPaths: ['decoder_block', 'decoder_block_1'],
      vocab: 5000,
      tiedEmbeddings: false,
      maxSeq: 128,
      norm: 'layernorm',
    });
    // keras.Input(shape=(CONTEXT,)): 128 tokens per sequence at the default batch.
    assert.equal(g.input?.seq, 128);
  });

  it('mini_gpt.py: KV cache = 2 · layers · kv_heads · head_dim · seq · batch · bytes', () => {
    const g = model('mini_gpt.py', 'mini_gpt');
    const r = buildModelReport(g, options({ mode: 'infer', precision: 'bf16', batch: 8, seq: 128 }), []);
    // 2 (K and V) · 2 layers · 4 heads · 32 · 128 tokens · 8 sequences · 2 bytes (bf16).
    assert.equal(r.memory.inference.kvCacheBytes, 2 * 2 * 4 * 32 * 128 * 8 * 2);
  });

  it('mini_gpt.py: training activations follow the per-block formula (eager − flash = the 5as²b score terms)', () => {
    const g = model('mini_gpt.py', 'mini_gpt');
    const base = options({ precision: 'bf16-mixed', batch: 8, seq: 128, attention: 'eager' });
    const eager = buildModelReport(g, base, []).memory.train.activationsBytes;
    const flash = buildModelReport(g, { ...base, attention: 'flash' }, []).memory.train.activationsBytes;
    const tokens = 8 * 128;
    // Korthikanti et al. 2022: 5·a·s²·b bytes per layer of scores, probabilities and dropout mask at 16 bits;
    // FlashAttention (Dao et al. 2022, Alg. 2) keeps the row logsumexp instead, 4 bytes per head per token.
    assert.equal(eager - flash, 2 * (5 * 4 * 128 * tokens - 4 * 4 * tokens));
  });

  it('transformer_text.py: an encoder classifier keeps no KV cache and has no vocabulary head', () => {
    const g = model('transformer_text.py', 'classifier');
    // transformer_text.py: one TransformerBlock, EMBED 32, HEADS 2 with key_dim EMBED = 32, FF 32 (relu), MAXLEN 200.
    assert.deepEqual(g.transformer, {
      layers: 1,
      hidden: 32,
      heads: 2,
      kvHeads: 2,
      headDim: 32,
      ffn: 32,
      mlp: 'relu',
      decoder: false,
      causal: false,
      blockPaths: ['transformer_block'],
      maxSeq: 200,
      norm: 'layernorm',
    });
    const r = buildModelReport(g, options({ mode: 'infer', precision: 'bf16', batch: 8 }), []);
    assert.equal(r.memory.inference.kvCacheBytes, 0);
  });

  it('grouped-query attention: key/value heads from num_key_value_heads', () => {
    const g = model('einsum_gqa.py', 'block');
    // einsum_gqa.py: GroupedQueryAttention(head_dim=32, num_query_heads=8, num_key_value_heads=2) on 256 features,
    // RMSNormalization, an EinsumDense up to 1024 with gelu; attention called in the model itself (no block layer).
    assert.deepEqual(g.transformer, {
      layers: 1,
      hidden: 256,
      heads: 8,
      kvHeads: 2,
      headDim: 32,
      ffn: 1024,
      mlp: 'gelu',
      decoder: false,
      causal: false,
      norm: 'rmsnorm',
    });
  });

  it('models without attention get no transformer facts', () => {
    assert.equal(model('mnist_convnet.py', 'model').transformer, undefined);
  });
});
