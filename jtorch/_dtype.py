"""torch.dtype objects, the default dtype, and torch's type promotion rules."""
import builtins as _b
from functools import lru_cache

import ml_dtypes
import numpy as np


class dtype:
    """A torch dtype; wraps the numpy dtype jax uses for it."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        kind = self.np.kind
        # ml_dtypes' narrow floats (bfloat16, float8_*) are numpy kind 'V'
        self.is_floating_point = kind == "f" or name.startswith(("float", "bfloat"))
        self.is_complex = kind == "c"
        # float8_e8m0fnu holds only exponents: no sign bit
        self.is_signed = (kind in "fc" or kind == "i" or self.is_floating_point) and name != "float8_e8m0fnu"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self.name

    def to_real(self):
        return {"complex64": float32, "complex128": float64, "complex32": float16}.get(self.name, self)

    def to_complex(self):
        if self.is_complex:
            return self
        pair = {"float32": complex64, "bfloat16": complex64, "float64": complex128, "float16": complex32}
        if self.name not in pair:
            raise RuntimeError(f"Unknown Complex ScalarType for {_c10_name(self.name)}")
        return pair[self.name]

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = dtype("float16", np.float16)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001 - torch.bool
uint16 = dtype("uint16", np.uint16)
uint32 = dtype("uint32", np.uint32)
uint64 = dtype("uint64", np.uint64)
float8_e4m3fn = dtype("float8_e4m3fn", ml_dtypes.float8_e4m3fn)
float8_e5m2 = dtype("float8_e5m2", ml_dtypes.float8_e5m2)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", ml_dtypes.float8_e4m3fnuz)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", ml_dtypes.float8_e5m2fnuz)
float8_e8m0fnu = dtype("float8_e8m0fnu", ml_dtypes.float8_e8m0fnu)


class _unheld_dtype(dtype):
    """A torch dtype jtorch names but cannot store: sub-byte ints, bit containers, quantized types, complex32
    and packed float4. jax has no exact equivalent, so any use that needs the array type raises."""

    __slots__ = ("_signed",)

    def __init__(self, name, itemsize, signed, floating=False, complex_=False):
        self.name = name
        self.itemsize = itemsize
        self.is_floating_point = floating
        self.is_complex = complex_
        self._signed = signed

    @property
    def is_signed(self):
        if isinstance(self._signed, str):  # torch refuses the question for bit containers and quantized types
            raise RuntimeError(self._signed)
        return self._signed

    @property
    def np(self):
        raise NotImplementedError(f"jtorch cannot hold tensors of dtype torch.{self.name}: jax has no matching "
                                  "array type (jtorch names this dtype for torch's API only)")


_BITS = "Bits types are undefined"
_QUANT = "isSignedType not supported for quantized types"
bits1x8, bits2x4, bits4x2, bits8 = (_unheld_dtype(n, 1, _BITS) for n in ("bits1x8", "bits2x4", "bits4x2", "bits8"))
bits16 = _unheld_dtype("bits16", 2, _BITS)
uint1, uint2, uint3, uint4, uint5, uint6, uint7 = (_unheld_dtype(f"uint{i}", 1, False) for i in range(1, 8))
int1, int2, int3, int4, int5, int6, int7 = (_unheld_dtype(f"int{i}", 1, True) for i in range(1, 8))
qint8, quint8, quint4x2, quint2x4 = (_unheld_dtype(n, 1, _QUANT) for n in ("qint8", "quint8", "quint4x2", "quint2x4"))
qint32 = _unheld_dtype("qint32", 4, _QUANT)
complex32 = _unheld_dtype("complex32", 4, True, complex_=True)
float4_e2m1fn_x2 = _unheld_dtype("float4_e2m1fn_x2", 1, True, floating=True)
bit, chalf = uint1, complex32
UNHELD = (bits1x8, bits2x4, bits4x2, bits8, bits16, uint1, uint2, uint3, uint4, uint5, uint6, uint7, int1, int2,
          int3, int4, int5, int6, int7, qint8, quint8, quint4x2, quint2x4, qint32, complex32, float4_e2m1fn_x2)

half, float, double, cfloat, cdouble = float16, float32, float64, complex64, complex128  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (float16, bfloat16, float32, float64, complex64, complex128, uint8, int8, int16, int32, int64, bool,
       uint16, uint32, uint64, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({d.name: d for d in UNHELD})
_BY_NAME.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)


def _by_name(name):
    return _BY_NAME[name]


def from_np(np_dtype):
    """The torch dtype for a numpy/jax dtype."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(f"jtorch has no dtype for numpy dtype {np_dtype}") from None


def to_dtype(d):
    """Accept a torch dtype, a numpy dtype, a Python type or a dtype name."""
    if d is None or isinstance(d, dtype):
        return d
    if d is _b.float:
        return get_default_dtype()
    if d is _b.int:
        return int64
    if d is _b.bool:
        return bool
    if isinstance(d, str):
        return _BY_NAME[d.replace("torch.", "")]
    return from_np(d)


_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    d = to_dtype(d)
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex():
    return complex128 if _default[0] is float64 else complex64


def _category(d):
    if d is bool:
        return 0
    if d.is_complex:
        return 3
    if d.is_floating_point:
        return 2
    return 1


