"""jtorch.debug.check_values: torch's errors for bad values that are still pending on the device.

Each case feeds a pending input (the result of an op, not yet computed), so the host checks
cannot see it; with the mode on, the next sync raises the error torch raises at the call.
"""
import os
import re
import subprocess
import sys

import pytest

import jtorch

pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*compiled:RuntimeWarning")  # one program per case
torch = pytest.importorskip("torch", reason="error parity needs PyTorch installed (pip install torch==2.13.0)")


def _pending(m, values, dtype=None):
    t = m.tensor(values) if dtype is None else m.tensor(values, dtype=dtype)
    return t * 1 if m is jtorch else t  # jtorch: the product is recorded, not computed


CASES = {
    "floor_divide": lambda m: m.tensor([4, 5]) // _pending(m, [1, 0]),
    "remainder": lambda m: m.remainder(m.tensor([4, 5]), _pending(m, [1, 0])),
    "fmod_": lambda m: m.tensor([4, 5]).fmod_(_pending(m, [0, 2])),
    "div_floor": lambda m: m.div(m.tensor([4, 5]), _pending(m, [1, 0]), rounding_mode="floor"),
    "gather": lambda m: m.gather(m.zeros(2, 3), 1, _pending(m, [[0, 1], [2, 7]])),
    "gather_negative": lambda m: m.gather(m.zeros(3), 0, _pending(m, [-1])),
    "scatter": lambda m: m.zeros(3).scatter(0, _pending(m, [0, 5]), m.ones(2)),
    "scatter_add": lambda m: m.zeros(3).scatter_add(0, _pending(m, [4, 0]), m.ones(2)),
    "index_select": lambda m: m.index_select(m.zeros(3, 2), 0, _pending(m, [0, 3])),
    "index_add": lambda m: m.zeros(3).index_add(0, _pending(m, [0, 3]), m.ones(2)),
    "index_add_2d": lambda m: m.zeros(2, 3).index_add(1, _pending(m, [5]), m.ones(2, 1)),
    "index_copy": lambda m: m.zeros(2, 3).index_copy(1, _pending(m, [5]), m.ones(2, 1)),
    "take": lambda m: m.take(m.zeros(2, 2), _pending(m, [0, -5])),
    "embedding": lambda m: m.nn.functional.embedding(_pending(m, [[0, 5]]), m.zeros(3, 2)),
    "one_hot_too_big": lambda m: m.nn.functional.one_hot(_pending(m, [0, 3]), 3),
    "one_hot_negative": lambda m: m.nn.functional.one_hot(_pending(m, [0, -1]), 3),
    "multinomial_negative": lambda m: m.multinomial(_pending(m, [0.5, -1.0]), 1),
    "multinomial_nan": lambda m: m.multinomial(_pending(m, [[0.5, float("nan")]]), 1),
    "multinomial_zero_sum": lambda m: m.multinomial(_pending(m, [0.0, 0.0]), 1),
    "bce_nan": lambda m: m.nn.functional.binary_cross_entropy(_pending(m, [0.5, float("nan")]),
                                                               m.tensor([0.0, 1.0])),
    "bce_above_one": lambda m: m.nn.BCELoss()(_pending(m, [0.5, 1.5]), m.tensor([0.0, 1.0])),
    "bce_target": lambda m: m.nn.functional.binary_cross_entropy(m.tensor([0.5, 0.5]), _pending(m, [0.0, 2.0])),
}


@pytest.fixture
def checking():
    jtorch.debug.check_values(True)
    try:
        yield
    finally:
        jtorch.debug.check_values(False)


def _torch_error(fn):
    with pytest.raises(Exception) as want:
        fn(torch)
    return type(want.value), str(want.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pending_bad_value_raises_torch_error_at_next_sync(checking, name):
    kind, msg = _torch_error(CASES[name])
    out = CASES[name](jtorch)  # recorded: nothing computed yet
    with pytest.raises(kind, match=f"^{re.escape(msg)}$"):
        out.tolist()


def test_error_raises_at_any_sync_not_only_of_the_checked_value(checking):
    jtorch.gather(jtorch.zeros(3), 0, _pending(jtorch, [9]))  # result dropped; the check is held
    with pytest.raises(RuntimeError, match="^index 9 is out of bounds for dimension 0 with size 3$"):
        (jtorch.ones(2) * 2).sum().item()
    assert (jtorch.ones(2) * 2).sum().item() == 4.0  # reported once


def test_good_values_pass_and_are_right(checking):
    idx = _pending(jtorch, [[2, 0], [1, 1]])
    x = jtorch.arange(6.0).reshape(2, 3)
    assert jtorch.gather(x, 1, idx).tolist() == [[2.0, 0.0], [4.0, 4.0]]
    assert (jtorch.tensor([7, 9]) // _pending(jtorch, [2, 4])).tolist() == [3, 2]
    p = jtorch.nn.functional.one_hot(_pending(jtorch, [0, 2]), 3)
    assert p.tolist() == [[1, 0, 0], [0, 0, 1]]


def test_training_step_with_checks_compiles_once(checking):
    emb = jtorch.nn.Embedding(5, 3)
    opt = jtorch.optim.SGD(emb.parameters(), lr=0.1)
    jtorch.debug.reset_metrics()
    for step in range(3):
        idx = _pending(jtorch, [step, 4])
        loss = emb(idx).sum()
        loss.backward()
        opt.step()
        opt.zero_grad()
        loss.item()
    # the first step's programs compile; the later steps only hit the cache
    compiles_after_first = jtorch.debug.metrics()["compiles"]
    idx = _pending(jtorch, [1, 4])
    loss = emb(idx).sum()
    loss.backward()
    opt.step()
    opt.zero_grad()
    loss.item()
    assert jtorch.debug.metrics()["compiles"] == compiles_after_first
    with pytest.raises(IndexError, match="^index out of range in self$"):
        emb(_pending(jtorch, [5])).sum().item()


def test_off_by_default_pending_values_are_not_checked():
    assert not jtorch.debug.checking_values()
    # the documented behaviour without the mode: XLA's, no error (gather clamps the index)
    out = jtorch.gather(jtorch.tensor([1.0, 2.0, 3.0]), 0, _pending(jtorch, [7]))
    assert out.tolist() == [3.0]


def test_compiled_function_is_not_checked_and_still_runs(checking):
    fn = jtorch.compile(lambda x, i: jtorch.gather(x, 0, i))
    assert fn(jtorch.tensor([1.0, 2.0]), jtorch.tensor([1])).tolist() == [2.0]


def test_environment_variable_turns_it_on():
    code = ("import jtorch\n"
            "assert jtorch.debug.checking_values()\n"
            "try:\n"
            "    (jtorch.tensor([1]) // (jtorch.tensor([0]) * 1)).item()\n"
            "except RuntimeError as e:\n"
            "    print('raised', e)\n")
    env = dict(os.environ, JTORCH_CHECK_VALUES="1", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "raised ZeroDivisionError"
