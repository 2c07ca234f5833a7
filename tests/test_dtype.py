"""Dtypes against real torch: promotion table, result_type, conversions, default dtype, finfo/iinfo."""
import itertools

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

NAMES = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", "uint8", "int8", "int16", "int32",
         "int64", "bool"]
PAIRS = list(itertools.product(NAMES, NAMES))


def _complex32(t):
    return str(t) == "torch.complex32"  # jtorch has no complex32 (float16 with complex promotes to complex64)


def test_promote_types_every_pair():
    for a, b in PAIRS:
        t = torch.promote_types(getattr(torch, a), getattr(torch, b))
        assert repr(jtorch.promote_types(getattr(jtorch, a), getattr(jtorch, b))) == repr(t), (a, b)


def _make(m, name, zero_dim):
    # concrete data without going through the op graph: result_type only looks at dtype and dim
    return m.from_numpy(np.ones(() if zero_dim else (2,), dtype=np.float32)).to(getattr(m, name))


def test_result_type_tensor_mixes():
    """dim>0 vs 0-dim tensors: a 0-dim operand only wins a higher category."""
    tensors = {(m, n, z): _make(m, n, z) for m in (torch, jtorch) for n in NAMES for z in (False, True)}
    for (a, b), (za, zb) in itertools.product(PAIRS, [(False, True), (True, False), (True, True)]):
        t = torch.result_type(tensors[torch, a, za], tensors[torch, b, zb])
        if _complex32(t):
            continue
        j = jtorch.result_type(tensors[jtorch, a, za], tensors[jtorch, b, zb])
        assert repr(j) == repr(t), (a, za, b, zb)


@pytest.mark.parametrize("scalar", [True, 2, 1.5, 1j])
def test_result_type_with_python_scalars(scalar):
    for name, zero_dim in itertools.product(NAMES, (False, True)):
        t = torch.result_type(_make(torch, name, zero_dim), scalar)
        if _complex32(t):
            continue
        assert repr(jtorch.result_type(_make(jtorch, name, zero_dim), scalar)) == repr(t), (name, zero_dim)


def test_promotion_in_ops_matches_result_type():
    a = jtorch.tensor([1, 2], dtype=jtorch.int32)
    assert (a + 1.5).dtype == jtorch.float32
    assert (a + jtorch.tensor(2.5, dtype=jtorch.float64)).dtype == jtorch.float64  # 0-dim wins a higher category
    assert (a + jtorch.tensor(2, dtype=jtorch.int64)).dtype == jtorch.int32      # ... but not within one
    assert (jtorch.tensor([True]) + 1).dtype == jtorch.int64
    assert (jtorch.tensor([1], dtype=jtorch.uint8) + jtorch.tensor([1], dtype=jtorch.int8)).dtype == jtorch.int16
    assert (jtorch.ones(2, dtype=jtorch.float16) * 2.5).dtype == jtorch.float16


def test_can_cast():
    for a, b in PAIRS:
        assert jtorch.can_cast(getattr(jtorch, a), getattr(jtorch, b)) == \
            torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


def test_inplace_refuses_a_higher_category():
    for m in (torch, jtorch):
        x = m.tensor([1, 2])
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
            x.add_(1.5)
        x.mul_(2)
        assert x.tolist() == [2, 4]
        y = m.tensor([1.0, 2.0])
        y.add_(m.tensor([1, 1]))
        assert y.dtype == m.float32


def test_conversions():
    data = np.array([1.7, -2.2, 0.0], np.float32)
    t, j = torch.from_numpy(data), jtorch.from_numpy(data)
    for conv in ("float", "double", "long", "int", "half", "bool", "short", "char", "byte", "bfloat16"):
        tc, jc = getattr(t, conv)(), getattr(j, conv)()
        assert repr(jc.dtype) == repr(tc.dtype), conv
        np.testing.assert_array_equal(np.asarray(jc.float().numpy()), tc.float().numpy())
    for name in NAMES[:4] + NAMES[6:]:
        tc, jc = t.to(getattr(torch, name)), j.to(getattr(jtorch, name))
        assert repr(jc.dtype) == repr(tc.dtype)
        np.testing.assert_array_equal(jc.to(jtorch.float64).numpy(), tc.to(torch.float64).numpy())
    assert j.to(jtorch.float32) is j  # no-op conversion returns self, as torch does
    assert j.to(dtype=jtorch.int64).dtype == jtorch.int64
    assert j.to(jtorch.zeros(1, dtype=jtorch.float64)).dtype == jtorch.float64
    assert j.type() == t.type() == "torch.FloatTensor"
    assert j.long().type() == "torch.LongTensor"
    assert j.type(jtorch.float64).dtype == jtorch.float64
    assert j.type("torch.DoubleTensor").dtype == jtorch.float64
    assert j.type_as(jtorch.tensor([1])).dtype == jtorch.int64


def test_conversion_gradient():
    for m in (torch, jtorch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (x.double() * 3).sum().backward()
        assert x.grad.dtype == m.float32 and x.grad.tolist() == [3.0, 3.0]


def test_default_dtype():
    assert jtorch.get_default_dtype() is jtorch.float32
    try:
        for d in ("float64", "float16"):
            jtorch.set_default_dtype(getattr(jtorch, d))
            torch.set_default_dtype(getattr(torch, d))
            for f in (lambda m: m.tensor([1.5]).dtype, lambda m: m.ones(1).dtype, lambda m: (m.tensor([1]) + 0.5).dtype,
                      lambda m: (m.tensor([1]) / 2).dtype, lambda m: m.tensor([1]).float().dtype,
                      lambda m: m.arange(0.0, 1.0).dtype, lambda m: m.tensor(1j).dtype, lambda m: m.get_default_dtype(),
                      lambda m: (m.ones(1, dtype=m.float32) + 1.5).dtype, lambda m: m.rand(1).dtype):
                if not _complex32(f(torch)):
                    assert repr(f(jtorch)) == repr(f(torch)), d
    finally:
        jtorch.set_default_dtype(jtorch.float32)
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        jtorch.set_default_dtype(jtorch.int64)


def test_dtype_attributes():
    for name in NAMES:
        t, j = getattr(torch, name), getattr(jtorch, name)
        assert repr(j) == repr(t)
        assert (j.is_floating_point, j.is_complex, j.is_signed, j.itemsize) == \
            (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize), name
    assert jtorch.float is jtorch.float32 and jtorch.long is jtorch.int64 and jtorch.half is jtorch.float16
    assert jtorch.double is jtorch.float64 and jtorch.int is jtorch.int32 and jtorch.cfloat is jtorch.complex64


def test_finfo_iinfo():
    for name in ("float16", "bfloat16", "float32", "float64", "complex64", "complex128"):
        t, j = torch.finfo(getattr(torch, name)), jtorch.finfo(getattr(jtorch, name))
        for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(j, field) == getattr(t, field), (name, field)
        assert repr(j) == repr(t)
    assert jtorch.finfo().dtype == "float32"
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        t, j = torch.iinfo(getattr(torch, name)), jtorch.iinfo(getattr(jtorch, name))
        assert (j.bits, j.max, j.min, j.dtype) == (t.bits, t.max, t.min, t.dtype)
        assert repr(j) == repr(t)
    with pytest.raises(TypeError, match="torch.bool is not supported by torch.iinfo"):
        jtorch.iinfo(jtorch.bool)
    with pytest.raises(TypeError, match="requires a floating point input type"):
        jtorch.finfo(jtorch.int32)
    with pytest.raises(TypeError, match="requires an integer input type"):
        jtorch.iinfo(jtorch.float32)
