import collections

import numpy as np
import pytest

import jtorch
from jtorch.utils.data import default_collate, default_convert

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
from torch.utils.data import default_collate as t_collate  # noqa: E402
from torch.utils.data import default_convert as t_convert  # noqa: E402

Point = collections.namedtuple("Point", "x y")


def _same(j, t):
    """Structural equality of a jtorch collate output with torch's."""
    if isinstance(t, torch.Tensor):
        assert isinstance(j, jtorch.Tensor), type(j)
        assert str(j.dtype) == str(t.dtype)
        assert tuple(j.shape) == tuple(t.shape)
        np.testing.assert_array_equal(j.numpy(), t.numpy())
    elif isinstance(t, dict):
        assert type(j) is type(t) and j.keys() == t.keys()
        for k in t:
            _same(j[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(j) is type(t), (type(j), type(t))
        assert len(j) == len(t)
        for a, b in zip(j, t):
            _same(a, b)
    else:
        assert j == t


def _samples(tensor):
    return [
        (tensor([1.0, 2.0]), np.array([[1, 2]], np.int32), 3, 2.5, True, "a", Point(1, 0.5),
         {"k": np.float32(1.5), "s": b"x"}, [1, 2]),
        (tensor([3.0, 4.0]), np.array([[3, 4]], np.int32), 4, 3.5, False, "b", Point(2, 1.5),
         {"k": np.float32(2.5), "s": b"y"}, [3, 4]),
    ]


def test_default_collate_matches_torch():
    _same(default_collate(_samples(jtorch.tensor)), t_collate(_samples(torch.tensor)))


def test_default_collate_scalar_dtypes():
    assert default_collate([1.0, 2.0]).dtype == jtorch.float64
    assert default_collate([1, 2]).dtype == jtorch.int64
    assert default_collate([True, False]).dtype == jtorch.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == jtorch.float32


def test_default_convert_matches_torch():
    data = {"a": np.arange(3), "b": (np.float64(2.0), "s"), "c": Point(np.ones(2, np.float32), 1)}
    _same(default_convert(data), t_convert(data))


def test_collate_shape_mismatch_names_shapes():
    with pytest.raises(RuntimeError, match=r"\[3\] at entry 0 and \[4\] at entry 1"):
        default_collate([jtorch.zeros(3), jtorch.zeros(4)])
    with pytest.raises(RuntimeError, match=r"\[2\] at entry 0 and \[5\] at entry 1"):
        default_collate([np.zeros(2), np.zeros(5)])


def test_collate_rejects_unknown_types():
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [1]])
