import { strict as assert } from 'node:assert';
import { renderModel } from '../../src/cli/text';
import type { ModelReport } from '../../src/core/report';
import { buildModelReport } from '../../src/core/estimate/index';
import { gpt2, llama2_7b, options, transformerGraph } from './estimate-graphs';

const MiB = 2 ** 20;

/** bert-base-cased (config.json: 12 layers, 768, 12 heads, FFN 3072, vocab 28996, 512 positions, 2 token types, pooler). */
function bertBaseCased() {
  return transformerGraph({
    name: 'BertModel',
    info: { layers: 12, hidden: 768, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, mlp: 'gelu', decoder: false, causal: false, maxSeq: 512, dropout: true },
    batch: 1,
    seq: 128,
    vocab: 28996,
    positions: 512,
    tokenTypes: 2,
    bias: true,
    normParams: 1536,
    embeddingNorm: true,
    head: 'none',
    pooler: true,
  });
}

describe('estimate: storage', () => {
  it("bert-base-cased: 413.18 MB of fp32 weights and 1.61 GB to train with Adam, as accelerate's estimate-memory prints", () => {
    const graph = bertBaseCased();
    assert.equal(graph.params.total, 108_310_272);
    const r = buildModelReport(graph, options({ precision: 'fp32', optimizer: 'adam' }), []);
    // accelerate prints MiB as "MB" and also counts the embeddings' position_ids and token_type_ids
    // buffers (2 × 512 int64 = 8,192 B), which the parameter count leaves out.
    assert.equal(((r.memory.train.weightsBytes + 8192) / MiB).toFixed(2), '413.18');
    // Its "training using Adam" figure is 4 × the weights: weights, gradients, two Adam states.
    const m = r.memory.train;
    assert.equal(((m.weightsBytes + m.gradientsBytes + m.optimizerBytes) / 2 ** 30).toFixed(2), '1.61');
    // The fp32 safetensors file: the same bytes plus a header well under 64 KiB.
    const header = r.storage.checkpointBytes['fp32']! - m.weightsBytes;
    assert.ok(header > 0 && header < 64 * 1024, `header ${header}`);
  });

  it('Llama-2-7B GGUF sizes match the published files: Q8_0 7.16, Q6_K 5.53, Q5_K_S 4.65, Q4_0 3.83, Q3_K_S 2.95 GB', () => {
    // TheBloke/Llama-2-7B-GGUF "Provided files": Q8_0 7.16 GB, Q6_K 5.53 GB, Q5_K_S 4.65 GB, Q4_0 3.83 GB,
    // Q3_K_S 2.95 GB (the _S variants use one type for every tensor; llama.cpp keeps the output head at Q6_K).
    const r = buildModelReport(llama2_7b(1, 512), options({ mode: 'infer', precision: 'bf16' }), []);
    const gb = (id: string) => (r.storage.checkpointBytes[id]! / 1e9).toFixed(2);
    assert.equal(gb('gguf-q8_0'), '7.16');
    assert.equal(gb('gguf-q6_k'), '5.53');
    assert.equal(gb('gguf-q5_k'), '4.65');
    assert.equal(gb('gguf-q4_0'), '3.83');
    assert.equal(gb('gguf-q3_k'), '2.95');
  });

  it('bitsandbytes-style formats quantize Linear weights only; NF4 is 4.127 bits per weight', () => {
    const r = buildModelReport(llama2_7b(1, 512), options({ mode: 'infer', precision: 'bf16' }), []);
    const linear = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008);
    const rest = 6_738_415_616 - linear;
    const header = r.storage.checkpointBytes['bf16']! - 2 * 6_738_415_616;
    assert.equal(r.storage.checkpointBytes['nf4'], Math.round((linear * 4.127) / 8 + 2 * rest + header));
    assert.equal(r.storage.checkpointBytes['int8'], linear + 2 * rest + header);
    assert.equal(r.storage.checkpointBytes['int4'], linear / 2 + 2 * rest + header);
    assert.equal(r.storage.checkpointBytes['fp32'], 4 * 6_738_415_616 + header);
  });

  it('the training checkpoint holds weights, master copy and optimizer state; LoRA only its adapters', () => {
    const graph = gpt2();
    const psi = graph.params.total;
    const mixed = buildModelReport(graph, options({ precision: 'bf16-mixed', optimizer: 'adamw' }), []);
    assert.equal(mixed.storage.trainingCheckpointBytes, (2 + 4 + 8) * psi);
    const fp32 = buildModelReport(graph, options({ precision: 'fp32', optimizer: 'adamw' }), []);
    assert.equal(fp32.storage.trainingCheckpointBytes, (4 + 8) * psi);
    // GPT-2 attention and MLP projections with rank-8 LoRA on all linears but the tied head.
    const adapters = 12 * 8 * (4 * (768 + 768) + (768 + 3072) + (3072 + 768));
    const lora = buildModelReport(graph, options({ precision: 'fp32', fineTuning: 'lora', loraRank: 8 }), []);
    assert.equal(lora.storage.trainingCheckpointBytes, (4 + 8) * adapters);
  });

  it('compares the checkpoint with the free disk when it is known', () => {
    const graph = gpt2();
    const tight = buildModelReport(graph, options({ precision: 'fp32' }), [], { freeDiskBytes: 1e9 });
    assert.equal(tight.storage.freeDiskBytes, 1e9);
    assert.match(tight.storage.explain['freeDiskBytes']!, /does not fit; the weights alone do/);
    const roomy = buildModelReport(graph, options({ precision: 'fp32' }), [], { freeDiskBytes: 1e11 });
    assert.match(roomy.storage.explain['freeDiskBytes']!, /room for 66 training checkpoint/);
    const unknown = buildModelReport(graph, options(), []);
    assert.equal(unknown.storage.freeDiskBytes, undefined);
    // The CLI's text prints the comparison under the checkpoint sizes, and only when the disk is known.
    // GPT-2 small fp32 + AdamW: (4 + 8) × 124,439,808 = 1,493,277,696 bytes per training checkpoint, 66 in 100 GB.
    const line = (r: ModelReport) => renderModel(r, 0).split('\n').find((l) => l.startsWith('Disk: '));
    assert.equal(line(roomy), 'Disk: 100.0 GB free: room for 66 training checkpoint(s)');
    assert.equal(line(unknown), undefined);
  });
});
