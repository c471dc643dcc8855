import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFromHfConfig } from '../../src/core/hf';
import { subtreeSum, walkLayers, type ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { rangeOf } from '../../src/core/source';

/**
 * Expected numbers come from real torch (1.13, Debian's python3-torch) running the independent
 * re-implementations in test/fixtures/hf/reference_models.py, which writes reference.json:
 *   /usr/bin/python3 test/fixtures/hf/reference_models.py
 */
interface RefCase {
  hf_config: Record<string, unknown>;
  params: number;
  buffers: number;
  param_modules: Record<string, number>;
  run?: {
    batch: number;
    seq: number;
    saved_bytes: number;
    linear_macs: number;
    attention_macs: number;
    shapes: Record<string, number[]>;
  };
}

const REF = JSON.parse(readFileSync(join(__dirname, '../fixtures/hf/reference.json'), 'utf8')) as {
  torch: string;
  cases: Record<string, RefCase>;
};
const R = rangeOf(0, 0, 0, 0);

function graphFor(c: RefCase): ModelGraph {
  // fp32 on the eager path: what the CPU measurement ran.
  const options = { ...DEFAULT_OPTIONS, precision: 'fp32' as const, attention: 'eager' as const, batch: c.run?.batch ?? 1, seq: c.run?.seq ?? 8 };
  return graphFromHfConfig(c.hf_config, { name: 'ref', range: R, nameRange: R, options });
}

function ownParamsByPath(g: ModelGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { node } of walkLayers(g.root)) if (node.ownParams > 0) out[node.path] = node.ownParams;
  return out;
}

describe('hf: architecture rules against torch (reference_models.py)', () => {
  it('reference.json was produced by torch', () => {
    assert.match(REF.torch, /^1\.13/);
    assert.ok(Object.keys(REF.cases).length >= 15);
  });

  for (const [name, c] of Object.entries(REF.cases)) {
    describe(name, () => {
      const g = graphFor(c);

      it('parameters and buffers as torch counts them', () => {
        assert.equal(g.params.total, c.params);
        assert.equal(g.params.buffers, c.buffers);
      });

      it('the same module paths own the same parameters (tied tensors at their first owner)', () => {
        assert.deepEqual(ownParamsByPath(g), c.param_modules);
      });

      if (c.run) {
        const run = c.run;
        it(`forward MACs at batch ${run.batch}, seq ${run.seq}: Linear and attention matmuls`, () => {
          assert.equal(subtreeSum(g.root, (n) => n.macs), run.linear_macs + run.attention_macs);
          const attention = subtreeSum(g.root, (n) => (n.functional ? n.macs : 0));
          assert.equal(attention, run.attention_macs);
        });

        it('output shape of every module torch called', () => {
          let compared = 0;
          for (const { node } of walkLayers(g.root)) {
            const torchShape = run.shapes[node.path];
            if (node.functional || !torchShape || !node.outputShapes) continue;
            assert.deepEqual(node.outputShapes[0], torchShape, node.path);
            compared++;
          }
          assert.ok(compared > 10, `compared ${compared} shapes`);
        });

        it('saved-for-backward bytes within 1% of what autograd keeps (fp32)', () => {
          const ours = subtreeSum(g.root, (n) => n.savedElements) * 4 + subtreeSum(g.root, (n) => n.savedFixedBytes);
          const ratio = ours / run.saved_bytes;
          assert.ok(Math.abs(ratio - 1) < 0.01, `ours ${ours} vs torch ${run.saved_bytes} (ratio ${ratio.toFixed(4)})`);
        });
      }
    });
  }
});

describe('hf: Llama module tree as transformers names it', () => {
  const config = REF.cases['tiny-llama-gqa'].hf_config;
  const g = graphFromHfConfig(config, { name: 'tiny', range: R, nameRange: R, options: { ...DEFAULT_OPTIONS, batch: 2, seq: 16 } });
  const byPath = new Map([...walkLayers(g.root)].map(({ node }) => [node.path, node]));

  it('has the transformers paths and class names', () => {
    const expect: Array<[string, string]> = [
      ['', 'LlamaForCausalLM'],
      ['model', 'LlamaModel'],
      ['model.embed_tokens', 'Embedding'],
      ['model.layers', 'ModuleList'],
      ['model.layers.0', 'LlamaDecoderLayer'],
      ['model.layers.0.self_attn', 'LlamaAttention'],
      ['model.layers.0.self_attn.q_proj', 'Linear'],
      ['model.layers.1.self_attn.k_proj', 'Linear'],
      ['model.layers.0.mlp', 'LlamaMLP'],
      ['model.layers.0.mlp.act_fn', 'SiLU'],
      ['model.layers.0.input_layernorm', 'LlamaRMSNorm'],
      ['model.norm', 'LlamaRMSNorm'],
      ['model.rotary_emb', 'LlamaRotaryEmbedding'],
      ['lm_head', 'Linear'],
    ];
    for (const [path, type] of expect) assert.equal(byPath.get(path)?.type, type, path);
  });

  it('sizes q/k/v for grouped-query attention and records linear dims for LoRA', () => {
    // 8 heads of 8, 2 KV heads: q_proj 64->64, k_proj and v_proj 64->16.
    assert.deepEqual(byPath.get('model.layers.0.self_attn.q_proj')?.linearDims, [64, 64]);
    assert.deepEqual(byPath.get('model.layers.0.self_attn.k_proj')?.linearDims, [64, 16]);
    assert.deepEqual(byPath.get('model.layers.0.self_attn.k_proj')?.outputShapes, [[2, 16, 16]]);
  });

  it('states the causal convention on the attention op: the masked half is counted', () => {
    const op = [...walkLayers(g.root)].find(({ node }) => node.functional)?.node;
    assert.ok(op);
    assert.equal(op.type, 'scaled_dot_product_attention');
    assert.match(op.note ?? '', /causal: masked half counted/);
    assert.match(op.note ?? '', /GQA: 2 KV heads repeated to 8/);
    // Q·Kᵀ and A·V: 2 · b · heads · s · s · head_dim.
    assert.equal(op.macs, 2 * 2 * 8 * 16 * 16 * 8);
  });
});

describe('hf: Mixtral sparse MoE compute', () => {
  it('routes every token to num_experts_per_tok experts: MACs assume uniform routing', () => {
    const c = REF.cases['tiny-mixtral'].hf_config;
    const g = graphFromHfConfig(c, { name: 'moe', range: R, nameRange: R, options: { ...DEFAULT_OPTIONS, batch: 2, seq: 16 } });
    // T = 32 tokens, hidden 32, expert ffn 48, 4 experts, 2 per token, 4 heads of 8, 2 KV heads, vocab 100.
    const T = 32;
    const attention = T * 32 * 32 + 2 * T * 32 * 16 + T * 32 * 32 + 2 * 2 * 4 * 16 * 16 * 8;
    const router = T * 32 * 4;
    // Each token runs 2 SwiGLU experts of three 32x48 matrices (Mixtral, arXiv:2401.04088 §2.1).
    const experts = T * 2 * 3 * 32 * 48;
    const lmHead = T * 32 * 100;
    assert.equal(subtreeSum(g.root, (n) => n.macs), 2 * (attention + router + experts) + lmHead);
    const expert0 = [...walkLayers(g.root)].find(({ node }) => node.path === 'model.layers.0.block_sparse_moe.experts.0')?.node;
    assert.deepEqual(expert0?.outputShapes, [[16, 32]]);
    assert.match(expert0?.note ?? '', /uniform routing/);
  });
});
