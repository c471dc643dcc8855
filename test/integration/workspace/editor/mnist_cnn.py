# Fixture of the editor integration tests: a small CNN for MNIST.
# Parameter counts measured with torch 1.13 (sum(p.numel() for p in m.parameters())).
import torch
import torch.nn.functional as F
from torch import nn


# profile: input=1,28,28 batch=64
class MnistCNN(nn.Module):
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def build_classifier(hidden: int = 4096) -> nn.Module:
    return nn.Sequential(
        nn.Linear(4096, 11008),
        nn.GELU(),
        nn.Linear(11008, hidden),
    )


def main() -> None:
    model = MnistCNN(num_classes=10)
    print(sum(p.numel() for p in model.parameters()))


# A module-level instance with its own argument: fc2 becomes 128 -> 100.
wide = MnistCNN(num_classes=100)
