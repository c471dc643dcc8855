/**
 * Training activation memory of the whole engine (source -> graph -> report) against what
 * torch autograd saved for each model of the PyTorch fixture corpus, at two batch sizes.
 *
 * The measurements are `savedBytes` in test/fixtures/pytorch/expected/*.json, written by
 * `/usr/bin/python3 scripts/torch_ground_truth.py` (torch 1.13, CPU, fp32, train mode, dropout
 * masks as CUDA keeps them): every tensor torch.autograd.graph.saved_tensors_hooks saw, counted
 * once per storage, parameters and buffers left out. The goal is within 15%.
 *
 * The script runs the forward only. For a language model the engine also counts what the loss
 * keeps (the logits and their fp32 log-softmax, batch × seq × vocab × (4 + 4) bytes at fp32);
 * that term is taken off here, sized from the LM head's output shape torch recorded.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gatherFacts } from '../../src/core/estimate/facts';
import { buildModelReport } from '../../src/core/estimate/index';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import type { ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS } from '../../src/core/options';
import { initParserFromDisk } from '../../src/node/wasm';
import { torchFixtureHost as host, expectedFiles, TORCH_FIXTURES as FIXTURES, TORCH_EXPECTED as EXPECTED } from './helpers/torchCorpus';

const TOLERANCE = 0.15;
/** Bytes per logit the loss keeps at fp32: the logits (4) and the fp32 log-softmax (4). */
const LOSS_BYTES_PER_LOGIT = 8;
/** Output projections to the vocabulary in the corpus, by module path. */
const HEADS = new Set(['lm_head', 'output', 'head', 'generator']);

interface ExpectedModel {
  name: string;
  input: { batch: number; source: string };
  savedBytes: Record<string, number> | null;
  layers: Record<string, { outputShapes?: number[][] }>;
  notes: string[];
}

/** Elements of the LM head's output at the measured batch `batch0`, or 0 without a head. */
function logitElements(model: ExpectedModel): number {
  for (const [path, layer] of Object.entries(model.layers)) {
    const shape = layer.outputShapes?.[0];
    if (HEADS.has(path) && shape && shape.length === 3) return shape.reduce((a, b) => a * b, 1);
  }
  return 0;
}

describe('training activations of the fixture corpus against torch autograd (within 15%)', function () {
  this.timeout(180_000);
  before(async () => {
    await initParserFromDisk();
  });

  const graphs = new Map<string, ModelGraph[]>();
  const graphsOf = (rel: string): ModelGraph[] => {
    let list = graphs.get(rel);
    if (!list) {
      const file = join(FIXTURES, rel).replace(/\\/g, '/');
      // Evaluated with the default settings, as the editor does: an example call gives its own batch
      // (seq-first for nn.GRU / nn.Transformer), a `# profile:` comment its batch.
      list = evaluateModels(readFileSync(file, 'utf8'), { file, host, options: DEFAULT_OPTIONS }).graphs;
      graphs.set(rel, list);
    }
    return list;
  };

  let measured = 0;
  for (const path of expectedFiles()) {
    const expected = JSON.parse(readFileSync(path, 'utf8')) as { file: string; models: ExpectedModel[] };
    const rel = relative(EXPECTED, path).replace(/\\/g, '/').replace(/\.json$/, '.py');
    for (const model of expected.models) {
      if (!model.savedBytes) continue;
      measured++;
      const saved = model.savedBytes;
      it(`${rel} ${model.name}: ${Object.entries(saved).map(([b, v]) => `batch ${b} ${v.toLocaleString('en-US')} B`).join(', ')}`, () => {
        const graph = graphsOf(rel).find((g) => g.name === model.name && g.framework === 'pytorch');
        assert.ok(graph, `${model.name} not found`);
        // torch 1.13 has no F.scaled_dot_product_attention: the script measured eager attention there.
        const eager = model.notes.some((n) => n.includes('eager reference'));
        const logits0 = logitElements(model);
        for (const [b, bytes] of Object.entries(saved)) {
          const batch = Number(b);
          // The `# profile:` comment fixes one batch; the second measurement is at twice it.
          const report = buildModelReport({ ...graph, profile: undefined }, { ...DEFAULT_OPTIONS, batch, batchFromUser: true, precision: 'fp32', attention: eager ? 'eager' : 'auto' }, []);
          assert.equal(report.options.batch, batch);
          const loss = (logits0 * batch * LOSS_BYTES_PER_LOGIT) / model.input.batch;
          const ours = report.memory.train.activationsBytes - loss;
          const error = Math.abs(ours - bytes) / bytes;
          assert.ok(error <= TOLERANCE, `batch ${batch}: ${ours.toLocaleString('en-US')} B, torch ${bytes.toLocaleString('en-US')} B (${(error * 100).toFixed(1)}% off)`);
        }
      });
    }
  }

  it('reads the batch of a sequence-first example call from its second dimension (nn.GRU, nn.Transformer)', () => {
    // seq2seq_gru.py calls model(src, trg) with src [20, 32]: 20 steps of a batch of 32 for its nn.GRU.
    const gru = graphsOf('seq2seq_gru.py').find((g) => g.name === 'model')!;
    assert.deepEqual([gru.input?.batch, gru.input?.seq], [32, 20]);
    // transformer_seq2seq.py: src [24, 8] for nn.Transformer (batch_first=False): batch 8, 24 tokens.
    const translation = graphsOf('transformer_seq2seq.py').find((g) => g.name === 'model')!;
    assert.deepEqual([translation.input?.batch, translation.input?.seq], [8, 24]);
  });

  it('runs the blocks at the tokens the input gives: a # profile: token count, ViT patches', () => {
    const gpt2 = graphsOf('gpt.py').find((g) => g.name === 'gpt2_small')!;
    // `# profile: input=(256,) batch=2` on a token model: 256 tokens, not GPT-2's 1024 context.
    assert.equal(gpt2.input?.seq, 256);
    assert.equal(gatherFacts(gpt2).seq0, 256);
    const b16 = graphsOf('vit.py').find((g) => g.name === 'vit_b_16')!;
    // ViT-B/16 at 224×224: (224/16)² = 196 patches + the class token = 197 tokens (Dosovitskiy et al. 2021).
    assert.equal(gatherFacts(b16).seq0, 197);
  });

  it('compares every torch-measured model of the corpus', () => {
    // A corpus change cannot silently empty this suite.
    assert.ok(measured >= 50, `only ${measured} models compared`);
  });
});
