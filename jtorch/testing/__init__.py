"""torch.testing: assert_close, make_tensor and the deprecated assert_allclose.

assert_close follows torch's comparison rules, tolerances and messages. Values are
compared in numpy (on the tensors' own dtypes), so a check never compiles a program.

Beyond torch: a jtorch Tensor may be compared with a real `torch.Tensor` or a numpy
array (either side), for checking ported code against PyTorch's numbers. Such mixed pairs
check shape and dtype (unless check_dtype=False), never device, layout or stride.
"""
import cmath
import collections.abc
import math
import warnings

import numpy as np

from .. import _dtype
from .._ops.creation import empty as _empty, tensor as _tensor
from .._ops.random import randint as _randint
from .._ops.spectral import view_as_complex as _view_as_complex
from .._tensor import Size, Tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]

# {dtype name: (rtol, atol)}; other dtypes (integers, bool) compare exactly
_PRECISIONS = {
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
    "complex32": (1e-3, 1e-5), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7),
}
_NUMBER_DTYPES = {bool: "int64", int: "int64", float: "float64", complex: "complex128"}


class _Unsupported(Exception):
    """This pair type cannot handle the inputs; the next one is tried."""


class _ErrorMeta(Exception):
    """A user-facing failure and the item (path into nested inputs) it occurred at."""

    def __init__(self, type, msg, *, id=()):  # noqa: A002 - torch's names
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg=None):
        if not isinstance(msg, str):
            generated = self.msg
            if self.id:
                generated += f"\n\nThe failure occurred for item {''.join(str([item]) for item in self.id)}"
            msg = msg(generated) if callable(msg) else generated
        return self.type(msg)


def _tolerances(*dtype_names, rtol, atol, id=(), precisions=None):  # noqa: A002
    if (rtol is None) ^ (atol is None):
        raise _ErrorMeta(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                                     f"but got no {'rtol' if rtol is None else 'atol'}.", id=id)
    if rtol is not None:
        return rtol, atol
    precisions = precisions or _PRECISIONS
    rtols, atols = zip(*[precisions.get(d, (0.0, 0.0)) for d in dtype_names])
    return max(rtols), max(atols)


def _mismatch_msg(*, extra, abs_diff, abs_idx=None, atol, rel_diff, rel_idx=None, rtol, identifier):
    equality = rtol == 0 and atol == 0

    def diff_msg(kind, diff, idx, tol):
        if idx is None:
            msg = f"{kind.title()} difference: {diff}"
        else:
            msg = f"Greatest {kind} difference: {diff} at index {idx}"
        return msg + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    msg += diff_msg("absolute", abs_diff, abs_idx, atol) + diff_msg("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_mismatch_msg(actual, expected, *, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg(extra=f"Expected {expected} but got {actual}.", abs_diff=abs_diff, atol=atol,
                         rel_diff=rel_diff, rtol=rtol, identifier="Scalars")


# -- pairs ----------------------------------------------------------------------------------

class _NonePair:
    def __init__(self, actual, expected, *, id, **options):  # noqa: A002
        if not (actual is None or expected is None):
            raise _Unsupported
        self.actual, self.expected, self.id = actual, expected, id

    def compare(self):
        if not (self.actual is None and self.expected is None):
            raise _ErrorMeta(AssertionError, f"None mismatch: {self.actual} is not {self.expected}", id=self.id)


class _BooleanPair:
    def __init__(self, actual, expected, *, id, **options):  # noqa: A002
        if not all(isinstance(x, (bool, np.bool_)) for x in (actual, expected)):
            raise _Unsupported
        self.actual, self.expected, self.id = bool(actual), bool(expected), id

    def compare(self):
        if self.actual is not self.expected:
            raise _ErrorMeta(AssertionError, f"Booleans mismatch: {self.actual} is not {self.expected}", id=self.id)


