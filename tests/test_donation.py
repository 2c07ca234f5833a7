"""Buffer donation: a training step hands the old parameter buffers to XLA, and never a buffer
the user can still read. Accelerators donate every buffer of 1,024 elements or more, the CPU
only large ones; most tests here make the CPU backend look like an accelerator so the
bookkeeping is tested on small models where CI runs."""
import numpy as np
import pytest

import jtorch
import jtorch.nn as nn
from jtorch._engine import sync


def _donating(monkeypatch, accelerator=True):
    """Record the donated leaf shapes of every sync (making sync think it runs on an accelerator,
    unless told otherwise); returns that list."""
    donated = []
    orig = sync._donatable

    def spy(roots, leaves, nodes):
        idx = orig(roots, leaves, nodes)
        donated.append([tuple(leaves[i].shape) for i in idx])
        return idx

    if accelerator:
        monkeypatch.setattr(sync, "_on_accelerator", lambda: True)
    monkeypatch.setattr(sync, "_donatable", spy)
    return donated


def _run(steps, data, held):
    jtorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 40))
    opt = jtorch.optim.SGD(model.parameters(), lr=0.1)
    crit = nn.CrossEntropyLoss()
    losses = []
    for i in range(steps):
        x, y = data[i % len(data)]
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        held.append(model[0].weight.detach())  # the user keeps the old weights: never donate them
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


def test_step_donates_old_parameters_but_not_held_values(monkeypatch):
    rng = np.random.default_rng(0)
    data = [(jtorch.from_numpy(rng.standard_normal((8, 32)).astype(np.float32)),
             jtorch.from_numpy(rng.integers(0, 40, 8))) for _ in range(2)]
    ref_held = []
    ref_losses, ref_params = _run(4, data, ref_held)
    donated = _donating(monkeypatch)
    held = []
    losses, params = _run(4, data, held)
    later = donated[-3:]  # steps 2-4 (the first step also initialises)
    assert all((40, 64) in d for d in later), donated      # the old weights of the last layer
    assert all((64, 32) not in d for d in later), donated  # the test holds every first-layer weight
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6)
    for a, b in zip(params, ref_params):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    for a, b in zip(held, ref_held):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_cpu_donates_large_buffers_and_keeps_numpy_views_intact(monkeypatch):
    donated = _donating(monkeypatch, accelerator=False)
    jtorch.manual_seed(0)
    emb = nn.Embedding(3000, 100)      # 300,000 elements: donated on CPU
    head = nn.Linear(100, 2)           # small: left to the allocator
    opt = jtorch.optim.Adam(list(emb.parameters()) + list(head.parameters()), lr=0.1)
    x = jtorch.randint(0, 3000, (16, 5))
    y = jtorch.randint(0, 2, (16,))
    for step in range(4):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(head(emb(x).mean(1)), y)
        loss.backward()
        opt.step()
        if step == 1:
            view = emb.weight.detach().numpy()  # the user reads the weights: that buffer stays theirs
            kept = view.copy()
    np.testing.assert_array_equal(view, kept)
    assert not np.array_equal(emb.weight.detach().numpy(), kept)  # the parameter itself moved on
    assert all(shape == (3000, 100) for d in donated for shape in d), donated
    assert sum(len(d) for d in donated[-2:]) >= 4, donated  # weight and both Adam moments, step after step
