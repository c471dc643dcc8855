/**
 * Well-known Hugging Face model ids -> the architecture keys of their config.json.
 * Each row is copied from the model's public config.json (the `url` column); only
 * the keys the architecture rules read are kept. Keys a config.json omits take the
 * config class defaults, exactly as transformers does.
 */

export interface CatalogEntry {
  /** Canonical id on the Hub. */
  id: string;
  /** Other ids that load the same config (legacy names, instruct/chat/deduped variants). */
  aliases?: string[];
  /** The config.json the values come from. */
  url: string;
  config: Record<string, unknown>;
}

const hub = (id: string): string => `https://huggingface.co/${id}/blob/main/config.json`;

function entry(id: string, config: Record<string, unknown>, aliases: string[] = []): CatalogEntry {
  return { id, aliases, url: hub(id), config };
}

// --- Llama family -----------------------------------------------------------------------------

const llama = (o: Record<string, unknown>): Record<string, unknown> => ({
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_act: 'silu',
  tie_word_embeddings: false,
  ...o,
});

const llama2 = (hidden: number, ffn: number, layers: number, heads: number, kv: number) =>
  llama({
    hidden_size: hidden, intermediate_size: ffn, num_hidden_layers: layers, num_attention_heads: heads,
    num_key_value_heads: kv, max_position_embeddings: 4096, rms_norm_eps: 1e-5, vocab_size: 32000, torch_dtype: 'float16',
  });

const llama3 = (hidden: number, ffn: number, layers: number, heads: number, maxPos: number, rope?: Record<string, unknown>) =>
  llama({
    hidden_size: hidden, intermediate_size: ffn, num_hidden_layers: layers, num_attention_heads: heads,
    num_key_value_heads: 8, max_position_embeddings: maxPos, rms_norm_eps: 1e-5, rope_theta: 500000.0,
    vocab_size: 128256, torch_dtype: 'bfloat16', ...(rope ? { rope_scaling: rope } : {}),
  });

