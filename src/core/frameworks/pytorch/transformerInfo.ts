/**
 * Recognises a transformer in a traced torch model: the stack of identical
 * attention blocks, and from it hidden size, heads, KV heads (GQA), head dim,
 * FFN size and kind (SwiGLU when gate/up/down with SiLU), vocabulary (LM
 * head), causality, context length, tied embeddings and fused attention.
 * Read from module attributes (n_head, num_key_value_heads ...), layer
 * arguments and the shapes the forward produced.
 */
import type { LayerNode, TransformerInfo } from '../../graph';
import type { InstV, TensorV, Value } from '../../python/values';
import type { TorchRuntime } from './runtime';
import type { Trace } from './trace';
import { modelMaxSeq } from './inputs';

const HEAD_ATTRS = ['n_head', 'n_heads', 'num_heads', 'num_attention_heads', 'nhead', 'heads', 'n_heads_q', 'num_q_heads'];
const KV_ATTRS = ['n_kv_heads', 'n_kv_head', 'num_key_value_heads', 'num_kv_heads', 'n_kv', 'kv_heads', 'n_head_kv', 'num_kv'];
const ATTN_NAME = /attn|attention/i;
const QKV_NAME = /(^|_)(q|k|v|qkv|query|key|value|wq|wk|wv|c_attn|in_proj|to_q|to_k|to_v|to_qkv|kv)(_proj)?$/i;

function intAttr(v: Value | undefined): number | undefined {
  return v && v.t === 'int' && v.v > 0n && v.v < 10_000_000n ? Number(v.v) : undefined;
}

function findAttr(mods: InstV[], names: string[]): number | undefined {
  const seen = new Set<Value>();
  const look = (v: Value, depth: number): number | undefined => {
    if (depth > 2 || v.t !== 'inst' || seen.has(v)) return undefined;
    seen.add(v);
    for (const n of names) {
      const x = intAttr(v.dict.get(n));
      if (x) return x;
    }
    for (const [k, x] of v.dict) if (/config|cfg|args|params/i.test(k)) {
      const r = look(x, depth + 1);
      if (r) return r;
    }
    return undefined;
  };
  for (const m of mods) {
    const r = look(m, 0);
    if (r) return r;
  }
  return undefined;
}

interface Linear {
  path: string;
  name: string;
  inF: number;
  outF: number;
  weight?: TensorV;
}