class _NumberPair:
    def __init__(self, actual, expected, *, id, rtol, atol, equal_nan, check_dtype, **options):  # noqa: A002
        if not all(isinstance(x, (int, float, complex, np.number)) for x in (actual, expected)):
            raise _Unsupported
        self.actual, self.expected = (x.item() if isinstance(x, np.number) else x for x in (actual, expected))
        self.id = id
        self.rtol, self.atol = _tolerances(*(_NUMBER_DTYPES[type(x)] for x in (self.actual, self.expected)),
                                           rtol=rtol, atol=atol, id=id)
        self.equal_nan, self.check_dtype = equal_nan, check_dtype

    def compare(self):
        a, e = self.actual, self.expected
        if self.check_dtype and type(a) is not type(e):
            raise _ErrorMeta(AssertionError, f"The (d)types do not match: {type(a)} != {type(e)}.", id=self.id)
        if a == e or (self.equal_nan and cmath.isnan(a) and cmath.isnan(e)):
            return
        abs_diff = abs(a - e)
        if cmath.isfinite(abs_diff) and abs_diff <= self.atol + self.rtol * abs(e):
            return
        raise _ErrorMeta(AssertionError, _scalar_mismatch_msg(a, e, rtol=self.rtol, atol=self.atol), id=self.id)


class _Values:
    """A tensor-like as numpy values plus the attributes assert_close checks."""

    __slots__ = ("values", "dtype", "shape", "tensor")

    def __init__(self, values, dtype, shape, tensor=None):
        self.values, self.dtype, self.shape, self.tensor = values, dtype, shape, tensor


def _is_torch(x):
    # never imports torch: a real torch.Tensor is recognised by where its type comes from
    return type(x).__module__.split(".")[0] == "torch" and hasattr(x, "detach") and hasattr(x, "dtype")


def _from_torch(t):
    t = t.detach().cpu()
    name = str(t.dtype).replace("torch.", "")
    if name == "bfloat16":  # numpy has no bfloat16: go through float32 (exact)
        values = t.float().numpy().astype(_dtype.bfloat16.np)
    else:
        values = t.resolve_conj().resolve_neg().numpy()
    return _Values(values, name, Size(tuple(t.shape)))


def _from_numpy(a):
    try:
        name = _dtype.from_np(a.dtype).name
    except TypeError:
        name = str(a.dtype)
    return _Values(a, name, Size(a.shape))


def _from_jtorch(t):
    return _Values(np.asarray(t._value("assert_close")), t.dtype.name, t.shape, t)


class _TensorLikePair:
    def __init__(self, actual, expected, *, id, allow_subclasses, rtol, atol, equal_nan, check_device,  # noqa: A002
                 check_dtype, check_layout, check_stride, **options):
        self.id = id
        self.mixed = False
        if isinstance(actual, Tensor) and isinstance(expected, Tensor):
            if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
                raise _Unsupported
            if not allow_subclasses and type(actual) is not type(expected):
                raise _Unsupported
            self.actual, self.expected = _from_jtorch(actual), _from_jtorch(expected)
        elif isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
            self.actual, self.expected = _from_numpy(actual), _from_numpy(expected)
        elif _is_torch(actual) and _is_torch(expected):
            self.actual, self.expected = _from_torch(actual), _from_torch(expected)
        elif isinstance(actual, Tensor) or isinstance(expected, Tensor):
            # jtorch against real torch or numpy: the porting check
            self.mixed = True
            sides = []
            for x in (actual, expected):
                if isinstance(x, Tensor):
                    sides.append(_from_jtorch(x))
                elif isinstance(x, np.ndarray):
                    sides.append(_from_numpy(x))
                elif _is_torch(x):
                    sides.append(_from_torch(x))
                else:
                    raise _Unsupported
            self.actual, self.expected = sides
        else:
            raise _Unsupported
        self.rtol, self.atol = _tolerances(self.actual.dtype, self.expected.dtype, rtol=rtol, atol=atol, id=id)
        self.equal_nan, self.check_device, self.check_dtype = equal_nan, check_device, check_dtype
        self.check_layout, self.check_stride = check_layout, check_stride

    def _fail(self, msg):
        raise _ErrorMeta(AssertionError, msg, id=self.id)

    def _mismatch(self, name, a, e):
        self._fail(f"The values for attribute '{name}' do not match: {a} != {e}.")

    def compare(self):
        a, e = self.actual, self.expected
        if a.shape != e.shape:
            self._mismatch("shape", a.shape, e.shape)
        if not self.mixed:
            at, et = a.tensor, e.tensor
            if at is not None and at.layout != et.layout:
                if self.check_layout:
                    self._mismatch("layout", at.layout, et.layout)
            elif at is not None and self.check_stride and at.stride() != et.stride():
                self._mismatch("stride()", at.stride(), et.stride())
            if at is not None and self.check_device and at.device != et.device:
                self._mismatch("device", at.device, et.device)
        if self.check_dtype and a.dtype != e.dtype:
            self._mismatch("dtype", f"torch.{a.dtype}", f"torch.{e.dtype}")
        av, ev = a.values, e.values
        if a.dtype != e.dtype:
            try:
                common = _dtype.promote_types(_dtype.to_dtype(a.dtype), _dtype.to_dtype(e.dtype)).np
            except (KeyError, TypeError):  # a numpy/torch dtype jtorch lacks (uint16, ...)
                common = np.promote_types(av.dtype, ev.dtype)
            av, ev = av.astype(common), ev.astype(common)
        self._compare_values(av, ev)

    def _compare_values(self, a, e):
        rtol, atol = self.rtol, self.atol
        matches = _isclose(a, e, rtol, atol, self.equal_nan)
        if matches.all():
            return
        if a.shape == ():
            self._fail(_scalar_mismatch_msg(a.item(), e.item(), rtol=rtol, atol=atol))
        self._fail(_tensor_mismatch_msg(a, e, matches, rtol=rtol, atol=atol))


