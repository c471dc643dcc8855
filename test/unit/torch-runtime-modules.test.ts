/**
 * nn.Module semantics against torch. The models are in helpers/models/runtime_cases.py;
 * every expected number below was printed by torch 1.13 running that file through
 * helpers/models/measure.py (params: sum(p.numel() for p in m.parameters()), buffers:
 * sum(b.numel() for b in m.buffers()), MACs: matrix products and convolutions counted by
 * a TorchDispatchMode, saved bytes: torch.autograd.graph.saved_tensors_hooks in train mode,
 * fp32, deduplicated by storage, weights left out).
 */
import { strict as assert } from 'node:assert';
import type { ModelGraph } from '../../src/core/graph';
import { evaluate, graphNamed, initEngine, layer, modelSource, savedBytesFp32, totalMacs, type Evaluated } from './helpers/engine';

const EXAMPLES = `
SharedModule()(torch.randn(8, 16))
TiedHead()(torch.randint(0, 100, (8, 12)))
Frozen()(torch.randn(8, 3, 16, 16))
Registries()(torch.randn(8, 4))
Clones()(torch.randn(8, 8))
ordered(torch.randn(8, 1, 28, 28))
TinyResNet(Bottleneck, [2, 1])(torch.randn(8, 3, 32, 32))
moe(torch.randn(8, 10, 32))
Lit()(torch.randn(8, 1, 28, 28))
`;

interface Truth {
  total: number;
  trainable: number;
  buffers: number;
  macs: number;
  output: number[];
  savedBytes: number;
}

function expectTorch(g: ModelGraph, t: Truth): void {
  assert.deepEqual(
    { total: g.params.total, trainable: g.params.trainable, nonTrainable: g.params.nonTrainable, buffers: g.params.buffers },
    { total: t.total, trainable: t.trainable, nonTrainable: t.total - t.trainable, buffers: t.buffers },
    `${g.name} counts`,
  );
  assert.equal(totalMacs(g), t.macs, `${g.name} MACs`);
  assert.deepEqual(g.root.outputShapes, [t.output], `${g.name} output`);
  assert.equal(savedBytesFp32(g), t.savedBytes, `${g.name} saved bytes`);
  assert.equal(g.partial, false, `${g.name} is complete: ${JSON.stringify(g.findings)}`);
}