export function detectTransformer(rt: TorchRuntime, model: InstV, root: LayerNode, trace: Trace | undefined): TransformerInfo | undefined {
  const named = rt.namedModules(model);
  const byPath = new Map(named);
  const typeOf = (m: InstV) => rt.state(m)?.spec?.type ?? m.cls.name;

  // Where attention lives: MultiheadAttention modules, modules named *attn*/*attention*,
  // and modules whose forward ran a softmax or scaled_dot_product_attention.
  const attentionPaths: string[] = [];
  for (const [p, m] of named) if (typeOf(m) === 'MultiheadAttention' || ATTN_NAME.test(p.slice(p.lastIndexOf('.') + 1))) attentionPaths.push(p);
  collectFunctional(root, (t) => t === 'scaled_dot_product_attention' || t === 'softmax', attentionPaths);
  if (!attentionPaths.length) return undefined;

  // The block stack: the longest container of same-class modules with attention inside.
  let best: { path: string; blocks: InstV[] } | undefined;
  const hasAttention = (_block: InstV, path: string): boolean => attentionPaths.some((p) => p === path || p.startsWith(path + '.'));
  for (const [path, m] of named) {
    const s = rt.state(m);
    if (!s || !(m.cls.name === 'ModuleList' || m.cls.name === 'Sequential')) continue;
    const kids = [...s.modules.values()].filter((x): x is InstV => !!x);
    if (kids.length < 1 || !kids.every((k) => k.cls === kids[0]!.cls)) continue;
    const firstPath = [...s.modules.keys()][0]!;
    if (!hasAttention(kids[0]!, path ? `${path}.${firstPath}` : firstPath)) continue;
    if (!best || kids.length > best.blocks.length) best = { path, blocks: kids };
  }
  if (!best) return undefined;
  const blockPath = `${best.path ? best.path + '.' : ''}${[...rt.state(byPath.get(best.path)!)!.modules.keys()][0]}`;
  const inBlock = (p: string) => p === blockPath || p.startsWith(blockPath + '.');

  const linears: Linear[] = [];
  const embeddings: Array<{ path: string; num: number; dim: number; weight?: TensorV }> = [];
  let mha: InstV | undefined;
  let act: string | undefined;
  for (const [p, m] of named) {
    const s = rt.state(m);
    // A layer torch would refuse to build (num_heads=1e-320) says nothing about the architecture.
    if (!s?.spec || !s.args || s.broken) continue;
    const t = s.spec.type;
    if (t === 'Linear' && typeof s.args.in_features === 'number' && typeof s.args.out_features === 'number') {
      linears.push({ path: p, name: p.slice(p.lastIndexOf('.') + 1), inF: s.args.in_features, outF: s.args.out_features, weight: s.params.get('weight') ?? undefined });
    } else if (t === 'Embedding' && typeof s.args.num_embeddings === 'number' && typeof s.args.embedding_dim === 'number') {
      embeddings.push({ path: p, num: s.args.num_embeddings, dim: s.args.embedding_dim, weight: s.params.get('weight') ?? undefined });
    } else if (t === 'MultiheadAttention' && inBlock(p)) mha ??= m;
    else if (inBlock(p) && /^(GELU|SiLU|ReLU|GELUTanh|NewGELU)$/.test(t)) act ??= t;
  }
  const blockNode = findNode(root, blockPath);
  if (!act && blockNode) {
    if (hasFunctional(blockNode, (t) => t === 'silu')) act = 'SiLU';
    else if (hasFunctional(blockNode, (t) => t === 'gelu')) act = 'GELU';
    else if (hasFunctional(blockNode, (t) => t === 'relu')) act = 'ReLU';
  }
  const blockMods = named.filter(([p]) => inBlock(p)).map(([, m]) => m);
  const tokenEmb = embeddings.slice().sort((a, b) => b.num - a.num)[0];

  const mhaArgs = mha ? rt.state(mha)!.args! : undefined;
  let hidden = (mhaArgs && typeof mhaArgs.embed_dim === 'number' ? mhaArgs.embed_dim : undefined) ?? tokenEmb?.dim;
  const blockLinears = linears.filter((l) => inBlock(l.path));
  hidden ??= blockLinears[0]?.inF;
  if (!hidden) return undefined;
  const q = trace?.attention.queryShape;
  let heads = (mhaArgs && typeof mhaArgs.num_heads === 'number' ? mhaArgs.num_heads : undefined) ?? findAttr([...blockMods, model], HEAD_ATTRS);
  if (!heads && q && q.length === 4) heads = q[1];
  heads ??= 1;
  const headDim = findAttr(blockMods, ['head_dim', 'head_size', 'd_head', 'dim_head']) ?? (q && q.length === 4 ? q[3]! : Math.floor(hidden / heads));
  let kvHeads = findAttr([...blockMods, model], KV_ATTRS);
  if (!kvHeads) {
    const k = blockLinears.find((l) => /(^|_)(k|wk|key|to_k)(_proj)?$/i.test(l.name));
    if (k && headDim > 0 && k.outF % headDim === 0) kvHeads = k.outF / headDim;
  }
  kvHeads ??= heads;

  // A mixture of experts: the MLP's kind and size are those of one expert.
  const experts = findExperts(rt, named, inBlock, hidden, linears);
  const mlpLinears = experts ? linears.filter((l) => l.path.startsWith(experts.first + '.')) : blockLinears;
  const mlp = mlpLinears.filter((l) => !QKV_NAME.test(l.name) && !/(^|_)(o|out|wo|c_proj|out_proj|dense)(_proj)?$/i.test(l.name) || /fc|mlp|ffn|ff|up|gate|w1|w3|linear1|c_fc|intermediate/i.test(l.name));
  const up = mlp.filter((l) => l.inF === hidden && l.outF !== hidden);
  const ffn = up.length ? Math.max(...up.map((l) => l.outF)) : hidden * 4;
  const down = mlp.filter((l) => l.outF === hidden && l.inF === ffn);
  const swiglu = up.filter((l) => l.outF === ffn).length >= 2 && down.length >= 1 && act === 'SiLU';
  // SiLU, like GeLU, needs its input for backward and the next linear keeps its output.
  const mlpKind: TransformerInfo['mlp'] = swiglu ? 'swiglu' : act === 'ReLU' ? 'relu' : act === 'GELU' || act === 'GELUTanh' || act === 'NewGELU' || (experts && act === 'SiLU') ? 'gelu' : mha ? 'relu' : 'gelu';

  const head = linears.filter((l) => !inBlock(l.path) && tokenEmb && l.outF === tokenEmb.num && l.inF === hidden).pop();
  const causal = !!trace?.attention.causal || named.some(([p, m]) => /mask|bias|tril|causal/i.test(p) && [...(rt.state(m)?.buffers.values() ?? [])].some((b) => b && b.shape && b.shape.length >= 2 && b.shape[b.shape.length - 1] === b.shape[b.shape.length - 2]));
  const hasDecoder = named.some(([, m]) => m.cls.name === 'TransformerDecoder' || m.cls.name === 'Transformer');
  const posEmb = embeddings.find((e) => e !== tokenEmb && e.dim === hidden);
  const maxSeq = modelMaxSeq(rt, model) ?? posEmb?.num;

  const info: TransformerInfo = {
    layers: best.blocks.length,
    hidden,
    heads,
    kvHeads,
    headDim,
    ffn,
    mlp: mlpKind,
    decoder: causal || hasDecoder,
    causal,
  };
  if (head && tokenEmb) info.vocab = tokenEmb.num;
  else if (tokenEmb && !mha) info.vocab = tokenEmb.num;
  if (maxSeq) info.maxSeq = maxSeq;
  if (head && tokenEmb?.weight && head.weight === tokenEmb.weight) info.tiedEmbeddings = true;
  else if (head) info.tiedEmbeddings = false;
  if (trace?.attention.sdpa) info.fusedAttention = true;
  if (experts) {
    info.experts = experts.count;
    const topK = findAttr(blockMods, TOP_K_ATTRS);
    if (topK && topK <= experts.count) info.expertsPerToken = topK;
    const block = findNode(root, blockPath);
    if (block && experts.paths.every((p) => ranOnEveryToken(findNode(root, p), block))) info.denseExperts = true;
  }
  if (blockNode && attentionSublayers(attentionPaths, blockPath, byPath, typeOf) >= 2) info.crossAttentionLayers = info.layers;
  return info;
}

