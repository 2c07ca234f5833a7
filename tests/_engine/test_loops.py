"""Python loops without a sync are cut into repeated pieces (jtorch/_engine/loops.py): the
pieces share compiled programs, forward values and gradients equal the uncut graph's and torch's."""
import numpy as np
import pytest

import jtorch
from jtorch._engine import loops, modes


@pytest.fixture
def loop_ops():
    before = modes.LOOP_OPS
    yield jtorch.debug.set_loop_ops
    jtorch.debug.set_loop_ops(before)


def _recurrence(lib, steps, w, x):
    """h <- tanh(h @ w + x_t) over `steps` steps, no sync inside; the sum of squares of all h."""
    w = lib.tensor(w, requires_grad=True)
    xs = lib.tensor(x)
    h = lib.zeros(2, 3, dtype=lib.float64)
    outs = []
    for t in range(steps):
        h = lib.tanh(h @ w + xs[t])
        outs.append(h)
    loss = (lib.stack(outs) ** 2).sum()
    loss.backward()
    return loss.item(), w.grad.numpy()


def _data(steps):
    rng = np.random.default_rng(0)
    return rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(steps, 2, 3))


def test_a_long_loop_compiles_a_bounded_number_of_programs(loop_ops):
    loop_ops(64)  # pieces of about 8 ops
    w, x = _data(300)
    m0 = jtorch.debug.metrics()
    loss, grad = _recurrence(jtorch, 300, w, x)
    m1 = jtorch.debug.metrics()
    compiles = m1["compiles"] - m0["compiles"]
    by_reason = m1["syncs_by_reason"]
    assert by_reason.get("loop piece", 0) - m0["syncs_by_reason"].get("loop piece", 0) > 20
    assert by_reason.get("backward piece", 0) - m0["syncs_by_reason"].get("backward piece", 0) > 20
    assert compiles <= 12, compiles  # first, repeated and last pieces, forward and backward: not one per piece
    torch = pytest.importorskip("torch")
    ref_loss, ref_grad = _recurrence(torch, 300, w, x)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-12)


def test_cut_and_uncut_loops_agree(loop_ops):
    w, x = _data(40)
    loop_ops(0)
    uncut = _recurrence(jtorch, 40, w, x)
    loop_ops(16)
    m0 = jtorch.debug.metrics()["syncs_by_reason"].get("loop piece", 0)
    cut = _recurrence(jtorch, 40, w, x)
    assert jtorch.debug.metrics()["syncs_by_reason"].get("loop piece", 0) > m0
    np.testing.assert_allclose(cut[0], uncut[0], rtol=1e-13)
    np.testing.assert_allclose(cut[1], uncut[1], rtol=1e-12, atol=1e-14)


def test_a_model_step_is_not_cut(loop_ops):
    """A few repeats (a model's layers) are no loop: the step stays one program."""
    loop_ops(64)
    layers = [jtorch.nn.Linear(4, 4) for _ in range(12)]
    x = jtorch.ones(2, 4)
    m0 = jtorch.debug.metrics()["syncs"]
    for layer in layers:
        x = jtorch.relu(layer(x)) * 1.5 + 0.1
    x.sum().item()
    assert jtorch.debug.metrics()["syncs"] - m0 == 1


def test_find_loop_needs_enough_repeats():
    body = ["a", "b", "c"]
    assert loops._find_loop(["s"] + body * 40) == (1, 3)
    assert loops._find_loop(["s"] + body * 10) is None
