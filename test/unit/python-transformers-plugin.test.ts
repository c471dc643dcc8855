/**
 * transformers code through evaluateModels: from_pretrained ids and local folders,
 * configs built or edited in the source, and the graphs the hf architecture rules make.
 */
import { strict as assert } from 'node:assert';
import { evaluate, graphNamed, initEngine, memoryHost } from './helpers/engine';

describe('transformers models in Python source', () => {
  before(initEngine);

  it('profiles from_pretrained ids, configs made in the source and edited configs', () => {
    const src = `import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, AutoConfig, LlamaConfig, LlamaForCausalLM

tok = AutoTokenizer.from_pretrained("gpt2")
llama = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf", torch_dtype=torch.bfloat16)
gpt = AutoModelForCausalLM.from_pretrained("gpt2")
cfg = LlamaConfig(hidden_size=512, intermediate_size=1376, num_hidden_layers=4, num_attention_heads=8,
                  num_key_value_heads=2, vocab_size=32000)
small = LlamaForCausalLM(cfg)
c2 = AutoConfig.from_pretrained("gpt2")
c2.n_layer = 6
shallow = AutoModelForCausalLM.from_config(c2)
`;
    const r = evaluate(src);
    assert.deepEqual(r.graphs.map((g) => `${g.name}:${g.framework}:${g.kind}`), ['llama:transformers:pretrained', 'gpt:transformers:pretrained', 'small:transformers:pretrained', 'shallow:transformers:pretrained']);
    // reference/estimation.md: Llama-2-7B 6,738,415,616; GPT-2 small 124,439,808.
    assert.equal(graphNamed(r, 'llama').params.total, 6_738_415_616);
    assert.equal(graphNamed(r, 'gpt').params.total, 124_439_808);
    // GPT-2 with 6 of its 12 blocks: 124,439,808 - 6 x 7,087,872 (torch 1.13: one GPT-2 block's parameters).
    assert.equal(graphNamed(r, 'shallow').params.total, 124_439_808 - 6 * 7_087_872);
    // Llama layout, untied head: 2*32000*512 embeddings and head, 4 x (q,o 512^2; k,v 512*128; 3 x 512*1376; 2 norms of 512), final norm 512.
    assert.equal(graphNamed(r, 'small').params.total, 2 * 32000 * 512 + 4 * (2 * 512 * 512 + 2 * 512 * 128 + 3 * 512 * 1376 + 2 * 512) + 512);
    assert.equal(graphNamed(r, 'small').transformer?.kvHeads, 2);
    assert.deepEqual(graphNamed(r, 'gpt').nameRange, { start: { line: 5, character: 0 }, end: { line: 5, character: 3 } });
  });

  it('reads a local checkpoint folder through the host and reports unknown ids', () => {
    const host = memoryHost({
      '/ws/ckpt/config.json': JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 32 }),
    });
    const src = 'from transformers import AutoModel\nlocal = AutoModel.from_pretrained("./ckpt")\nmissing = AutoModel.from_pretrained("someone/not-a-model")\n';
    const r = evaluate(src, { host, file: '/ws/train.py' });
    const local = graphNamed(r, 'local');
    // GPT-2 layout: wte 100*64, wpe 32*64, per block 12d^2 + 13d (c_attn 3d^2+3d, attn c_proj d^2+d,
    // c_fc 4d^2+4d, mlp c_proj 4d^2+d, two LayerNorms 4d), final LayerNorm 2d, head tied.
    assert.equal(local.params.total, 100 * 64 + 32 * 64 + 2 * (12 * 64 * 64 + 13 * 64) + 2 * 64);
    assert.equal(local.partial, false, JSON.stringify(local.findings));
    const missing = graphNamed(r, 'missing');
    assert.equal(missing.partial, true);
    assert.deepEqual(missing.findings.map((f) => f.code), ['hf-unknown-model']);
  });

  it('counts a transformers backbone inside a torch module, traced at the call, and its freezing', () => {
    const src = `import torch
import torch.nn as nn
from transformers import AutoModel

class Classifier(nn.Module):
    def __init__(self, n_classes=3, freeze=False):
        super().__init__()
        self.bert = AutoModel.from_pretrained("bert-base-uncased")
        if freeze:
            for p in self.bert.parameters():
                p.requires_grad = False
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(768, n_classes)

    def forward(self, input_ids):
        out = self.bert(input_ids=input_ids)
        return self.head(self.drop(out.pooler_output))

model = Classifier()
frozen = Classifier(freeze=True)
model(torch.randint(0, 30522, (4, 128)))
`;
    const r = evaluate(src);
    const g = graphNamed(r, 'model');
    // BERT-base 109,482,240 (reference/estimation.md) + nn.Linear(768, 3) = 2,307.
    assert.equal(g.params.total, 109_482_240 + 2307);
    // torch 1.13 (test/fixtures/pytorch/expected/bert.json): BERT-base at [2, 128] is 22,348,431,360 MACs;
    // at [4, 128] twice that, plus the head's 4 x 768 x 3.
    assert.equal(g.root.children[0]!.path, 'bert', 'in registration order, as named_modules() lists it');
    let macs = 0;
    const walk = (n: typeof g.root): void => {
      macs += n.macs;
      n.children.forEach(walk);
    };
    walk(g.root);
    assert.equal(macs, 2 * 22_348_431_360 + 4 * 768 * 3);
    assert.deepEqual(g.root.outputShapes, [[4, 3]]);
    const f = graphNamed(r, 'frozen');
    assert.equal(f.params.total, 109_482_240 + 2307);
    assert.equal(f.params.trainable, 2307);
  });

  it('treats PreTrainedModel subclasses as torch modules built from their own config class', () => {
    const src = `import torch.nn as nn
from transformers import PreTrainedModel, PretrainedConfig

class TinyConfig(PretrainedConfig):
    model_type = "tiny"
    def __init__(self, hidden=64, classes=4, **kwargs):
        self.hidden = hidden
        self.classes = classes
        super().__init__(**kwargs)

class TinyModel(PreTrainedModel):
    config_class = TinyConfig
    def __init__(self, config):
        super().__init__(config)
        self.body = nn.Linear(config.hidden, config.hidden)
        self.head = nn.Linear(config.hidden, config.classes)
        self.post_init()
    def forward(self, x):
        return self.head(self.body(x).relu())

model = TinyModel(TinyConfig(hidden=32))
`;
    const g = graphNamed(evaluate(src), 'model');
    assert.equal(g.framework, 'pytorch');
    // nn.Linear(32, 32) + nn.Linear(32, 4): 32*32 + 32 + 32*4 + 4
    assert.equal(g.params.total, 1188);
    assert.equal(g.partial, false, JSON.stringify(g.findings));
  });
});