def _is_inexact(a):
    return a.dtype.kind in "fc" or a.dtype == _dtype.bfloat16.np


def _isclose(a, e, rtol, atol, equal_nan):
    """torch.isclose, in the inputs' dtype."""
    with np.errstate(all="ignore"):
        close = a == e
        if equal_nan and _is_inexact(a):
            close |= np.isnan(a) & np.isnan(e)
        if rtol == 0 and atol == 0:
            return close
        if not _is_inexact(a):  # integer errors are compared as the default float dtype
            a, e = (x.astype(_dtype.get_default_dtype().np) for x in (a, e))
        allowed = atol + np.abs(rtol * e)
        actual = np.abs(a - e)
        return close | (np.isfinite(actual) & (actual <= allowed))


def _max(x):
    """torch.max(x, 0): nan wins, first index on ties."""
    nan = np.isnan(x)
    i = int(np.argmax(nan)) if nan.any() else int(np.argmax(x))
    return x[i].item(), i


def _tensor_mismatch_msg(a, e, matches, *, rtol, atol):
    shape = matches.shape
    n = matches.size
    mismatches = n - int(matches.sum())
    extra = f"Mismatched elements: {mismatches} / {n} ({mismatches / n:.1%})"
    af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if not _is_inexact(af):
        af, ef = af.astype(np.int64), ef.astype(np.int64)
    with np.errstate(all="ignore"):
        abs_diff = np.where(mf, 0, np.abs(af - ef)).astype(np.abs(af - ef).dtype)
        max_abs, abs_i = _max(abs_diff)
        if _is_inexact(af):
            rel = abs_diff / np.abs(ef)
        else:  # torch's int / int is a default-dtype float division
            f = _dtype.get_default_dtype().np
            rel = abs_diff.astype(f) / np.abs(ef).astype(f)
        rel = np.where(mf, 0, rel).astype(rel.dtype)
    max_rel, rel_i = _max(rel)
    return _mismatch_msg(extra=extra, abs_diff=max_abs, abs_idx=tuple(int(i) for i in np.unravel_index(abs_i, shape)),
                         atol=atol, rel_diff=max_rel, rel_idx=tuple(int(i) for i in np.unravel_index(rel_i, shape)),
                         rtol=rtol, identifier="Tensor-likes")


_PAIRS = (_NonePair, _BooleanPair, _NumberPair, _TensorLikePair)