describe('torch runtime: nn.Module semantics match torch', () => {
  let r: Evaluated;
  before(async () => {
    await initEngine();
    r = evaluate(modelSource('runtime_cases.py') + EXAMPLES, { options: { batch: 8 } });
  });

  it('counts a module registered under two names once', () => {
    const g = graphNamed(r, 'SharedModule');
    // torch 1.13: SharedModule() -> 340 params, 4608 MACs, output [8, 4], 1536 saved bytes
    expectTorch(g, { total: 340, trainable: 340, buffers: 0, macs: 4608, output: [8, 4], savedBytes: 1536 });
    assert.deepEqual(g.root.children.map((c) => c.path), ['a', 'c'], 'named_modules() lists the shared Linear once');
    assert.equal(layer(g, 'a').calls, 2);
  });

  it('counts a tied weight once, at its first owner', () => {
    const g = graphNamed(r, 'TiedHead');
    // torch 1.13: TiedHead() -> 4256 params, 405504 MACs, output [8, 12, 100], 37632 saved bytes
    expectTorch(g, { total: 4256, trainable: 4256, buffers: 0, macs: 405504, output: [8, 12, 100], savedBytes: 37632 });
    assert.equal(layer(g, 'emb').ownParams, 3200);
    assert.equal(layer(g, 'head').ownParams, 0);
  });

  it('follows freezing by loops over parameters(), requires_grad_ and p.requires_grad', () => {
    // torch 1.13: Frozen() -> 330 params, 16 trainable, 17 buffers, 339328 MACs, 256 saved bytes
    expectTorch(graphNamed(r, 'Frozen'), { total: 330, trainable: 16, buffers: 17, macs: 339328, output: [8, 2], savedBytes: 256 });
  });

  it('registers Parameters, buffers, add_module, ParameterList/Dict, ModuleDict and ModuleList', () => {
    // torch 1.13: Registries() -> 194 params, 3 buffers, 1024 MACs, 1216 saved bytes
    const g = graphNamed(r, 'Registries');
    expectTorch(g, { total: 194, trainable: 194, buffers: 3, macs: 1024, output: [8, 4], savedBytes: 1216 });
    assert.deepEqual(
      g.root.children.filter((c) => !c.functional).map((c) => c.path),
      ['proj', 'plist', 'pdict', 'blocks', 'stack'],
    );
  });

  it('deep copies make new parameters; repeating one module does not', () => {
    // torch 1.13: Clones() -> 2760 params, 16384 MACs, 9216 saved bytes
    expectTorch(graphNamed(r, 'Clones'), { total: 2760, trainable: 2760, buffers: 0, macs: 16384, output: [8, 8], savedBytes: 9216 });
  });

  it('profiles a Sequential of an OrderedDict under its variable name', () => {
    const g = graphNamed(r, 'ordered');
    assert.equal(g.kind, 'sequential');
    // torch 1.13: ordered -> 5874 params, 506880 MACs, output [8, 10], 154112 saved bytes
    expectTorch(g, { total: 5874, trainable: 5874, buffers: 0, macs: 506880, output: [8, 10], savedBytes: 154112 });
    assert.deepEqual(layer(g, 'pool').outputShapes, [[8, 4, 12, 12]]);
  });

  it('evaluates builder functions with class attributes, **kwargs and norm_layer arguments', () => {
    const g = graphNamed(r, 'tiny_resnet');
    assert.equal(g.kind, 'builder');
    // torch 1.13: tiny_resnet() -> 35418 params, 1196 buffers, 137766912 MACs at [8, 3, 32, 32], 21602944 saved bytes
    expectTorch(g, { total: 35418, trainable: 35418, buffers: 1196, macs: 137766912, output: [8, 10], savedBytes: 21602944 });
    assert.deepEqual(layer(g, 'layer2.0.downsample.0').outputShapes, [[8, 128, 16, 16]]);
  });

  it('uses an instantiation in the file for a class whose __init__ needs arguments', () => {
    const g = graphNamed(r, 'TinyResNet');
    // Same architecture as tiny_resnet(): TinyResNet(Bottleneck, [2, 1]) is instantiated in the file.
    assert.equal(g.params.total, 35418);
  });

  it('expands a dict config with ** and applies functools.partial norm layers', () => {
    // torch 1.13: MoE(**CFG) -> 16960 params, 1320960 MACs at [8, 10, 32], 196800 saved bytes
    expectTorch(graphNamed(r, 'moe'), { total: 16960, trainable: 16960, buffers: 0, macs: 1320960, output: [8, 10, 32], savedBytes: 196800 });
    assert.equal(graphNamed(r, 'MoE').params.total, 16960);
  });

  it('treats LightningModule subclasses as models', () => {
    // torch 1.13 (LightningModule stubbed as nn.Module): Lit() -> 50890 params, 406528 MACs, 27136 saved bytes
    expectTorch(graphNamed(r, 'Lit'), { total: 50890, trainable: 50890, buffers: 0, macs: 406528, output: [8, 10], savedBytes: 27136 });
  });

  it('lists every model with its kind, in source order', () => {
    assert.deepEqual(
      r.graphs.map((g) => `${g.name}:${g.kind}`),
      [
        'SharedModule:class',
        'TiedHead:class',
        'Frozen:class',
        'Registries:class',
        'Clones:class',
        'ordered:sequential',
        'Bottleneck:class',
        'TinyResNet:class',
        'tiny_resnet:builder',
        'MoE:class',
        'moe:instance',
        'Lit:class',
      ],
    );
  });
});
