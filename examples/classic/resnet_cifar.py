"""ResNet-18 on CIFAR-shaped data (3x32x32, 10 classes): BasicBlocks with BatchNorm2d and
shortcuts, SGD with momentum and weight decay, CosineAnnealingLR. Data: synthetic shapes."""
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


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, num_blocks=(2, 2, 2, 2), num_classes=10, width=64):
        super().__init__()
        self.in_planes = width
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.layer1 = self._make_layer(width, num_blocks[0], 1)
        self.layer2 = self._make_layer(2 * width, num_blocks[1], 2)
        self.layer3 = self._make_layer(4 * width, num_blocks[2], 2)
        self.layer4 = self._make_layer(8 * width, num_blocks[3], 2)
        self.linear = nn.Linear(8 * width, num_classes)

    def _make_layer(self, planes, n, stride):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.linear(out)


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
        for inputs, targets in train:
            optimizer.zero_grad()
            loss = criterion(net(inputs), targets)
            loss.backward()
            optimizer.step()
        scheduler.step()
        net.eval()
        correct = total = 0
        with torch.no_grad():
            for inputs, targets in test:
                _, predicted = net(inputs).max(1)
                total += targets.size(0)
                correct += predicted.eq(targets).sum().item()
        acc = 100.0 * correct / total
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
