"""Step fusion: the seed MNIST loop (plus StepLR and dropout) compiles its training step
once (and once more for the smaller last batch) and its eval loop once."""
import numpy as np
import pytest

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
            correct += (predicted == labels).sum().item()  # _EVAL_LINE
    return correct / total


_EVAL_LINE = next(i for i, line in enumerate(open(__file__), 1) if line.rstrip().endswith("# _EVAL_LINE"))


def test_seed_loop_compiles_train_step_once_and_eval_once():
    torch.manual_seed(0)
    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    train = _loader(64 * 100 + 32, 0, shuffle=True)   # 100 full batches and a last one of 32
    test = _loader(64 * 5, 1, shuffle=False)
    lrs, losses, compiles = [], [], []
    for epoch in range(2):                               # 202 steps; lr changes every epoch
        before = torch.debug.metrics()["compiles"]
        net.train()
        losses.append(_train_epoch(net, train, criterion, optimizer, scheduler))
        lrs.append(optimizer.param_groups[0]["lr"])
        net.eval()
        _evaluate(net, test)
        compiles.append(torch.debug.metrics()["compiles"] - before)
    sites = {k: v for k, v in torch.debug.compile_sites().items() if "test_step_fusion.py" in k}
    step_site = [v for k, v in sites.items() if "(optimizer.step)" in k]
    eval_site = [v for k, v in sites.items() if k.endswith(f":{_EVAL_LINE} (item)")]
    assert step_site == [2], sites   # the training step: full batches, and the last batch of 32
    assert eval_site == [1], sites   # the whole eval loop
    assert compiles[1] == 0          # the second epoch (new lr, train/eval switches) compiles nothing
    assert lrs == [0.005, 0.0025]
    assert np.isfinite(losses).all()


def test_forward_runs_once_per_step_values_the_user_holds_come_from_the_backward(monkeypatch):
    """After backward() the loss and the outputs still held are taken from the vjp node, so the
    step's program runs the forward once: XLA merges most repeated ops, but not a repeated scan."""
    from jtorch._engine import program
    progs = []
    orig = program.executable

    def spy(prog, donate=()):
        progs.append(prog)
        return orig(prog, donate)
    monkeypatch.setattr(program, "executable", spy)
    hooked = torch.ones(2, requires_grad=True) * 2  # a hooked graph elsewhere: backward walks every leaf
    hooked.register_hook(lambda g: g)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((5, 2, 3)).astype(np.float32))
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4)
    opt = optim.SGD(lstm.parameters(), lr=0.1)
    expected = [t.detach().numpy() for t in lstm(x)[0:1]] + [lstm(x)[0].pow(2).sum().item()]
    out, _ = lstm(x)
    loss = out.pow(2).sum()
    loss.backward()
    assert loss.grad_fn.name() == "SumBackward0" and out.grad_fn is not None
    opt.step()
    assert [op.name for op, _, _ in progs[-1].code] == ["autograd_vjp", "_optimizer_update"]
    np.testing.assert_allclose(out.detach().numpy(), expected[0], rtol=1e-6)
    assert loss.item() == pytest.approx(expected[1], rel=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()
    # retain_graph keeps the forward graph: a second backward adds the same gradient again
    grads = []
    for twice in (False, True):
        opt.zero_grad()
        loss = lstm(x)[0].pow(2).sum()
        loss.backward(retain_graph=twice)
        if twice:
            loss.backward()
        grads.append(lstm.weight_hh_l0.grad.numpy())
    np.testing.assert_allclose(grads[1], 2 * grads[0], rtol=1e-5)
