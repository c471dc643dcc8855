# Fixture of the fit suites: a model with its own profile comment (batch 8), which
# quick fixes edit instead of the settings.
from torch import nn


# profile: batch=8
class Commented(nn.Module):
    def __init__(self, width: int = 45000):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10))

    def forward(self, x):
        return self.body(x)
