"""Creation ops against real torch: values, dtypes and shapes of factories and Tensor.new_*."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def same(j, t):
    assert str(j.dtype) == str(t.dtype), (j.dtype, t.dtype)
    assert tuple(j.shape) == tuple(t.shape), (tuple(j.shape), tuple(t.shape))
    np.testing.assert_array_equal(j.numpy(), t.numpy())


def both(fn):
    same(fn(jtorch), fn(torch))


@pytest.mark.parametrize("args,kw", [
    ((5,), {}), ((0, 1, 0.1), {}), ((1, 2.5, 0.5), {}), ((10, 0, -3), {}), ((0, 5, 1.5), {"dtype": "int64"}),
    ((-1.0, 1.0, 0.3), {"dtype": "float64"}), ((0.5, 3), {}), ((5,), {"dtype": "float32"}), ((2, 2), {}),
    ((0, 1, 1 / 3), {}), ((-3, 7, 2), {"dtype": "int32"}), ((0, 10.05, 0.1), {}), ((-2, 2, 0.01), {"dtype": "float64"}),
    ((0.1, 1000, 0.37), {}),
])
def test_arange(args, kw):
    both(lambda m: m.arange(*args, **{k: getattr(m, v) for k, v in kw.items()}))


def test_arange_tensor_bound_and_errors():
    both(lambda m: m.arange(m.tensor(3)))
    for args in [(0, 1, -0.1), (2, 0)]:
        with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent with step sign"):
            jtorch.arange(*args)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        jtorch.arange(0, 1, 0)


@pytest.mark.parametrize("args,kw", [
    ((0, 1, 5), {}), ((-1, 7, 7), {}), ((0, 1, 0), {}), ((3, 3, 1), {}), ((0, 1, 5), {"dtype": "int64"}),
    ((-2.5, 1.25, 11), {"dtype": "float64"}), ((0.1, 0.9, 9), {}),
])
def test_linspace(args, kw):
    both(lambda m: m.linspace(*args, **{k: getattr(m, v) for k, v in kw.items()}))


def test_logspace_and_range():
    for kw in ({}, {"base": 2}):
        j, t = jtorch.logspace(0, 2, 3, **kw), torch.logspace(0, 2, 3, **kw)
        np.testing.assert_allclose(j.numpy(), t.numpy(), rtol=1e-6)
        assert j.dtype == jtorch.float32
    with pytest.warns(UserWarning):
        j = jtorch.range(0, 1, 0.25)
    np.testing.assert_array_equal(j.numpy(), np.arange(5, dtype=np.float32) / 4)


def test_tensor_dtype_inference():
    for data in ([], 3, 2.5, True, [True, False], [1, 2.5], [[1, 2], [3, 4]], 2 + 3j):
        both(lambda m: m.tensor(data))
    for arr in (np.array([1.0]), np.array([1, 2], np.int32), np.array([1, 2], np.uint8), np.float32(2.5)):
        both(lambda m: m.tensor(arr))
        if isinstance(arr, np.ndarray):
            both(lambda m: m.from_numpy(arr))
            both(lambda m: m.as_tensor(arr, dtype=m.float64))
    both(lambda m: m.tensor([m.tensor(1.5), m.tensor(2)]))
    both(lambda m: m.tensor([1, 2], dtype=m.float16))
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        jtorch.tensor([[1, 2], [3]])


def test_tensor_copies_and_requires_grad():
    a = np.array([1.0, 2.0], np.float32)
    t = jtorch.tensor(a, requires_grad=True)
    a[0] = 5
    assert t.requires_grad and t.is_leaf and t.detach().numpy()[0] == 1
    src = jtorch.ones(2)
    assert jtorch.as_tensor(src) is src
    with pytest.raises(TypeError):
        jtorch.from_numpy([1, 2])


def test_filled_factories():
    for f in (lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3), dtype=m.int64), lambda m: m.ones([2]),
              lambda m: m.ones(m.Size([2, 1]), dtype=m.int32), lambda m: m.zeros([]), lambda m: m.zeros(()),
              lambda m: m.full((2,), True), lambda m: m.full((2,), 3), lambda m: m.full((2,), 1.5),
              lambda m: m.full((2, 2), 1.5, dtype=m.int64), lambda m: m.eye(3), lambda m: m.eye(2, 3, dtype=m.int64),
              lambda m: m.scalar_tensor(3), lambda m: m.empty(2, 3).zero_(), lambda m: m.empty(0, 2),
              lambda m: m.zeros(size=(2, 3)), lambda m: m.ones(size=[2], dtype=m.bool)):
        both(f)
    assert tuple(jtorch.empty(2, 3, dtype=jtorch.bool).shape) == (2, 3)
    assert jtorch.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        jtorch.zeros(2, -1)


def test_like_factories():
    for x in (np.array([1, 2], np.int32), np.arange(6, dtype=np.float64).reshape(2, 3)):
        for f in (lambda m, t: m.zeros_like(t), lambda m, t: m.ones_like(t, dtype=m.float32),
                  lambda m, t: m.full_like(t, 2.5), lambda m, t: m.empty_like(t).fill_(7),
                  lambda m, t: m.zeros_like(t, dtype=m.bool)):
            same(f(jtorch, jtorch.tensor(x)), f(torch, torch.tensor(x)))


def test_new_methods():
    x = np.array([1, 2], np.int32)
    for f in (lambda t: t.new_zeros(2, 3), lambda t: t.new_ones((2,)), lambda t: t.new_full((2,), 3.7),
              lambda t: t.new_tensor([1.5]), lambda t: t.new_zeros(2, dtype=torch.float64 if isinstance(
                  t, torch.Tensor) else jtorch.float64), lambda t: t.new_empty(2).fill_(1),
              lambda t: t.new([1.5, 2]), lambda t: t.new(2, 3).zero_(), lambda t: t.new()):
        same(f(jtorch.tensor(x)), f(torch.tensor(x)))


def test_legacy_constructor():
    for f in (lambda m: m.Tensor(), lambda m: m.Tensor([1, 2]), lambda m: m.Tensor((2, 3)),
              lambda m: m.Tensor(2, 3).zero_(), lambda m: m.Tensor(m.Size([2, 3])).fill_(1)):
        both(f)
    assert isinstance(jtorch.Tensor(2), jtorch.Tensor)


def test_fill_and_zero_inplace():
    both(lambda m: m.tensor([1, 2]).fill_(2.7))
    both(lambda m: m.tensor([1.0, 2.0]).fill_(m.tensor(5)))
    both(lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]])[0].zero_())
    with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor"):
        jtorch.zeros(2).fill_(jtorch.ones(2))
    # the filled value's gradient flows, the overwritten input's does not
    for m in (jtorch, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        v = m.tensor(3.0, requires_grad=True)
        (a * 2).fill_(v).sum().backward()
        assert float(v.grad) == 2.0
        assert a.grad is None or float(a.grad.abs().sum()) == 0.0


def test_tri_indices():
    for f in (lambda m: m.tril_indices(3, 3), lambda m: m.triu_indices(3, 4, 1), lambda m: m.tril_indices(4, 3, -1),
              lambda m: m.triu_indices(0, 3)):
        both(f)


def test_default_dtype_affects_creation():
    try:
        jtorch.set_default_dtype(jtorch.float64)
        torch.set_default_dtype(torch.float64)
        for f in (lambda m: m.zeros(2), lambda m: m.tensor([1.5]), lambda m: m.arange(0, 1, 0.5),
                  lambda m: m.linspace(0, 1, 3), lambda m: m.full((1,), 2.0), lambda m: m.tensor(1j),
                  lambda m: m.Tensor([1])):
            both(f)
    finally:
        jtorch.set_default_dtype(jtorch.float32)
        torch.set_default_dtype(torch.float32)
