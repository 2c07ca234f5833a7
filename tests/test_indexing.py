"""Indexing semantics and error messages against torch (values are covered by tests/ops/db_indexing.py)."""
import numpy as np
import pytest

import jtorch
from jtorch._engine import metrics

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _raises_same(fn, exc=Exception):
    """fn(m) raises the same exception type and message under torch and jtorch."""
    got = []
    for m in (torch, jtorch):
        with pytest.raises(exc) as info:
            fn(m)
        got.append((type(info.value).__mro__[0].__name__, str(info.value)))
    assert got[1][1] == got[0][1]
    return got


@pytest.mark.parametrize("fn", [
    lambda m: m.zeros(3)[5],
    lambda m: m.zeros(3, 4)[1, -5],
    lambda m: m.zeros(3, 4)[m.tensor([5])],
    lambda m: m.zeros(3, 4)[1, 2, 3],
    lambda m: m.zeros(2, 3, 4)[0, :, [7]],
    lambda m: m.zeros(3)[m.tensor([1.0])],
    lambda m: m.zeros(2, 2)[m.tensor([True, False, True])],
])
def test_index_errors(fn):
    for m in (torch, jtorch):
        with pytest.raises(IndexError):
            fn(m)
    _raises_same(fn, IndexError)


@pytest.mark.parametrize("fn", [
    lambda m: m.gather(m.zeros(2, 2), 0, m.zeros(2, 3, dtype=m.long)),
    lambda m: m.gather(m.zeros(2, 2), 0, m.zeros(2, dtype=m.long)),
    lambda m: m.zeros(2, 2).masked_fill(m.ones(2, 2, dtype=m.bool), m.ones(2)),
    lambda m: m.zeros(3).masked_fill_(m.ones(2, 3, dtype=m.bool), 1.0),
    lambda m: m.mm(m.zeros(2, 3), m.zeros(4, 3)),
    lambda m: m.bmm(m.zeros(2, 3, 4), m.zeros(3, 4, 5)),
    lambda m: m.dot(m.zeros(3, 1), m.zeros(3)),
    lambda m: m.zeros(2, 3, 4).__setitem__(([1, 0], [2, 2]), m.ones(2)),
])
def test_runtime_errors(fn):
    _raises_same(fn, RuntimeError)


def test_index_select_errors():
    _raises_same(lambda m: m.zeros(2, 2).index_select(0, m.zeros(2, 2, dtype=m.long)), IndexError)
    _raises_same(lambda m: m.zeros(2, 2).index_select(0, m.tensor([3])), IndexError)


def test_torch_placement_of_ints_among_index_tensors():
    x = np.arange(24.0).reshape(2, 3, 4)
    for index in [(0, slice(None), [0, 1]), (slice(None), 1, [0, 2]), ([0, 1], None, [0, 1]),
                  (Ellipsis, [1, 0]), (1, [[0, 1], [2, 2]])]:
        t = torch.from_numpy(x)[index]
        j = jtorch.from_numpy(x)[index]
        assert tuple(j.shape) == tuple(t.shape), index
        np.testing.assert_array_equal(j.numpy(), t.numpy())


def test_setitem_broadcast_and_mixed_indices():
    for index, value in [((slice(None), [0, 2]), np.ones((2, 1))), ((0, slice(None), [0, 2]), np.full((3, 2), 7.0)),
                         ((Ellipsis, 1), 5.0), (([1, 0], [2, 2]), np.array([1.0, 2.0, 3.0, 4.0]))]:
        outs = []
        for m in (torch, jtorch):
            x = m.zeros(2, 3, 4, dtype=m.float64)
            x[index] = m.tensor(value) if isinstance(value, np.ndarray) else value
            outs.append(x.numpy())
        np.testing.assert_array_equal(outs[1], outs[0])


def test_setitem_mask_scalar_does_not_sync():
    x = jtorch.arange(6.0) - 3
    before = metrics.snapshot()["syncs"]
    x[x < 0] = 0.0
    assert metrics.snapshot()["syncs"] == before
    np.testing.assert_array_equal(x.numpy(), [0, 0, 0, 0, 1, 2])


def test_index_put_accumulate_duplicates():
    outs = []
    for m in (torch, jtorch):
        x = m.zeros(3)
        x.index_put_((m.tensor([0, 0, 2]),), m.tensor([1.0, 2.0, 3.0]), accumulate=True)
        outs.append(x.numpy())
    np.testing.assert_array_equal(outs[1], outs[0])


def test_nonzero_and_masked_select_shapes():
    data = np.array([[0, 1, 0], [2, 0, 3]])
    t, j = torch.from_numpy(data), jtorch.from_numpy(data)
    assert j.nonzero().dtype == jtorch.int64
    np.testing.assert_array_equal(j.nonzero().numpy(), t.nonzero().numpy())
    for a, b in zip(j.nonzero(as_tuple=True), t.nonzero(as_tuple=True)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(jtorch.masked_select(j, j > 0).numpy(), torch.masked_select(t, t > 0).numpy())
    np.testing.assert_array_equal(j[j > 0].numpy(), t[t > 0].numpy())


def test_setitem_on_leaf_requiring_grad_raises():
    w = jtorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w[0] = 1.0


def test_int_index_loop_compiles_once():
    x = jtorch.from_numpy(np.arange(20.0).reshape(10, 2))
    before = metrics.snapshot()["compiles"]
    total = sum(x[i, 1].item() for i in range(6))
    assert total == sum(2 * i + 1 for i in range(6))
    assert metrics.snapshot()["compiles"] - before <= 1
    row = x[3]
    row.zero_()  # still a view of x
    np.testing.assert_array_equal(x.numpy()[3], [0.0, 0.0])


def test_setitem_int_loop_does_not_recompile_per_index():
    buf = jtorch.zeros(8, 2)
    counts = []
    for i in range(6):
        buf[i, 1] = float(i)
        buf.sum().item()
        counts.append(metrics.snapshot()["compiles"])
    assert counts[-1] == counts[2]  # steady state: no compile per new index
    np.testing.assert_array_equal(buf.numpy()[:6, 1], np.arange(6.0))


@pytest.mark.parametrize("call", [
    lambda m, x, i: x.index_add_(0, i, m.ones(i.shape[0], 2)),
    lambda m, x, i: x.index_copy_(0, i, m.ones(i.shape[0], 2)),
    lambda m, x, i: x.index_fill_(0, i, 1.0),
], ids=["index_add_", "index_copy_", "index_fill_"])
@pytest.mark.parametrize("index", [[True, False], [0.0], np.array([0], np.int32), [1]],
                         ids=["bool", "float", "int32", "int64"])
def test_index_dtypes_as_torch(call, index):
    """A bool or float index is torch's error (not a mask, not a cast); int32 where torch takes it."""
    outcomes = []
    for m in (torch, jtorch):
        x = m.zeros(3, 2)
        try:
            call(m, x, m.tensor(index))
            outcomes.append(("ok", x.tolist()))
        except (IndexError, RuntimeError) as e:
            outcomes.append((type(e).__name__, str(e)))
    assert outcomes[1] == outcomes[0]
