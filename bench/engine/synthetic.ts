/**
 * Generated PyTorch source for the benchmark: many model classes in the styles the
 * fixtures cover (conv blocks, residual stacks, MLPs built in loops, attention,
 * transformer stacks over ModuleList, recurrent taggers, builder functions), each
 * class depending on the one before it, as real model files do.
 *
 * Deterministic: the same arguments give the same text, so runs compare.
 */

/** One class (or builder) template: k numbers the round, `prev` names earlier helpers. */
type Template = (k: number) => string;

/** Sizes vary by round so no two classes are identical. */
function width(k: number, base: number): number {
  return base + 8 * (k % 7);
}

const TEMPLATES: Template[] = [
  (k) => `class ConvBNAct${k}(nn.Module):
    def __init__(self, cin=3, cout=${width(k, 32)}, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))
`,
  (k) => `class ResidualBlock${k}(nn.Module):
    def __init__(self, channels=${width(k, 32)}):
        super().__init__()
        self.first = ConvBNAct${k}(channels, channels)
        self.second = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
        )
        self.relu = nn.ReLU()

    def forward(self, x):
        identity = x
        out = self.second(self.first(x))
        return self.relu(out + identity)
`,
  (k) => `# profile: input=(3, 32, 32)
class SmallCNN${k}(nn.Module):
    def __init__(self, num_classes=${10 + (k % 5)}, blocks=${2 + (k % 3)}):
        super().__init__()
        c = ${width(k, 32)}
        self.stem = ConvBNAct${k}(3, c)
        self.layers = nn.Sequential(*[ResidualBlock${k}(c) for _ in range(blocks)])
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        x = torch.flatten(self.pool(x), 1)
        return self.head(x)
`,
  (k) => `class MLP${k}(nn.Module):
    def __init__(self, in_features=784, hidden=(${width(k, 128)}, ${width(k, 64)}), num_classes=10, p=0.1):
        super().__init__()
        layers = []
        prev = in_features
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.ReLU(), nn.Dropout(p)]
            prev = h
        layers.append(nn.Linear(prev, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x.view(x.size(0), -1))
`,
  (k) => `# profile: input=(16, ${width(k, 64)})
class SelfAttention${k}(nn.Module):
    def __init__(self, dim=${width(k, 64)}, heads=${k % 2 ? 4 : 8}):
        super().__init__()
        assert dim % heads == 0
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.proj(y)
`,
  (k) => `# profile: input=(16, ${width(k, 64)})
class TransformerBlock${k}(nn.Module):
    def __init__(self, dim=${width(k, 64)}, heads=${k % 2 ? 4 : 8}, mlp_ratio=4):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = SelfAttention${k}(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(
            nn.Linear(dim, mlp_ratio * dim),
            nn.GELU(),
            nn.Linear(mlp_ratio * dim, dim),
        )

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))
`,
  (k) => `class TinyTransformer${k}(nn.Module):
    def __init__(self, vocab_size=${1000 + 100 * (k % 9)}, dim=${width(k, 64)}, depth=${2 + (k % 3)}, heads=${k % 2 ? 4 : 8}, max_len=1024):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.zeros(1, max_len, dim))
        self.blocks = nn.ModuleList([TransformerBlock${k}(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab_size, bias=False)
        self.head.weight = self.tok.weight

    def forward(self, idx):
        t = idx.size(1)
        x = self.tok(idx) + self.pos[:, :t, :]
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def tiny_transformer${k}():
    return TinyTransformer${k}(depth=${3 + (k % 4)})
`,
  (k) => `class RecurrentTagger${k}(nn.Module):
    def __init__(self, vocab_size=${5000 + 250 * (k % 8)}, embed=${width(k, 64)}, hidden=${width(k, 96)}, tags=${12 + (k % 6)}, layers=${1 + (k % 2)}):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.rnn = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, tokens):
        h, _ = self.rnn(self.embed(tokens))
        return self.out(h)
`,
];

const HEADER = `"""Generated model zoo for the benchmark: \${CLASSES} model classes."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

`;

/** What people write around a class: a comment, a docstring and an extra_repr. */
function dressed(src: string, k: number): string {
  return src.replace(/^class (\w+)\((.*)\):\n/m, (_m, name: string, base: string) =>
    [
      `# ---- ${name} ----`,
      `# Part of round ${k} of the generated zoo.`,
      `class ${name}(${base}):`,
      `    """${name}: generated for the benchmark (round ${k}).`,
      '',
      '    Shapes follow the forward below; sizes vary by round.',
      '    """',
      '',
      '    def extra_repr(self):',
      `        return "round=${k}"`,
      '',
      '',
    ].join('\n'),
  );
}

export interface SyntheticFile {
  text: string;
  lines: number;
  /** Model classes defined (builder functions not counted). */
  classes: number;
}

/**
 * Emit templates round-robin until both `minLines` and `minClasses` are reached.
 * Each round (k) defines one class of every template, the later ones built from the earlier.
 */
export function syntheticModelFile(minLines: number, minClasses = 0): SyntheticFile {
  const parts: string[] = [];
  let lines = HEADER.split('\n').length - 1;
  let classes = 0;
  for (let k = 0; lines < minLines || classes < minClasses; k++) {
    for (const t of TEMPLATES) {
      const src = dressed(t(k), k) + '\n\n';
      parts.push(src);
      lines += src.split('\n').length - 1;
      classes++;
      if (lines >= minLines && classes >= minClasses) break;
    }
  }
  const text = HEADER.replace('${CLASSES}', String(classes)) + parts.join('');
  return { text, lines: text.split('\n').length, classes };
}

/**
 * Where the incremental benchmark types: inside the docstring of the middle round's
 * ConvBNAct class, which the residual block and the CNN of that round build on.
 */
export function editPoint(text: string): number {
  const marker = /ConvBNAct\d+: generated for the benchmark/g;
  const positions: number[] = [];
  for (let m = marker.exec(text); m; m = marker.exec(text)) positions.push(m.index + m[0].length);
  if (positions.length === 0) throw new Error('no edit point in the synthetic file');
  return positions[positions.length >> 1]!;
}
