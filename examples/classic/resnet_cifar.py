"""ResNet-18 (He et al.) in its CIFAR form (3x3 stem, no max-pool) on CIFAR-shaped data (3x32x32,
10 classes), written for jtorch: residual units with BatchNorm2d and projection shortcuts, SGD with momentum
and weight decay, CosineAnnealingLR. Data: synthetic shapes."""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


def conv3x3_bn(cin, cout, stride=1):
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)]


class ResidualUnit(nn.Module):
    """relu(F(x) + skip(x)) with F = conv-BN-ReLU-conv-BN; the skip is the identity unless the unit changes
    the resolution or the width, when it is a strided 1x1 convolution with BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.residual = nn.Sequential(*conv3x3_bn(cin, cout, stride), nn.ReLU(), *conv3x3_bn(cout, cout))
        reshapes = stride != 1 or cin != cout
        self.project = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)) \
            if reshapes else None

    def forward(self, x):
        skip = x if self.project is None else self.project(x)
        return F.relu(self.residual(x) + skip)


def stage(cin, cout, units, stride):
    """`units` residual units; only the first one changes the stride and the width."""
    return nn.Sequential(*[ResidualUnit(cin if k == 0 else cout, cout, stride if k == 0 else 1)
                           for k in range(units)])


class ResNet(nn.Module):
    def __init__(self, num_blocks=(2, 2, 2, 2), num_classes=10, width=64):
        super().__init__()
        self.stem = nn.Sequential(*conv3x3_bn(3, width), nn.ReLU())
        widths = [width, 2 * width, 4 * width, 8 * width]
        self.stages = nn.Sequential(*[
            stage(widths[max(i - 1, 0)], widths[i], num_blocks[i], 1 if i == 0 else 2) for i in range(4)])
        self.classifier = nn.Linear(widths[-1], num_classes)

    def forward(self, x):
        pooled = F.adaptive_avg_pool2d(self.stages(self.stem(x)), 1)  # global average over the 4x4 map
        return self.classifier(pooled.flatten(1))


def test_accuracy(net, loader):
    """Percentage of the loader's images whose highest logit is the true class (eval-mode BatchNorm)."""
    net.eval()
    hits = seen = 0
    with torch.no_grad():
        for images, labels in loader:
            hits += (net(images).argmax(1) == labels).sum().item()
            seen += labels.numel()
    return 100.0 * hits / seen


def train_and_test(args, seed, x, y):
    """One run from torch.manual_seed(seed): returns the final test accuracy."""
    torch.manual_seed(seed)
    train = DataLoader(TensorDataset(torch.from_numpy(x[:args.n_train]), torch.from_numpy(y[:args.n_train])),
                       batch_size=50, shuffle=True)
    test = DataLoader(TensorDataset(torch.from_numpy(x[args.n_train:]), torch.from_numpy(y[args.n_train:])),
                      batch_size=100)
    net = ResNet(width=args.width)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    acc = 0.0
    for epoch in range(args.epochs):
        net.train()
        for images, labels in train:
            optimizer.zero_grad()
            loss = criterion(net(images), labels)
            loss.backward()
            optimizer.step()
        scheduler.step()
        acc = test_accuracy(net, test)
        print(f"Epoch {epoch}: loss {loss.item():.3f} test acc {acc:.2f}%")
    return acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed: init and shuffling (data are fixed)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="independent runs, seeds --seed, --seed+1, ...; FINAL reports their mean accuracy")
    args = parser.parse_args()
    x, y = _data.shapes(args.n_train + 500, size=32, seed=5)
    accs = []
    for seed in range(args.seed, args.seed + args.seeds):
        if args.seeds > 1:
            print(f"seed {seed}")
        accs.append(train_and_test(args, seed, x, y))
    if args.seeds == 1:
        print(f"FINAL accuracy={accs[0]:.2f}")
    else:
        mean = sum(accs) / len(accs)
        sd = (sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) ** 0.5
        print("per-seed accuracy: " + " ".join(f"{a:.2f}" for a in accs))
        print(f"FINAL accuracy={mean:.2f} accuracy_sd={sd:.2f} seeds={len(accs)}")


if __name__ == "__main__":
    main()
