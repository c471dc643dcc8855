# Models exercising nn.Module semantics, one construct each. Their expected
# counts are torch's own (see measure.py); the tests evaluate this file.
import copy
from collections import OrderedDict
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L


class SharedModule(nn.Module):
    # The same Linear registered under two names: parameters() yields it once.
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 16)
        self.b = self.a
        self.c = nn.Linear(16, 4)

    def forward(self, x):
        return self.c(self.b(self.a(x)))


class TiedHead(nn.Module):
    def __init__(self, vocab=100, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, idx):
        return self.head(F.gelu(self.proj(self.emb(idx))))


class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
        for p in self.backbone.parameters():
            p.requires_grad = False
        self.neck = nn.Linear(8, 8)
        self.neck.requires_grad_(False)
        self.head = nn.Linear(8, 2)
        self.head.bias.requires_grad = False

    def forward(self, x):
        x = self.backbone(x).mean(dim=(2, 3))
        return self.head(self.neck(x))


class Registries(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(n, 4))
        self.register_buffer('running', torch.zeros(n))
        self.register_parameter('offset', nn.Parameter(torch.zeros(4)))
        self.register_parameter('unused', None)
        self.add_module('proj', nn.Linear(4, 4))
        self.plist = nn.ParameterList([nn.Parameter(torch.randn(2, 2)) for _ in range(n)])
        self.pdict = nn.ParameterDict({'alpha': nn.Parameter(torch.zeros(5)), 'beta': nn.Parameter(torch.zeros(1))})
        self.blocks = nn.ModuleDict({'first': nn.Linear(4, 8), 'second': nn.Linear(8, 4)})
        self.stack = nn.ModuleList()
        for i in range(n):
            self.stack.append(nn.Linear(4, 4, bias=i % 2 == 0))
        self.stack.extend([nn.LayerNorm(4)])

    def forward(self, x):
        x = self.proj(x * self.scale[0] + self.offset)
        x = self.blocks['second'](self.blocks['first'](x))
        for layer in self.stack:
            x = layer(x)
        return x


def _get_clones(module, n):
    return nn.ModuleList([copy.deepcopy(module) for _ in range(n)])


class Clones(nn.Module):
    def __init__(self, depth=4):
        super().__init__()
        layer = nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 8))
        self.layers = _get_clones(layer, depth)
        self.same = nn.ModuleList([layer] * 2)

    def forward(self, x):
        for layer in self.layers:
            x = x + layer(x)
        return x


ordered = nn.Sequential(OrderedDict([
    ('conv', nn.Conv2d(1, 4, 5)),
    ('act', nn.ReLU()),
    ('pool', nn.MaxPool2d(2)),
    ('flat', nn.Flatten()),
    ('fc', nn.Linear(4 * 12 * 12, 10)),
]))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = planes
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = norm_layer(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = norm_layer(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, 1, bias=False)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class TinyResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10, width=16, norm_layer=None):
        super().__init__()
        self._norm_layer = norm_layer or nn.BatchNorm2d
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = self._norm_layer(width)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 2 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                self._norm_layer(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, self._norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, norm_layer=self._norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def tiny_resnet(**kwargs):
    return TinyResNet(Bottleneck, [2, 1], **kwargs)


CFG = dict(dim=32, experts=4, top_k=2, hidden=64)


class MoE(nn.Module):
    def __init__(self, dim, experts, top_k, hidden, norm=partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.top_k = top_k
        self.norm = norm(dim)
        self.router = nn.Linear(dim, experts, bias=False)
        self.experts = nn.ModuleList([
            nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, dim)) for _ in range(experts)
        ])

    def forward(self, x):
        h = self.norm(x)
        weights = F.softmax(self.router(h), dim=-1)
        out = torch.zeros_like(h)
        for e in self.experts:
            out = out + e(h)
        return out * weights.sum(dim=-1, keepdim=True)


moe = MoE(**CFG)


class Lit(L.LightningModule):
    def __init__(self, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x.view(x.size(0), -1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self(x), y)
