/**
 * Sequence-first inputs: torch's RNN/LSTM/GRU and (Multihead)Attention without batch_first
 * take [seq, batch, features]. The input records the true batch and sequence length, and
 * the estimate scales from that batch. Expected figures were measured with torch 1.13:
 * `/usr/bin/python3 scripts/torch_batch_scaling.py` (MACs counted on aten matmuls, saved
 * bytes with saved_tensors_hooks deduplicated by storage).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelReport } from '../../src/core/estimate/index';
import { evaluateModels } from '../../src/core/frameworks/evaluate';
import type { ModelGraph } from '../../src/core/graph';
import { DEFAULT_OPTIONS, type EstimateOptions } from '../../src/core/options';
import { renderModel } from '../../src/cli/text';
import { initParserFromDisk } from '../../src/node/wasm';
import { torchFixtureHost as host, TORCH_FIXTURES as FIXTURES } from './helpers/torchCorpus';


function model(rel: string, name: string, options: EstimateOptions = DEFAULT_OPTIONS): ModelGraph {
  const file = join(FIXTURES, rel).replace(/\\/g, '/');
  const { graphs } = evaluateModels(readFileSync(file, 'utf8'), { file, host, options });
  const g = graphs.find((x) => x.name === name);
  assert.ok(g, `${name} not found in ${rel}: ${graphs.map((x) => x.name).join(', ')}`);
  return g;
}

function within(actual: number, expected: number, tolerance: number, what: string): void {
  const err = Math.abs(actual - expected) / expected;
  assert.ok(err <= tolerance, `${what}: ${actual} vs torch ${expected} (${(err * 100).toFixed(2)}% > ${tolerance * 100}%)`);
}

describe('sequence-first inputs (batch in dimension 1)', function () {
  this.timeout(60_000);

  before(async () => {
    await initParserFromDisk();
  });

  describe('seq2seq_gru.py: model(src [20, 32], trg [18, 32]) into nn.GRU without batch_first', () => {
    it('records batch 32 and sequence 20, whatever the batch setting', () => {
      for (const batch of [8, 20, 32]) {
        const g = model('seq2seq_gru.py', 'model', { ...DEFAULT_OPTIONS, batch });
        assert.deepEqual(g.input?.shapes, [[20, 32], [18, 32]]);
        assert.equal(g.input?.batch, 32, `batch setting ${batch}`);
        assert.equal(g.input?.seq, 20);
        assert.equal(g.input?.batchDim, 1);
        assert.match(g.input?.description ?? '', /sequence first: the batch is dimension 1 \(GRU/);
      }
    });

    it("estimates at the example's batch 32: torch's 6,774,194,176 MACs and 31,704,576 saved bytes", () => {
      const r = buildModelReport(model('seq2seq_gru.py', 'model'), DEFAULT_OPTIONS, []);
      assert.equal(r.options.batch, 32);
      // torch 1.13, batch 32: 6,774,194,176 MACs (scripts/torch_batch_scaling.py).
      assert.equal(r.macs.forward, 6_774_194_176);
      // torch 1.13, batch 32: autograd keeps 31,704,576 bytes (fp32).
      within(r.memory.train.activationsBytes, 31_704_576, 0.01, 'activations at batch 32');
      assert.match(renderModel(r, 1), /at batch 32 ·/);
    });

    it('scales the true batch when a person asks for 64: torch at [20, 64] and [18, 64]', () => {
      const g = model('seq2seq_gru.py', 'model', { ...DEFAULT_OPTIONS, batch: 64, batchFromUser: true });
      const r = buildModelReport(g, { ...DEFAULT_OPTIONS, batch: 64, batchFromUser: true }, []);
      // torch 1.13, batch 64: 13,548,388,352 MACs and 63,409,152 saved bytes.
      assert.equal(r.macs.forward, 13_548_388_352);
      within(r.memory.train.activationsBytes, 63_409_152, 0.01, 'activations at batch 64');
      // Output shapes move the batch in dimension 1 of [seq, batch, …] and in dimension 0 of [batch, …].
      const rows = new Map(r.layers.map((l) => [l.path, l.outputShape]));
      // torch's forward hooks at batch 32 (expected/seq2seq_gru.json) give encoder.rnn [20, 32, 1024] and
      // [2, 32, 512], encoder.fc [32, 512], the model [18, 32, 6000]; nn.GRU documents output (L, N, D·H_out)
      // and h_n (D·num_layers, N, H_out), so at batch 64 N is 64 in each.
      assert.deepEqual(rows.get('encoder.rnn'), [[20, 64, 1024], [2, 64, 512]]);
      assert.deepEqual(rows.get('encoder.fc'), [[64, 512]]);
      assert.deepEqual(rows.get(''), [[18, 64, 6000]]);
    });
  });

  describe('transformer_seq2seq.py: nn.Transformer without batch_first, src [24, 8]', () => {
    it('records batch 8 and sequence 24 even when the batch setting is 24', () => {
      const g = model('transformer_seq2seq.py', 'model', { ...DEFAULT_OPTIONS, batch: 24 });
      assert.equal(g.input?.batch, 8);
      assert.equal(g.input?.seq, 24);
      assert.equal(g.input?.batchDim, 1);
    });

    it('scales to batch 64 as torch measures it: 37,844,156,416 MACs', () => {
      const options = { ...DEFAULT_OPTIONS, batch: 64, batchFromUser: true };
      const r = buildModelReport(model('transformer_seq2seq.py', 'model', options), options, []);
      // torch 1.13: 4,730,519,552 MACs at batch 8, 37,844,156,416 at batch 64.
      assert.equal(r.macs.forward, 37_844_156_416);
    });
  });

  describe('sequence_first.py: inputs made batch first are read sequence first', () => {
    it('a # profile: input=(35,) batch=16 on an nn.LSTM language model traces [35, 16]', () => {
      const g = model('sequence_first.py', 'WordLSTM');
      assert.deepEqual(g.input?.shapes, [[35, 16]]);
      assert.equal(g.input?.batch, 16);
      assert.equal(g.input?.seq, 35);
      assert.match(g.input?.description ?? '', /read sequence first as \[35, 16\] \(LSTM takes/);
      // torch 1.13 forward hooks at [35, 16] (expected/sequence_first.json): rnn output [35, 16, 200], h_n and c_n [2, 16, 200].
      const rnn = g.root.children.find((c) => c.path === 'rnn');
      assert.deepEqual(rnn?.outputShapes, [[35, 16, 200], [2, 16, 200], [2, 16, 200]]);
    });

    it('scales GRUScorer (example [40, 8]) to batch 48 as torch measures it, not to 48 steps', () => {
      const options = { ...DEFAULT_OPTIONS, batch: 48, batchFromUser: true };
      const g = model('sequence_first.py', 'GRUScorer', options);
      assert.equal(g.input?.batch, 8);
      const r = buildModelReport(g, options, []);
      // torch 1.13 at [40, 48]: 330,307,584 MACs, 15,301,632 saved bytes (at [40, 8]: 55,051,264 and 2,550,272).
      assert.equal(r.macs.forward, 330_307_584);
      within(r.memory.train.activationsBytes, 15_301_632, 0.01, 'activations at batch 48');
    });

    it('a # profile: batch=64 over an example call [40, 8] re-batches dimension 1: [40, 64]', () => {
      const g = model('sequence_first.py', 'scorer');
      assert.deepEqual(g.input?.shapes, [[40, 64]]);
      assert.equal(g.input?.batch, 64);
      assert.equal(g.input?.seq, 40);
      // torch 1.13 forward hooks at [40, 64] (expected/sequence_first.json): rnn [40, 64, 128], h_n [2, 64, 128]; score [64, 1].
      const rows = new Map(g.root.children.map((c) => [c.path, c.outputShapes]));
      assert.deepEqual(rows.get('rnn'), [[40, 64, 128], [2, 64, 128]]);
      assert.deepEqual(rows.get('score'), [[64, 1]]);
    });

    it('inferred token ids for a TransformerEncoder without batch_first become [seq 512, batch 8]', () => {
      const g = model('sequence_first.py', 'EncoderLM');
      assert.equal(g.input?.source, 'inferred');
      assert.deepEqual(g.input?.shapes, [[512, 8]]);
      assert.equal(g.input?.batch, 8);
      assert.equal(g.input?.seq, 512);
      // torch 1.13 forward hook on `head` at [512, 8] (expected/sequence_first.json): [512, 8, 2000].
      assert.deepEqual(g.root.children.find((c) => c.path === 'head')?.outputShapes, [[512, 8, 2000]]);
    });

    it('models that read dimension 0 as the batch are left alone (batch_first=True)', () => {
      // lstm_classifier.py: nn.LSTM(batch_first=True) fed torch.randint(0, V, (16, 64)).
      const g = model('lstm_classifier.py', 'model');
      assert.equal(g.input?.batch, 16);
      assert.equal(g.input?.seq, 64);
      assert.equal(g.input?.batchDim, undefined);
    });
  });
});
