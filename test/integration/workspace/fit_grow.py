# Fixture of the fit suites: a model whose size is one number. The tests widen it
# past the stand-in RTX 4090's 24 GB and narrow it again.
from torch import nn


class Grower(nn.Module):
    def __init__(self, width: int = 256):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(width, width),
            nn.ReLU(),
            nn.Linear(width, 10),
        )

    def forward(self, x):
        return self.body(x)
