"""The Tensor handle: printing, metadata, conversions, sync points, copying."""
import copy
import pickle

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1.0, 2.0, 3.0]),
    lambda m: m.tensor(4.0),
    lambda m: m.tensor([[1, 2], [3, 4]]),
    lambda m: m.tensor([1, 2], dtype=m.int32),
    lambda m: m.tensor([True, False]),
    lambda m: m.tensor([1.5, 2.25], dtype=m.float64),
    lambda m: m.tensor([1e-8, 1e8]),
    lambda m: m.zeros(2, 0),
    lambda m: m.arange(2000).reshape(40, 50).float(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2,
    lambda m: m.tensor([0.5], dtype=m.bfloat16),
])
def test_repr_matches_torch(make):
    assert repr(make(jtorch)) == repr(make(torch))
    assert str(make(jtorch)) == str(make(torch))


def test_metadata():
    t = jtorch.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and repr(t.shape) == "torch.Size([2, 3, 4])"
    assert t.size() == jtorch.Size([2, 3, 4]) and t.size(-1) == 4 and t.dim() == 3 and t.ndim == 3
    assert t.numel() == 24 and t.element_size() == 4 and len(t) == 2
    assert t.dtype is jtorch.float32 and repr(t.dtype) == "torch.float32"
    assert str(t.device) == "cpu" and t.is_floating_point() and t.is_contiguous()
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.size(3)


def test_conversions_and_type():
    t = jtorch.tensor([1.7, -2.2])
    assert t.long().dtype is jtorch.int64 and t.long().tolist() == [1, -2]
    assert t.int().dtype is jtorch.int32 and t.double().dtype is jtorch.float64
    assert t.half().dtype is jtorch.float16 and t.bool().tolist() == [True, True]
    assert t.type() == "torch.FloatTensor" and t.type(jtorch.float64).dtype is jtorch.float64
    assert t.to(jtorch.int64).dtype is jtorch.int64 and t.to("cpu") is t


def test_sync_points():
    t = jtorch.tensor([3.0]) * 2
    assert t.item() == 6.0 and float(t) == 6.0 and int(t) == 6 and bool(t)
    assert jtorch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(jtorch.ones(2))
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        jtorch.ones(2).item()
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        jtorch.ones(2, requires_grad=True).numpy()
    assert [1, 2, 3][jtorch.tensor(1)] == 2
    assert f"{jtorch.tensor(2.5):.2f}" == "2.50"
    np.testing.assert_array_equal(np.asarray(jtorch.arange(3)), [0, 1, 2])


def test_iteration_and_contains():
    t = jtorch.tensor([[1, 2], [3, 4]])
    rows = [r.tolist() for r in t]
    assert rows == [[1, 2], [3, 4]]
    assert 3 in t and 7 not in t


def test_deepcopy_and_pickle_keep_values_and_flags():
    t = jtorch.tensor([1.0, 2.0], requires_grad=True)
    c = copy.deepcopy(t)
    assert c is not t and c.requires_grad and c.is_leaf and c.tolist() == [1.0, 2.0]
    p = pickle.loads(pickle.dumps(t))
    assert p.requires_grad and p.tolist() == [1.0, 2.0]


def test_from_numpy_and_tensor_dtype_inference():
    assert jtorch.tensor([1, 2]).dtype is jtorch.int64
    assert jtorch.tensor([1.0, 2]).dtype is jtorch.float32
    assert jtorch.tensor(np.array([1.0], dtype=np.float64)).dtype is jtorch.float64
    assert jtorch.from_numpy(np.array([1, 2], dtype=np.int32)).dtype is jtorch.int32
    assert jtorch.tensor([jtorch.tensor(1.0), jtorch.tensor(2.0)]).tolist() == [1.0, 2.0]