const LLAMA31_ROPE = { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' };

const gpt2 = (embd: number, layers: number, heads: number) => ({
  architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', activation_function: 'gelu_new',
  n_ctx: 1024, n_positions: 1024, n_embd: embd, n_layer: layers, n_head: heads, vocab_size: 50257,
});

const pythia = (hidden: number, layers: number, heads: number, vocab = 50304) => ({
  architectures: ['GPTNeoXForCausalLM'], model_type: 'gpt_neox', hidden_act: 'gelu',
  hidden_size: hidden, intermediate_size: 4 * hidden, num_hidden_layers: layers, num_attention_heads: heads,
  max_position_embeddings: 2048, rotary_pct: 0.25, rotary_emb_base: 10000, use_parallel_residual: true,
  tie_word_embeddings: false, vocab_size: vocab, torch_dtype: 'float16',
});

const opt = (hidden: number, layers: number, heads: number, ffn: number, extra: Record<string, unknown> = {}) => ({
  architectures: ['OPTForCausalLM'], model_type: 'opt', activation_function: 'relu', do_layer_norm_before: true,
  hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: heads, ffn_dim: ffn,
  max_position_embeddings: 2048, word_embed_proj_dim: hidden, vocab_size: 50272, torch_dtype: 'float16', ...extra,
});

const bloom = (hidden: number, layers: number, heads: number) => ({
  architectures: ['BloomForCausalLM'], model_type: 'bloom', hidden_size: hidden, n_layer: layers, n_head: heads, vocab_size: 250880,
});

const bert = (hidden: number, layers: number, heads: number, ffn: number, vocab = 30522) => ({
  architectures: ['BertForMaskedLM'], model_type: 'bert', hidden_act: 'gelu', hidden_size: hidden, num_hidden_layers: layers,
  num_attention_heads: heads, intermediate_size: ffn, max_position_embeddings: 512, type_vocab_size: 2, vocab_size: vocab,
});

const roberta = (hidden: number, layers: number, heads: number, ffn: number) => ({
  architectures: ['RobertaForMaskedLM'], model_type: 'roberta', hidden_act: 'gelu', hidden_size: hidden, num_hidden_layers: layers,
  num_attention_heads: heads, intermediate_size: ffn, max_position_embeddings: 514, type_vocab_size: 1, vocab_size: 50265,
  pad_token_id: 1, layer_norm_eps: 1e-5,
});

const t5 = (dModel: number, dFf: number, layers: number, heads: number, extra: Record<string, unknown> = {}) => ({
  architectures: ['T5ForConditionalGeneration'], model_type: 't5', d_model: dModel, d_ff: dFf, d_kv: 64,
  num_layers: layers, num_heads: heads, n_positions: 512, relative_attention_num_buckets: 32, vocab_size: 32128, ...extra,
});

export const CATALOG: CatalogEntry[] = [
  entry('meta-llama/Llama-2-7b-hf', llama2(4096, 11008, 32, 32, 32), ['meta-llama/Llama-2-7b-chat-hf']),
  entry('meta-llama/Llama-2-13b-hf', llama2(5120, 13824, 40, 40, 40), ['meta-llama/Llama-2-13b-chat-hf']),
  entry('meta-llama/Llama-2-70b-hf', llama2(8192, 28672, 80, 64, 8), ['meta-llama/Llama-2-70b-chat-hf']),
  entry('meta-llama/Meta-Llama-3-8B', llama3(4096, 14336, 32, 32, 8192), ['meta-llama/Meta-Llama-3-8B-Instruct']),
  entry('meta-llama/Meta-Llama-3-70B', llama3(8192, 28672, 80, 64, 8192), ['meta-llama/Meta-Llama-3-70B-Instruct']),
  entry('meta-llama/Llama-3.1-8B', llama3(4096, 14336, 32, 32, 131072, LLAMA31_ROPE), [
    'meta-llama/Meta-Llama-3.1-8B', 'meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct',
  ]),
  entry('meta-llama/Llama-3.1-70B', llama3(8192, 28672, 80, 64, 131072, LLAMA31_ROPE), [
    'meta-llama/Meta-Llama-3.1-70B', 'meta-llama/Llama-3.1-70B-Instruct', 'meta-llama/Meta-Llama-3.1-70B-Instruct',
  ]),
  entry('mistralai/Mistral-7B-v0.1', {
    architectures: ['MistralForCausalLM'], model_type: 'mistral', hidden_act: 'silu', hidden_size: 4096, intermediate_size: 14336,
    max_position_embeddings: 32768, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, rms_norm_eps: 1e-5,
    rope_theta: 10000.0, sliding_window: 4096, tie_word_embeddings: false, torch_dtype: 'bfloat16', vocab_size: 32000,
  }, ['mistralai/Mistral-7B-Instruct-v0.1']),
  entry('mistralai/Mixtral-8x7B-v0.1', {
    architectures: ['MixtralForCausalLM'], model_type: 'mixtral', hidden_act: 'silu', hidden_size: 4096, intermediate_size: 14336,
    max_position_embeddings: 32768, num_attention_heads: 32, num_experts_per_tok: 2, num_hidden_layers: 32, num_key_value_heads: 8,
    num_local_experts: 8, rms_norm_eps: 1e-5, rope_theta: 1e6, router_aux_loss_coef: 0.02, sliding_window: null,
    tie_word_embeddings: false, torch_dtype: 'bfloat16', vocab_size: 32000,
  }, ['mistralai/Mixtral-8x7B-Instruct-v0.1']),
  entry('Qwen/Qwen2-7B', {
    architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_act: 'silu', hidden_size: 3584, intermediate_size: 18944,
    max_position_embeddings: 131072, max_window_layers: 28, num_attention_heads: 28, num_hidden_layers: 28, num_key_value_heads: 4,
    rms_norm_eps: 1e-6, rope_theta: 1e6, sliding_window: 131072, tie_word_embeddings: false, torch_dtype: 'bfloat16',
    use_sliding_window: false, vocab_size: 152064,
  }, ['Qwen/Qwen2-7B-Instruct']),
  entry('Qwen/Qwen2-0.5B', {
    architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_act: 'silu', hidden_size: 896, intermediate_size: 4864,
    max_position_embeddings: 131072, max_window_layers: 24, num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2,
    rms_norm_eps: 1e-6, rope_theta: 1e6, sliding_window: 131072, tie_word_embeddings: true, torch_dtype: 'bfloat16',
    use_sliding_window: false, vocab_size: 151936,
  }, ['Qwen/Qwen2-0.5B-Instruct']),
  entry('google/gemma-7b', {
    architectures: ['GemmaForCausalLM'], model_type: 'gemma', hidden_act: 'gelu', head_dim: 256, hidden_size: 3072,
    intermediate_size: 24576, max_position_embeddings: 8192, num_attention_heads: 16, num_hidden_layers: 28, num_key_value_heads: 16,
    rms_norm_eps: 1e-6, rope_theta: 10000.0, torch_dtype: 'bfloat16', vocab_size: 256000,
  }, ['google/gemma-7b-it']),
  entry('google/gemma-2b', {
    architectures: ['GemmaForCausalLM'], model_type: 'gemma', hidden_act: 'gelu', head_dim: 256, hidden_size: 2048,
    intermediate_size: 16384, max_position_embeddings: 8192, num_attention_heads: 8, num_hidden_layers: 18, num_key_value_heads: 1,
    rms_norm_eps: 1e-6, rope_theta: 10000.0, torch_dtype: 'bfloat16', vocab_size: 256000,
  }, ['google/gemma-2b-it']),
  entry('microsoft/Phi-3-mini-4k-instruct', {
    architectures: ['Phi3ForCausalLM'], model_type: 'phi3', hidden_act: 'silu', hidden_size: 3072, intermediate_size: 8192,
    max_position_embeddings: 4096, original_max_position_embeddings: 4096, num_attention_heads: 32, num_hidden_layers: 32,
    num_key_value_heads: 32, rms_norm_eps: 1e-5, rope_theta: 10000.0, sliding_window: 2047, tie_word_embeddings: false,
    torch_dtype: 'bfloat16', vocab_size: 32064, attention_dropout: 0.0, embd_pdrop: 0.0, resid_pdrop: 0.0,
  }),
  entry('openai-community/gpt2', gpt2(768, 12, 12), ['gpt2']),
  entry('openai-community/gpt2-medium', gpt2(1024, 24, 16), ['gpt2-medium']),
  entry('openai-community/gpt2-large', gpt2(1280, 36, 20), ['gpt2-large']),
  entry('openai-community/gpt2-xl', gpt2(1600, 48, 25), ['gpt2-xl']),
  entry('distilbert/distilgpt2', gpt2(768, 6, 12), ['distilgpt2']),
  entry('EleutherAI/pythia-70m', pythia(512, 6, 8), ['EleutherAI/pythia-70m-deduped']),
  entry('EleutherAI/pythia-160m', pythia(768, 12, 12), ['EleutherAI/pythia-160m-deduped']),
  entry('EleutherAI/pythia-410m', pythia(1024, 24, 16), ['EleutherAI/pythia-410m-deduped']),
  entry('EleutherAI/pythia-1b', pythia(2048, 16, 8), ['EleutherAI/pythia-1b-deduped']),
  entry('EleutherAI/pythia-1.4b', pythia(2048, 24, 16), ['EleutherAI/pythia-1.4b-deduped']),
  entry('EleutherAI/pythia-2.8b', pythia(2560, 32, 32), ['EleutherAI/pythia-2.8b-deduped']),
  entry('EleutherAI/pythia-6.9b', pythia(4096, 32, 32, 50432), ['EleutherAI/pythia-6.9b-deduped']),
  entry('EleutherAI/pythia-12b', pythia(5120, 36, 40, 50688), ['EleutherAI/pythia-12b-deduped']),
  entry('EleutherAI/gpt-neox-20b', { ...pythia(6144, 44, 64, 50432), intermediate_size: 24576 }),
  entry('EleutherAI/gpt-j-6b', {
    architectures: ['GPTJForCausalLM'], model_type: 'gptj', activation_function: 'gelu_new', n_embd: 4096, n_head: 16,
    n_layer: 28, n_positions: 2048, rotary_dim: 64, tie_word_embeddings: false, vocab_size: 50400,
    attn_pdrop: 0.0, embd_pdrop: 0.0, resid_pdrop: 0.0,
  }, ['EleutherAI/gpt-j-6B']),
  entry('facebook/opt-125m', opt(768, 12, 12, 3072)),
  entry('facebook/opt-350m', opt(1024, 24, 16, 4096, { do_layer_norm_before: false, word_embed_proj_dim: 512 })),
  entry('facebook/opt-1.3b', opt(2048, 24, 32, 8192)),
  entry('facebook/opt-2.7b', opt(2560, 32, 32, 10240)),
  entry('facebook/opt-6.7b', opt(4096, 32, 32, 16384)),
  entry('facebook/opt-13b', opt(5120, 40, 40, 20480)),
  entry('facebook/opt-30b', opt(7168, 48, 56, 28672)),
  entry('facebook/opt-66b', opt(9216, 64, 72, 36864)),
  entry('bigscience/bloom-560m', bloom(1024, 24, 16)),
  entry('bigscience/bloom-1b1', bloom(1536, 24, 16)),
  entry('bigscience/bloom-1b7', bloom(2048, 24, 16)),
  entry('bigscience/bloom-3b', bloom(2560, 30, 32)),
  entry('bigscience/bloom-7b1', bloom(4096, 30, 32)),
  entry('tiiuae/falcon-7b', {
    architectures: ['FalconForCausalLM'], model_type: 'falcon', alibi: false, bias: false, hidden_size: 4544,
    multi_query: true, new_decoder_architecture: false, num_attention_heads: 71, num_hidden_layers: 32, parallel_attn: true,
    torch_dtype: 'bfloat16', vocab_size: 65024,
  }, ['tiiuae/falcon-7b-instruct']),
  entry('tiiuae/falcon-40b', {
    architectures: ['FalconForCausalLM'], model_type: 'falcon', alibi: false, bias: false, hidden_size: 8192,
    new_decoder_architecture: true, num_attention_heads: 128, num_hidden_layers: 60, num_kv_heads: 8, parallel_attn: true,
    torch_dtype: 'bfloat16', vocab_size: 65024,
  }, ['tiiuae/falcon-40b-instruct']),
  entry('google-bert/bert-base-uncased', bert(768, 12, 12, 3072), ['bert-base-uncased']),
  entry('google-bert/bert-large-uncased', bert(1024, 24, 16, 4096), ['bert-large-uncased']),
  entry('google-bert/bert-base-cased', bert(768, 12, 12, 3072, 28996), ['bert-base-cased']),
  entry('FacebookAI/roberta-base', roberta(768, 12, 12, 3072), ['roberta-base']),
  entry('FacebookAI/roberta-large', roberta(1024, 24, 16, 4096), ['roberta-large']),
  entry('google-t5/t5-small', t5(512, 2048, 6, 8), ['t5-small']),
  entry('google-t5/t5-base', t5(768, 3072, 12, 12), ['t5-base']),
  entry('google-t5/t5-large', t5(1024, 4096, 24, 16), ['t5-large']),
  entry('google/flan-t5-small', t5(512, 1024, 8, 6, { num_decoder_layers: 8, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false })),
  entry('google/flan-t5-base', t5(768, 2048, 12, 12, { num_decoder_layers: 12, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false })),
];

const BY_ID = new Map<string, CatalogEntry>();
const BY_NAME = new Map<string, CatalogEntry[]>();
for (const e of CATALOG) {
  for (const id of [e.id, ...(e.aliases ?? [])]) {
    const key = id.toLowerCase();
    BY_ID.set(key, e);
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    const list = BY_NAME.get(name) ?? [];
    if (!list.includes(e)) list.push(e);
    BY_NAME.set(name, list);
  }
}

/**
 * The catalog entry for a model id: case-insensitive, tolerant of a missing organisation
 * ("Llama-2-7b-hf" finds meta-llama/Llama-2-7b-hf), of surrounding whitespace and of a
 * trailing slash. A name without an organisation that two entries share is not guessed.
 */
export function findCatalogEntry(id: string): CatalogEntry | undefined {
  const key = id.trim().replace(/\/+$/, '').toLowerCase();
  if (key === '') return undefined;
  const exact = BY_ID.get(key);
  if (exact) return exact;
  if (key.includes('/')) return undefined;
  const candidates = BY_NAME.get(key);
  return candidates && candidates.length === 1 ? candidates[0] : undefined;
}

/** A copy of the config values of a well-known model id, or undefined. */
export function findKnownModel(id: string): Record<string, unknown> | undefined {
  const e = findCatalogEntry(id);
  // A deep copy: callers may merge from_pretrained arguments into it.
  return e ? { ...(JSON.parse(JSON.stringify(e.config)) as Record<string, unknown>), _name_or_path: e.id } : undefined;
}
