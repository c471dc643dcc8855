# Fixture of the editor integration tests: per-model profile comments, one valid, one with errors.
import torch
from torch import nn


# profile: batch=64 input=(3,32,32) precision=bf16-mixed
class CifarNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


# profile: batch=0 colour=red precision=fp64 mode=infer
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 64)
        self.out = nn.Linear(64, 5)

    def forward(self, tokens):
        return self.out(self.embed(tokens))
