"""torch 2.13's narrow, bit, quantized and packed dtypes: attributes and errors compared with real torch."""
import pytest

import jtorch

torch = pytest.importorskip("torch")

NAMES = ("bits1x8 bits2x4 bits4x2 bits8 bits16 bit int1 int2 int3 int4 int5 int6 int7 uint1 uint2 uint3 uint4 "
         "uint5 uint6 uint7 qint8 qint32 quint8 quint4x2 quint2x4 complex32 chalf float4_e2m1fn_x2").split()


def _outcome(fn):
    try:
        value = fn()
    except AttributeError:  # a field the info object lacks: torch's text names its C class
        return AttributeError, None
    except Exception as e:  # the error type and message are part of the parity
        return type(e), str(e)
    return "ok", repr(value) if not isinstance(value, (bool, int, float)) else value


def _info(info):
    values = {k: _outcome(lambda k=k: getattr(info, k)) for k in ("bits", "max", "min", "eps", "tiny", "resolution")}
    values["dtype"] = _outcome(lambda: info.dtype)  # quantized types: torch answers bits/min/max, raises on dtype
    return values


@pytest.mark.parametrize("name", NAMES)
def test_attributes_match_torch(name):
    j, t = getattr(jtorch, name), getattr(torch, name)
    assert repr(j) == repr(t)
    for attr in ("itemsize", "is_floating_point", "is_complex", "is_signed"):
        assert _outcome(lambda: getattr(j, attr)) == _outcome(lambda: getattr(t, attr)), attr
    for meth in ("to_real", "to_complex"):
        assert _outcome(lambda: getattr(j, meth)()) == _outcome(lambda: getattr(t, meth)()), meth
    for info in ("finfo", "iinfo"):
        jo = _outcome(lambda: _info(getattr(jtorch, info)(j)))
        to = _outcome(lambda: _info(getattr(torch, info)(t)))
        assert jo[0] == to[0], info
        if jo[0] is not TypeError:  # torch's TypeError text names its own helper; the type is what code catches
            assert jo == to, info


def test_aliases_and_lookup():
    assert jtorch.bit is jtorch.uint1 and jtorch.chalf is jtorch.complex32
    assert jtorch.float16.to_complex() is jtorch.complex32
    assert jtorch.bfloat16.to_complex() is jtorch.complex64
    with pytest.raises(RuntimeError, match="Unknown Complex ScalarType for Long"):
        jtorch.int64.to_complex()
    with pytest.raises(RuntimeError, match="Unknown Complex ScalarType for Long"):
        torch.int64.to_complex()


@pytest.mark.parametrize("name", ["uint4", "int4", "bits8", "quint8", "complex32", "float4_e2m1fn_x2"])
def test_tensors_of_unheld_dtypes_raise_naming_the_dtype(name):
    torch.empty(2, dtype=getattr(torch, name))  # torch can allocate one; jtorch says plainly that it cannot
    with pytest.raises(NotImplementedError, match=f"torch.{name}"):
        jtorch.empty(2, dtype=getattr(jtorch, name))
    with pytest.raises(NotImplementedError, match=f"torch.{name}"):
        jtorch.zeros(2).to(getattr(jtorch, name))


def test_pickle_round_trip():
    import pickle
    assert pickle.loads(pickle.dumps(jtorch.quint4x2)) is jtorch.quint4x2
