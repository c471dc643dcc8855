"""A small convolutional network for MNIST digits (1x28x28 grey images, 10 classes).

Open this file with Model Resource Profiler installed to see its parameters,
memory and compute in the hover over `MnistCNN`, or run:

    npx model-profiler profile examples/mnist_cnn.py
"""
import torch
import torch.nn.functional as F
from torch import nn


# profile: input=1,28,28 batch=64
class MnistCNN(nn.Module):
    def __init__(self, num_classes: int = 10, dropout: float = 0.25):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.bn1(self.conv1(x))))  # 32 x 14 x 14
        x = self.pool(F.relu(self.bn2(self.conv2(x))))  # 64 x 7 x 7
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    total = 0.0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / max(len(loader), 1)


if __name__ == "__main__":
    model = MnistCNN()
    print(sum(p.numel() for p in model.parameters()))