def _originate(actual, expected, id=(), **options):  # noqa: A002
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and not isinstance(actual, str) and isinstance(expected, seq) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _ErrorMeta(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
                             id=id)
        return [p for i in range(len(actual)) for p in _originate(actual[i], expected[i], (*id, i), **options)]
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        akeys, ekeys = set(actual.keys()), set(expected.keys())
        if akeys != ekeys:
            raise _ErrorMeta(AssertionError, "The keys of the mappings do not match:\n"
                                             f"Missing keys in the actual mapping: {sorted(ekeys - akeys)}\n"
                                             f"Additional keys in the actual mapping: {sorted(akeys - ekeys)}", id=id)
        try:
            keys = sorted(akeys)
        except TypeError:
            keys = akeys
        return [p for k in keys for p in _originate(actual[k], expected[k], (*id, k), **options)]
    for pair in _PAIRS:
        try:
            return [pair(actual, expected, id=id, **options)]
        except _Unsupported:
            continue
    raise _ErrorMeta(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} "
                                f"and {type(expected)}.", id=id)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Assert that `actual` and `expected` are close: |actual - expected| <= atol + rtol * |expected|.

    Tensors, numpy arrays, Python numbers, and sequences or mappings of them (compared
    item by item); default tolerances by dtype as in torch.testing.assert_close.
    """
    __tracebackhide__ = True
    try:
        pairs = _originate(actual, expected, allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                           equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                           check_layout=check_layout, check_stride=check_stride)
    except _ErrorMeta as meta:
        raise meta.to_error() from None
    for pair in pairs:
        try:
            pair.compare()
        except _ErrorMeta as meta:
            raise meta.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated since torch 1.12: assert_close with looser defaults and no dtype check."""
    __tracebackhide__ = True
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
                  "instructions in https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = _tensor(actual)
    if not isinstance(expected, Tensor):
        expected = _tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances(actual.dtype.name, expected.dtype.name, rtol=None, atol=None,
                                 precisions={"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5),
                                             "float64": (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True, check_dtype=False,
                 check_stride=False, msg=msg or None)


# -- make_tensor ----------------------------------------------------------------------------

def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high) (torch's defaults by dtype)."""
    dtype = _dtype.to_dtype(dtype)
    is_int = not (dtype.is_floating_point or dtype.is_complex)

    def low_high(low, high, lowest, highest, default_low, default_high):
        low = default_low if low is None else low
        high = default_high if high is None else high
        if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
        if low == high and not is_int:
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                          "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                          FutureWarning, stacklevel=3)
        elif low >= high:
            raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
        elif high < lowest or low >= highest:
            raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                             f"but {dtype} only supports [{lowest}, {highest})")
        low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
        return (math.ceil(low), math.ceil(high)) if is_int else (low, high)

    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got {noncontiguous=} and {memory_format=}")
    if requires_grad and is_int:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got {dtype=}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:  # every other element of a twice-as-wide tensor
        shape = (*shape[:-1], 2 * shape[-1])
    if dtype is _dtype.bool:
        low, high = low_high(low, high, 0, 2, 0, 2)
        result = _randint(low, high, shape, device=device, dtype=dtype)
    elif is_int:
        info = _dtype.iinfo(dtype)
        low, high = low_high(low, high, info.min, info.max + (dtype is not _dtype.int64), -9, 10)
        result = _randint(low, high, shape, device=device, dtype=dtype)
    else:
        real = dtype.to_real()
        info = _dtype.finfo(real)
        low, high = low_high(low, high, info.min, info.max, -9, 9)
        draw = shape + (2,) if dtype.is_complex else shape
        result = _empty(draw, device=device, dtype=real)
        if high - low >= info.max:  # the width would overflow: draw half-width and double
            result = result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result = result.uniform_(low, high)
        if dtype.is_complex:
            result = _view_as_complex(result)
    if memory_format is not None and not noncontiguous:
        result = result.clone(memory_format=memory_format)
    elif noncontiguous:  # the odd elements of a doubled last dimension
        result = result[..., 1::2]
    if exclude_zero:  # in place, so a noncontiguous result stays a view
        result.masked_fill_(result == 0, 1 if is_int else _dtype.finfo(dtype.to_real()).tiny)
    if not is_int:
        result.requires_grad_(requires_grad)
    return result
