/**
 * Blocks with more than Korthikanti et al.'s one self-attention and one MLP: a mixture of
 * experts whose forward runs every expert (test/fixtures/pytorch/moe.py), decoder blocks with a
 * cross-attention (test/fixtures/pytorch/transformer_decoder.py), and routed top-k experts.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainActivations } from '../../src/core/estimate/activations';
import { gatherFacts } from '../../src/core/estimate/facts';
import { buildModelReport } from '../../src/core/estimate/index';
import { makePlan } from '../../src/core/estimate/plan';
import { blockSavedPerToken, crossAttentionSavedPerToken, mlpsPerToken } from '../../src/core/estimate/transformer';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import type { ModelGraph, TransformerInfo } from '../../src/core/graph';
import { graphFromHfConfig } from '../../src/core/hf';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';
import { initParserFromDisk } from '../../src/node/wasm';
import { torchFixtureHost as host, TORCH_FIXTURES as FIXTURES } from './helpers/torchCorpus';

function fixtureGraph(file: string, name: string): ModelGraph {
  const path = join(FIXTURES, file).replace(/\\/g, '/');
  const graph = evaluateModels(readFileSync(path, 'utf8'), { file: path, host, options: DEFAULT_OPTIONS }).graphs.find((g) => g.name === name);
  assert.ok(graph, `${name} not found in ${file}`);
  return graph;
}

function within(actual: number, expected: number, tolerance: number, what: string): void {
  const err = Math.abs(actual - expected) / expected;
  assert.ok(err <= tolerance, `${what}: ${actual} vs ${expected} (${(err * 100).toFixed(2)}% > ${tolerance * 100}%)`);
}

function trainExplain(graph: ModelGraph, batch: number): string {
  const report = buildModelReport({ ...graph, profile: undefined }, { ...DEFAULT_OPTIONS, batch, batchFromUser: true, precision: 'fp32', attention: 'eager' }, []);
  return report.memory.train.explain?.activationsBytes ?? '';
}

describe('estimate: activations of blocks beyond one attention and one MLP', function () {
  this.timeout(60_000);
  before(async () => {
    await initParserFromDisk();
  });

  it('moe.py: 8 experts, top-2 gates, every expert run on every token, SiLU MLPs of 512', () => {
    const t = fixtureGraph('moe.py', 'model').transformer;
    // MOE_CONFIG: n_experts 8, top_k 2, d_ff 512; MoELayer.forward stacks expert(x) for all experts.
    assert.deepEqual([t?.experts, t?.expertsPerToken, t?.denseExperts, t?.ffn, t?.mlp], [8, 2, true, 512, 'gelu']);
    assert.equal(t?.crossAttentionLayers, undefined);
    assert.equal(mlpsPerToken(t!), 8);
  });

  it('a dense MoE block saves what torch autograd saves, within 1%', () => {
    const t = fixtureGraph('moe.py', 'model').transformer!;
    const per = blockSavedPerToken(t, 64, 'eager', false);
    // /usr/bin/python3 scripts/block_saved_check.py (torch 1.13, CPU, fp32): one MoEBlock of moe.py,
    // batch 4 × 64 tokens, no dropout: 12,863,496 B saved for backward.
    within((per.elements * 4 + per.bytes) * 4 * 64, 12_863_496, 0.01, 'MoEBlock');
  });

  it('transformer_decoder.py: the 3 nn.TransformerDecoderLayer blocks have a cross-attention each', () => {
    const t = fixtureGraph('transformer_decoder.py', 'EncoderDecoderLM').transformer;
    // dec_layers=3 decoder blocks are the stack; the 2 encoder layers are counted layer by layer.
    assert.deepEqual([t?.layers, t?.crossAttentionLayers, t?.experts], [3, 3, undefined]);
  });

  it('a decoder layer with its cross-attention saves what torch autograd saves, within 10%', () => {
    const t = fixtureGraph('transformer_decoder.py', 'EncoderDecoderLM').transformer!;
    const self = blockSavedPerToken(t, 16, 'eager', true);
    const cross = crossAttentionSavedPerToken(t, 16, 'eager', true);
    const ours = ((self.elements + cross.elements) * 4 + self.bytes + cross.bytes) * 4 * 16;
    // scripts/block_saved_check.py: nn.TransformerDecoderLayer(128, 4, 256, dropout 0.1, gelu, norm_first),
    // batch 4 × 16 tokens, the encoder output left out: 886,288 B on the CPU, where dropout keeps a
    // 4-byte float mask. The estimate counts 1-byte masks as CUDA keeps them: 40,960 mask elements of
    // the layer's nn.Dropout modules + 2 attentions × 4 heads × 16 keys × 64 tokens of attention dropout.
    const cudaMasks = 886_288 - 3 * (40_960 + 2 * 4 * 16 * 64);
    // What stays uncounted: the FFN's inner dropout mask and a few small tensors of torch's MHA.
    within(ours, cudaMasks, 0.1, 'TransformerDecoderLayer');
  });

  it('a cross-attention adds its norm input and Korthikanti’s attention term once more', () => {
    // GPT-3's layer (Korthikanti et al. Table 3): attention 11sbh + 5as²b at 16 bits, dropout on; + the norm's 2sbh.
    const t: TransformerInfo = { layers: 96, hidden: 12288, heads: 96, kvHeads: 96, headDim: 128, ffn: 4 * 12288, mlp: 'gelu', decoder: true, causal: true };
    const s = 2048;
    const cross = crossAttentionSavedPerToken(t, s, 'eager', true);
    assert.equal(2 * cross.elements + cross.bytes, 11 * t.hidden + 5 * t.heads * s + 2 * t.hidden);
  });

  it('the explain line states the dense-experts assumption and the cross-attentions', () => {
    assert.match(trainExplain(fixtureGraph('moe.py', 'model'), 4), /MoE: all 8 experts' MLP activations per token \(the forward runs every expert on every token; its top-2 gates only weight the outputs\)/);
    assert.match(trainExplain(fixtureGraph('transformer_decoder.py', 'EncoderDecoderLM'), 4), /3 blocks by Korthikanti et al\. \(eager attention, dropout masks\); 3 of them with a cross-attention too/);
  });

  it('the per-layer breakdown sums to the total the searches use, cross-attention blocks and checkpointing included', () => {
    const graph = fixtureGraph('transformer_decoder.py', 'EncoderDecoderLM');
    const facts = gatherFacts(graph);
    for (const gradientCheckpointing of [false, true]) {
      const plan = makePlan(facts, { ...DEFAULT_OPTIONS, batch: 8, batchFromUser: true, precision: 'fp32', attention: 'eager', gradientCheckpointing });
      const perNode = new Float64Array(facts.nodes.length);
      const total = trainActivations(plan);
      assert.equal(trainActivations(plan, perNode), total);
      assert.equal(Math.round(perNode.reduce((a, v) => a + v, 0)), Math.round(total));
    }
    // Checkpointed, the 3 blocks keep their inputs and one block, its cross-attention with it, is recomputed.
    const plain = makePlan(facts, { ...DEFAULT_OPTIONS, batch: 8, batchFromUser: true, precision: 'fp32', attention: 'eager' });
    const ckpt = makePlan(facts, { ...DEFAULT_OPTIONS, batch: 8, batchFromUser: true, precision: 'fp32', attention: 'eager', gradientCheckpointing: true });
    const t = facts.transformer!;
    const tokens = 8 * 16;
    const self = blockSavedPerToken(t, 16, 'eager', facts.dropout);
    const cross = crossAttentionSavedPerToken(t, 16, 'eager', facts.dropout);
    const block = tokens * ((self.elements + cross.elements) * 4 + self.bytes + cross.bytes);
    assert.equal(trainActivations(plain) - trainActivations(ckpt), 3 * block - (3 * tokens * t.hidden * 4 + block));
  });

  it('routed top-k experts (Mixtral): k MLPs per token, and the explain line says so', () => {
    // Mixtral routes each token to num_experts_per_tok = 2 of its experts (arXiv:2401.04088 §2.1).
    const R = rangeOf(0, 0, 0, 0);
    const config = { model_type: 'mixtral', hidden_size: 32, intermediate_size: 48, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, num_local_experts: 4, num_experts_per_tok: 2, vocab_size: 100, max_position_embeddings: 64 };
    const g = graphFromHfConfig(config, { name: 'moe', range: R, nameRange: R, options: { ...DEFAULT_OPTIONS, batch: 2, seq: 16 } });
    assert.deepEqual([g.transformer?.experts, g.transformer?.expertsPerToken, g.transformer?.denseExperts], [4, 2, undefined]);
    assert.equal(mlpsPerToken(g.transformer!), 2);
    assert.match(trainExplain(g, 2), /MoE: 2 of 4 experts per token \(top-2 routing\)/);
  });
});
