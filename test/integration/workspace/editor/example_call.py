# Fixture of the editor integration tests: an example call gives the input and its batch.
import torch
from torch import nn


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return self.fc(x)


net = Small()
logits = net(torch.randn(32, 784))
