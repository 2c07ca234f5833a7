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


def test_each_donated_buffer_goes_to_its_own_new_value(monkeypatch):
    """jax hands a donated buffer to the first output of its shape: the step's outputs are
    ordered so that a parameter's (and an Adam moment's) old buffer holds its new value, not a
    gradient of the same shape, which would make XLA copy the parameter every step."""
    import re

    from jtorch._engine import program
    monkeypatch.setattr(sync, "_on_accelerator", lambda: True)
    seen = {"old": {}}
    orig_run, orig_executable = sync.run, program.executable

    def spy_run(roots, reason):  # no reference to the leaves stays: it would stop their donation
        seen["roots"] = roots
        seen["leaf_owners"] = [seen["old"].get(id(lz)) for lz in program.build(roots)[1]]
        return orig_run(roots, reason)

    def spy_executable(prog, donate=()):
        fn, new = orig_executable(prog, donate)

        def call(*args):
            seen["hlo"] = fn.lower(*args).compile().as_text()
            return fn(*args)
        return call, new

    monkeypatch.setattr(sync, "run", spy_run)
    monkeypatch.setattr(program, "executable", spy_executable)
    jtorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64))  # same-shaped weights and grads
    opt = jtorch.optim.Adam(model.parameters(), lr=0.1)
    x, y = jtorch.randn(8, 32), jtorch.randint(0, 64, (8,))
    for _ in range(3):
        tensors = list(model.parameters()) + [s for p in model.parameters() for s in opt.state[p].values()]
        seen["old"] = {id(t._lazy): t for t in tensors}
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    new = {id(t._lazy): t for t in tensors}
    aliases = re.search(r"input_output_alias=\{(.*?)\}, entry", seen["hlo"]).group(1)
    pairs = [(int(o), int(i)) for o, i in re.findall(r"\{(\d+)\}: \((\d+), \{\}", aliases)]
    assert len(pairs) >= 6, aliases  # two weights and their two Adam moments at least
    for out, inp in pairs:
        assert seen["leaf_owners"][inp] is new[id(seen["roots"][out])], (out, inp)
