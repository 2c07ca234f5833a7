"""Siamese network (after pytorch/examples siamese_network): a custom Dataset yielding pairs of
MNIST digits with a same/different label, a shared CNN tower, BCEWithLogits on the pair."""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


class PairDataset(Dataset):
    def __init__(self, x, y, n_pairs, seed):
        rng = np.random.default_rng(seed)
        by_class = [np.flatnonzero(y == c) for c in range(10)]
        self.x = x
        self.pairs = []
        for k in range(n_pairs):
            i = int(rng.integers(len(y)))
            same = k % 2 == 0
            c = y[i] if same else (y[i] + rng.integers(1, 10)) % 10
            j = int(rng.choice(by_class[c]))
            self.pairs.append((i, j, 1.0 if same else 0.0))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        i, j, t = self.pairs[idx]
        return torch.from_numpy(self.x[i]), torch.from_numpy(self.x[j]), torch.tensor(t)


class SiameseNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.tower = nn.Sequential(
            nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 4 * 4, 64))
        self.head = nn.Linear(64 * 2, 1)

    def forward(self, a, b):
        fa, fb = self.tower(a), self.tower(b)
        return self.head(torch.cat([torch.abs(fa - fb), fa * fb], dim=1)).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=2000)
    args = parser.parse_args()
    torch.manual_seed(0)
    (xtr, ytr), (xte, yte) = _data.mnist(4000, 1000)
    train = DataLoader(PairDataset(xtr, ytr, args.pairs, 0), batch_size=64, shuffle=True)
    test = DataLoader(PairDataset(xte, yte, 500, 1), batch_size=100)
    model = SiameseNetwork()
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    acc = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        for a, b, t in train:
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(a, b), t)
            loss.backward()
            optimizer.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for a, b, t in test:
                correct += ((model(a, b) > 0).float() == t).sum().item()
        acc = 100.0 * correct / len(test.dataset)
        print(f"Epoch {epoch}: test pair accuracy {acc:.2f}%")
    print(f"FINAL accuracy={acc:.2f}")


if __name__ == "__main__":
    main()