const TOP_K_ATTRS = ['top_k', 'topk', 'num_experts_per_tok', 'experts_per_token', 'n_experts_per_token', 'k'];

/**
 * Expert MLPs in a block: a ModuleList of two or more modules of one class, each holding a
 * Linear that reads the hidden size (Mixtral's block_sparse_moe.experts, a hand-written MoE).
 */
function findExperts(
  rt: TorchRuntime,
  named: Array<[string, InstV]>,
  inBlock: (p: string) => boolean,
  hidden: number,
  linears: Linear[],
): { count: number; first: string; paths: string[] } | undefined {
  for (const [p, m] of named) {
    if (!inBlock(p) || m.cls.name !== 'ModuleList') continue;
    const s = rt.state(m);
    if (!s) continue;
    const kids = [...s.modules.entries()].filter((e): e is [string, InstV] => !!e[1]);
    if (kids.length < 2 || !kids.every(([, k]) => k.cls === kids[0]![1].cls && k.cls.name !== 'Linear')) continue;
    const paths = kids.map(([k]) => `${p}.${k}`);
    if (!paths.every((e) => linears.some((l) => l.path.startsWith(e + '.') && l.inF === hidden))) continue;
    return { count: kids.length, first: paths[0]!, paths };
  }
  return undefined;
}

/** The traced forward ran this expert on as many tokens as the block has (dense evaluation), not a routed share. */
function ranOnEveryToken(expert: LayerNode | undefined, block: LayerNode): boolean {
  const out = expert?.outputShapes?.[0];
  const tokens = block.outputShapes?.[0];
  if (!expert || expert.calls < 1 || !out || !tokens || out.length < 2 || tokens.length < 2) return false;
  const rows = (shape: number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return rows(out) >= rows(tokens);
}

/**
 * Attention sublayers of a block: its outermost attention modules (MultiheadAttention, or
 * modules named attn or attention that hold parameters), so a decoder block's self- and
 * cross-attention count two and GPT-2's attn with its c_attn inside counts one.
 */
function attentionSublayers(attentionPaths: string[], blockPath: string, byPath: Map<string, InstV>, typeOf: (m: InstV) => string): number {
  const inside = [...new Set(attentionPaths)].filter((p) => p.startsWith(blockPath + '.'));
  const modules = inside.filter((p) => {
    const m = byPath.get(p);
    if (!m) return false;
    if (typeOf(m) === 'MultiheadAttention') return true;
    // A module that only ran a softmax (a router's gates) is no attention sublayer.
    return ATTN_NAME.test(p.slice(p.lastIndexOf('.') + 1)) && [...byPath.keys()].some((q) => q.startsWith(p + '.') && typeOf(byPath.get(q)!) === 'Linear');
  });
  return modules.filter((p) => !modules.some((q) => q !== p && p.startsWith(q + '.'))).length;
}

function findNode(root: LayerNode, path: string): LayerNode | undefined {
  if (root.path === path) return root;
  for (const c of root.children) {
    if (path === c.path || path.startsWith(c.path + '.') || c.path === '') {
      const r = findNode(c, path);
      if (r) return r;
    }
  }
  return undefined;
}

/** Paths of the modules whose forward ran a functional op the predicate accepts. */
function collectFunctional(node: LayerNode, pred: (type: string) => boolean, out: string[], parent = ''): void {
  for (const c of node.children) {
    if (c.functional && pred(c.op ?? c.type)) out.push(parent);
    else if (!c.functional) collectFunctional(c, pred, out, c.path);
  }
}

function hasFunctional(node: LayerNode, pred: (type: string) => boolean): boolean {
  if (node.functional && pred(node.op ?? node.type)) return true;
  return node.children.some((c) => hasFunctional(c, pred));
}