@lru_cache(maxsize=None)
def promote_types(a, b):
    """torch.promote_types."""
    if a is b:
        return a
    if {a, b} == {bfloat16, float16}:
        return float32
    ca, cb = _category(a), _category(b)
    if ca != cb and min(ca, cb) <= 1 and max(ca, cb) >= 2:
        return a if ca > cb else b  # an integer never widens a float/complex (numpy's rule differs)
    if ca == 0 or cb == 0:
        return b if ca == 0 else a
    return from_np(np.promote_types(a.np, b.np))


def _combine(higher, lower):
    """torch's combine_categories: a lower-priority group only wins a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _category(higher), _category(lower)
    if ch == 3:
        return higher
    if cl == 3:
        return {float64: complex128}.get(higher, complex64) if ch == 2 else lower
    if ch == 2:
        return higher
    if higher is bool or cl == 2:
        return promote_types(higher, lower)
    return higher


@lru_cache(maxsize=4096)
def result_type(*kinds):
    """torch.result_type over operands described as (dtype, group).

    group 0: tensor with dim > 0, 1: zero-dim tensor, 2: Python scalar (already mapped
    to bool/int64/default float/default complex).
    """
    groups = [None, None, None]
    for d, g in kinds:
        groups[g] = d if groups[g] is None else promote_types(groups[g], d)
    return _combine(groups[0], _combine(groups[1], groups[2]))


def scalar_dtype(value):
    """The dtype torch gives a Python scalar in promotion."""
    if isinstance(value, (_b.bool, np.bool_)):
        return bool
    if isinstance(value, (_b.int, np.integer)):
        return int64
    if isinstance(value, _b.complex):
        return default_complex()
    return get_default_dtype()


class finfo:
    def __init__(self, type=None):  # noqa: A002
        d = to_dtype(type) if type is not None else get_default_dtype()
        if not (d.is_floating_point or d.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        d = d.to_real()
        if isinstance(d, _unheld_dtype):  # packed float4: torch gives its bits, every other field raises
            self.bits, self._packed = 8, _c10_name(d.name)
            return
        info = ml_dtypes.finfo(d.np)
        self.dtype = d.name
        self.bits = info.bits
        # c10 gives float8_e5m2fnuz's epsilon as 2**-3 (ml_dtypes: 2**-2); torch's number is the one users see
        self.eps = 0.125 if d.name == "float8_e5m2fnuz" else _b.float(info.eps)
        self.max = _b.float(info.max)
        self.min = _b.float(info.min)
        self.tiny = self.smallest_normal = _b.float(info.tiny)
        # C++'s digits10: decimal digits the stored mantissa bits always hold
        self.resolution = 10.0 ** -_b.int(info.nmant * 0.30102999566398120)

    # c10's word for each field, as torch names it when a packed type has none
    _FIELD_WORDS = {"max": "max", "min": "lowest", "eps": "epsilon", "tiny": "min", "smallest_normal": "min",
                    "resolution": "digits10", "dtype": "dtype"}

    def __getattr__(self, attr):  # reached only for fields a packed float4 finfo leaves unset
        if attr in self._FIELD_WORDS and "_packed" in self.__dict__:
            raise NotImplementedError(f'"{self._FIELD_WORDS[attr]}" not implemented for \'{self._packed}\'')
        raise AttributeError(attr)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    def __init__(self, type):  # noqa: A002
        d = to_dtype(type)
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        # torch answers bits/min/max of a quantized type's storage integer, but not its dtype
        storage = {"qint8": np.int8, "qint32": np.int32}.get(d.name, np.uint8 if d.name.startswith("quint") else None)
        if storage is not None:
            info = np.iinfo(storage)
            self._quantized = _c10_name(d.name)
            self.bits, self.max, self.min = info.bits, _b.int(info.max), _b.int(info.min)
            return
        if d.is_floating_point or d.is_complex or isinstance(d, _unheld_dtype):
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(d.np)
        self._quantized, self._dtype = None, d.name
        self.bits = info.bits
        self.max = _b.int(info.max)
        self.min = _b.int(info.min)

    @property
    def dtype(self):
        if self._quantized:
            raise NotImplementedError(f'"dtype" not implemented for \'{self._quantized}\'')
        return self._dtype

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# torch's names for its scalar types, as its kernels spell them in errors ("not implemented for 'Long'")
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                 "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_name(d):
    """'Float' for float32 (a jtorch dtype, a numpy dtype or its name)."""
    key = d.name if isinstance(d, dtype) else str(d)
    return _SCALAR_NAMES.get(key, key)


# c10's ScalarType spellings of the dtypes _SCALAR_NAMES leaves out (error messages only)
_C10_SPECIAL = {"complex32": "ComplexHalf", "qint8": "QInt8", "quint8": "QUInt8", "qint32": "QInt32",
                "quint4x2": "QUInt4x2", "quint2x4": "QUInt2x4"}


def _c10_name(name):
    if name in _SCALAR_NAMES or name in _C10_SPECIAL:
        return _SCALAR_NAMES.get(name) or _C10_SPECIAL[name]
    if name.startswith("uint"):
        return "UInt" + name[4:]
    return name[0].upper() + name[1:]


def tensor_type_name(d):
    """torch's legacy tensor type name, 'torch.FloatTensor' for float32 (what Tensor.type() returns)."""
    return f"torch.{scalar_name(d)}Tensor"


def from_tensor_type_name(name):
    """The dtype of a legacy tensor type name ('torch.LongTensor' -> int64); KeyError for other names."""
    return _BY_TENSOR_TYPE[name]


_BY_TENSOR_TYPE = {f"torch.{n}Tensor": _by_name(k) for k, n in _SCALAR_NAMES.items()}
