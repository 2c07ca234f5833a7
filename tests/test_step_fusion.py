"""Step fusion: the seed MNIST loop (plus StepLR and dropout) compiles its training step
once (and once more for the smaller last batch) and its eval loop once."""
import numpy as np

import jtorch as torch
import jtorch.nn as nn
import jtorch.optim as optim
from jtorch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        x = self.drop(torch.relu(self.fc1(x)))
        return self.fc2(x)


def _loader(n, seed, shuffle):
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((n, 1, 28, 28)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 10, n).astype(np.int64))
    return DataLoader(TensorDataset(x, y), batch_size=64, shuffle=shuffle)


def _train_epoch(net, loader, criterion, optimizer, scheduler):
    running = 0.0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        running += loss.item()
    scheduler.step()
    return running / len(loader)


def _evaluate(net, loader):
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            _, predicted = torch.max(net(images).data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total


def test_seed_loop_compiles_train_step_once_and_eval_once():
    torch.manual_seed(0)
    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    train = _loader(64 * 100 + 32, 0, shuffle=True)   # 100 full batches and a last one of 32
    test = _loader(64 * 5, 1, shuffle=False)
    lrs = []
    before = torch.debug.metrics()["compiles"]
    losses = []
    for epoch in range(2):                               # 202 steps; lr changes every epoch
        net.train()
        losses.append(_train_epoch(net, train, criterion, optimizer, scheduler))
        lrs.append(optimizer.param_groups[0]["lr"])
        net.eval()
        _evaluate(net, test)
    compiles = torch.debug.metrics()["compiles"] - before
    # train step (full batch), train step (last batch), eval step: nothing else, ever
    assert compiles <= 3 + 2, f"{compiles} compiles"  # +2: parameter init and optimizer state creation
    assert lrs == [0.005, 0.0025]
    assert np.isfinite(losses).all()
