"""Creation: tensor/as_tensor/from_numpy from data (concrete), and filled or ranged
tensors (pending nodes with static shapes, so they fuse into the step that uses them)."""
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device as _devices, _dtype
from .._device import (_from_jax as _device_of_jax, _note_placement, device as _device, device_of as _device_of,
                       jax_device)
from .._engine.graph import Lazy
from .._tensor import Tensor
from . import registry
from .registry import op, public


def takes_out(fn):
    from .elementwise import takes_out as t
    return t(fn)


def _tensor_cls():
    return registry._Tensor


# DataLoader workers set this: their tensors hold numpy arrays, computed there with numpy
# (jtorch/utils/data/_host_eval.py), since a forked worker cannot run XLA
keep_on_host = False


def _meta_tensor(shape, dt, requires_grad=False, cls=None):
    """A tensor on the meta device: shape and dtype, no values."""
    _devices.meta_made = True  # from now on dispatch looks for meta inputs
    t = (cls or _tensor_cls())._from_value(_devices.META, dt, tuple(shape))
    return t.requires_grad_(True) if requires_grad else t


def _concrete(arr, dtype=None, device=None, requires_grad=False, cls=None):
    """A concrete Tensor holding a numpy array (moved to the device)."""
    dt = _dtype.from_np(arr.dtype) if dtype is None else _dtype.to_dtype(dtype)
    if device is not None and _devices.wants_meta(device):
        return _meta_tensor(arr.shape, dt, requires_grad, cls)
    if arr.dtype != dt.np:
        arr = arr.astype(dt.np)
    dev = None if device is None else jax_device(device)
    if keep_on_host:
        value = arr
    else:
        value = jax.device_put(arr, dev) if dev is not None else jnp.asarray(arr)
    t = (cls or _tensor_cls())._from_value(value, dt, tuple(arr.shape))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_np(data, dtype):
    """numpy array for `data` with torch's dtype inference (floats -> default dtype, ints -> int64)."""
    T = _tensor_cls()
    if isinstance(data, T):
        return np.asarray(data.detach()._value("tensor"))
    if isinstance(data, np.ndarray) or (hasattr(data, "__array__") and not isinstance(data, (list, tuple))):
        return np.asarray(data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, T) for x in _flat(data)):
        data = _nested_values(data)
    try:
        arr = np.asarray(data)
    except ValueError:
        _check_ragged(data, 0)
        raise
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if dtype is None:
        if arr.dtype.kind == "f":
            arr = arr.astype(_dtype.get_default_dtype().np)
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        elif arr.dtype.kind == "c":
            arr = arr.astype(_dtype.default_complex().np)
    return arr


def _check_ragged(data, dim):
    """torch's message for nested sequences of unequal lengths."""
    if not isinstance(data, (list, tuple)) or not data or not isinstance(data[0], (list, tuple)):
        return
    n = len(data[0])
    for x in data:
        if not isinstance(x, (list, tuple)):
            raise TypeError(f"not a sequence at dim {dim + 1}")
        if len(x) != n:
            raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {len(x)})")
    for x in data:
        _check_ragged(x, dim + 1)


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _nested_values(data):
    T = _tensor_cls()
    if isinstance(data, (list, tuple)):
        return [_nested_values(x) for x in data]
    return data.item() if isinstance(data, T) and data.numel() == 1 else (
        np.asarray(data._value("tensor")) if isinstance(data, T) else data)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies `data` into a new leaf tensor."""
    device = None if device is _HERE else _factory_device(device)
    if isinstance(data, jax.Array):
        return _from_jax_array(data, dtype, device, copy=True, requires_grad=requires_grad)
    return _concrete(_infer_np(data, dtype), dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    T = _tensor_cls()
    device = _factory_device(device)
    if isinstance(data, T):
        out = data if dtype is None else data.to(_dtype.to_dtype(dtype))
        return out if device is None else out.to(device)
    if isinstance(data, jax.Array):
        return _from_jax_array(data, dtype, device)
    return _concrete(_infer_np(data, dtype), dtype, device)


def from_numpy(ndarray):
    """torch.from_numpy; a jax array is accepted too and shared as torch.as_tensor shares it."""
    if isinstance(ndarray, jax.Array):
        return _from_jax_array(ndarray)
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return _concrete(ndarray)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    if isinstance(obj, jax.Array):
        t = _from_jax_array(obj, dtype, device, copy=bool(copy))
    else:
        t = as_tensor(obj, dtype, device)
    return t.requires_grad_(requires_grad) if requires_grad else t


def _from_jax_array(arr, dtype=None, device=None, copy=False, requires_grad=False):
    """A tensor over a jax array, on the array's own device: its buffer is shared (jax arrays are
    immutable and jtorch's in-place ops rebind, so sharing is safe; a buffer the caller still
    holds is never donated). A cast, a move to the `device` asked for, or `copy` runs on the
    device; nothing goes through host memory."""
    try:
        dt = _dtype.from_np(arr.dtype)
    except TypeError:
        raise TypeError(f"jtorch has no dtype for a jax array of dtype {arr.dtype} "
                        f"(on {_where(arr)})") from None
    want = _dtype.to_dtype(dtype)
    if device is not None and _devices.wants_meta(device):
        return _meta_tensor(arr.shape, want or dt, requires_grad)
    if want is not None and want is not dt:
        arr, dt, copy = arr.astype(want.np), want, False
    if device is not None:
        dev = _device(f"cuda:{device}" if isinstance(device, int) else device)
        here = _device_of(arr)
        if here != dev and not (dev.type == here.type and dev.index is None):
            arr, copy = jax.device_put(arr, jax_device(dev)), False
    if copy:
        arr = jnp.array(arr, copy=True)
    if not isinstance(arr, jax.core.Tracer):
        for d in arr.devices():
            _note_placement(d)
    t = _tensor_cls()._from_value(arr, dt)
    return t.requires_grad_(True) if requires_grad else t


def _where(arr):
    try:
        return ", ".join(sorted(str(_device_of_jax(d)) for d in arr.devices()))
    except Exception:  # noqa: BLE001 - a tracer has no devices
        return "a traced value"


def _size(size):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if not isinstance(s, numbers.Integral) and not hasattr(s, "__index__"):
            raise TypeError(f"size must be a tuple of ints, but got {type(s).__name__}")
        s = int(s.__index__()) if not isinstance(s, int) else s
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)


def _shape(args, size):
    """f(*sizes) or f(size=...)."""
    return _size(args if size is None else (size,))


@op(tensors=("fill_value",), method=False, function=False)
def _full(fill_value, *, size, dtype):
    return jnp.full(size, fill_value, dtype)


def _factory_device(device):
    """A factory's device: 'meta' inside `with torch.device('meta')` when none is given."""
    if device is None and _devices.meta_made and _devices.default_is_meta():
        return "meta"
    return device


def _finish(t, device, requires_grad):
    if device is _HERE:
        device = None
    elif _devices.wants_meta(device):  # the pending value t is dropped unread
        return _meta_tensor(t._lazy.shape, t._lazy.dtype, requires_grad)
    if device is not None:
        dev = _device(device)
        if dev.type != "cpu" or dev.index or jax.default_backend() != "cpu":
            t = t.to(dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


@takes_out
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value) if not isinstance(fill_value, _tensor_cls()) else fill_value.dtype
    dt = _dtype.to_dtype(dtype)
    if isinstance(fill_value, _tensor_cls()):
        fv = fill_value
    else:  # a concrete leaf in the result dtype (a Python scalar leaf would be float32 / real)
        fv = _tensor_cls()._from_value(np.asarray(fill_value).astype(dt.np), dt, ())
    return _finish(_full(fv, size=_size((size,)), dtype=dt.np), device, requires_grad)


@takes_out
def zeros(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return full(_shape(args, size), 0, dtype=dtype or _dtype.get_default_dtype(), device=device,
                requires_grad=requires_grad)


@takes_out
def ones(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return full(_shape(args, size), 1, dtype=dtype or _dtype.get_default_dtype(), device=device,
                requires_grad=requires_grad)


@takes_out
def empty(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    return zeros(_shape(args, size), dtype=dtype, device=device, requires_grad=requires_grad)


def _like(name, value):
    def fn(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        return full(input.shape, value, dtype=dtype or input.dtype, device=_follow(input, device),
                    requires_grad=requires_grad)
    fn.__name__ = fn.__qualname__ = name
    return fn


zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)
empty_like = _like("empty_like", 0)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=_follow(input, device),
                requires_grad=requires_grad)


_HERE = object()  # a device argument for "where the input is" (as placed so far): never meta


def _follow(input, device):
    """The device of a *_like, new_* or fill result: the one given, else the input's (meta for a meta
    input; otherwise placed as before, even inside `with torch.device('meta')`)."""
    if device is not None:
        return device
    return "meta" if input._lazy.value is _devices.META else _HERE


@op(tensors=("start",), method=False, function=False)
def _arange(start, *, n, step, dtype):
    # start is an input (arange(i, i + k) in a loop does not recompile); n and step shape the result
    return start.astype(dtype) + jnp.arange(n, dtype=dtype) * jnp.asarray(step, dtype)


@takes_out
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, _tensor_cls()) else x for x in (start, end, step))
    if dtype is None:
        dtype = _dtype.int64 if all(isinstance(x, numbers.Integral) for x in (start, end, step)) \
            else _dtype.get_default_dtype()
    dt = _dtype.to_dtype(dtype)
    if dt is _dtype.int64:
        # torch computes int64 ranges in int64: every bound is truncated first
        start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt is _dtype.int64:
        sgn = (step > 0) - (step < 0)
        n = max(0, (end - start + step - sgn) // step)
    else:
        n = max(0, math.ceil((end - start) / step))
    if dt.is_floating_point:
        values = _arange_values(start, step, n, dt.np)
        return _finish(_concrete(values, dt), device, requires_grad)
    return _finish(_arange(int(start), n=n, step=int(step), dtype=dt.np), device, requires_grad)


def _fma(a, b, c):
    """a * b + c rounded once to float64 (extended precision holds a * small integer exactly)."""
    return (np.longdouble(a) * np.asarray(b, np.longdouble) + np.asarray(c, np.longdouble)).astype(np.float64)


def _arange_values(start, step, n, np_dtype):
    """torch's CPU kernel (double accumulation): blocks of two vectors; a vector starts at
    base = fma(step, block_start, start) in the result dtype, lane k is fma(step, k, base);
    the tail is fma(step, i, start)."""
    lanes = 4 if np_dtype == np.float64 else 8
    i = np.arange(n)
    lane = i % lanes
    base = _fma(step, i - lane, start).astype(np_dtype)
    vec = _fma(step, lane, base)
    return np.where(i < n // (2 * lanes) * 2 * lanes, vec, _fma(step, i, start)).astype(np_dtype)


@public(method=False)
@takes_out
def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad=False):
    """Deprecated torch.range: like arange but includes `end`."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dt = _dtype.to_dtype(dtype) or _dtype.get_default_dtype()
    return _finish(_concrete((start + np.arange(n, dtype=np.float64) * step).astype(dt.np), dt), device,
                   requires_grad)


def _linspace_np(start, end, steps, dt):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # torch's kernel: the step in the result's precision (double for integers), both halves filled from
    # their own end so that the endpoints are exact
    ct = np.dtype(dt.np if dt in (_dtype.float32, _dtype.float64) else
                  np.float64 if not dt.is_floating_point else np.float32)
    s, e = ct.type(start), ct.type(end)
    if steps == 1:
        return np.array([s], dtype=ct)
    step = (e - s) / ct.type(steps - 1)
    i = np.arange(steps)
    half = steps // 2
    return np.where(i < half, s + step * i.astype(ct), e - step * (steps - 1 - i).astype(ct)).astype(ct)


@takes_out
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype.to_dtype(dtype) or _dtype.get_default_dtype()
    start, end = (x.item() if isinstance(x, _tensor_cls()) else x for x in (start, end))
    values = _linspace_np(start, end, int(steps), dt)
    if not dt.is_floating_point:
        values = np.trunc(values)
    return _finish(_concrete(values.astype(dt.np), dt), device, requires_grad)


@takes_out
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype.to_dtype(dtype) or _dtype.get_default_dtype()
    exps = _linspace_np(start, end, int(steps), dt).astype(np.float64)
    return _finish(_concrete(np.power(base, exps).astype(dt.np), dt), device, requires_grad)


@op(tensors=(), method=False, function=False)
def _eye(*, n, m, dtype):
    return jnp.eye(n, m, dtype=dtype)


@takes_out
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype.to_dtype(dtype) or _dtype.get_default_dtype()
    return _finish(_eye(n=n, m=n if m is None else m, dtype=dt.np), device, requires_grad)


@op(grad_name="ToCopyBackward0", function=False, method=False)
def _cast(input, *, dtype):
    if jnp.issubdtype(input.dtype, jnp.floating) and jnp.issubdtype(dtype, jnp.integer) and \
            jnp.dtype(dtype).itemsize < 8:
        input = input.astype(jnp.int64)  # wrap around like torch's C cast (XLA would saturate)
    return input.astype(dtype)


@op(grad_name="CloneBackward0")
def clone(input, *, memory_format=None):
    return jnp.array(input, copy=True)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    for a in args:
        if isinstance(a, _dtype.dtype):
            dt = a
        elif isinstance(a, (str, _device, int)):
            dev = a
        elif isinstance(a, _tensor_cls()):
            dt, dev = a.dtype, a.device
    for k in ("non_blocking", "copy", "memory_format"):
        kwargs.pop(k, None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    return dev, dt


def _to(self, *args, **kwargs):
    """Tensor.to(dtype), .to(device), .to(other), .to(device, dtype)."""
    dev, dt = _parse_to(args, dict(kwargs))
    out = self
    if dt is not None and _dtype.to_dtype(dt) is not self.dtype:
        out = _cast(out, dtype=_dtype.to_dtype(dt).np)
    if dev is not None:
        dev = _device(f"cuda:{dev}" if isinstance(dev, int) else dev)
        if dev.type == "meta":
            return out if out._lazy.value is _devices.META else _meta_tensor(out.shape, out.dtype, out.requires_grad)
        if out.device != dev and not (dev.type == out.device.type and dev.index is None):
            # moves are eager device_puts: a moved tensor is a new leaf (torch keeps a grad edge)
            moved = _tensor_cls()._from_value(jax.device_put(
                out._value("to"), jax_device(dev)), out.dtype, out._lazy.shape)
            out = moved.requires_grad_(True) if out.requires_grad else moved
    return out


def _legacy_constructor(cls, *args, **kwargs):
    """torch.Tensor(2, 3) (uninitialised float32) and torch.Tensor([1, 2]) (data)."""
    device = kwargs.pop("device", None)
    if len(args) == 1 and not isinstance(args[0], numbers.Integral) and type(args[0]).__name__ != "Size":
        return _concrete(_infer_np(args[0], None), _dtype.get_default_dtype(), device, cls=cls)
    shape = _size(args) if args else (0,)
    return _concrete(np.zeros(shape, _dtype.get_default_dtype().np), device=device, cls=cls)


def _rebuild(cls, arr, requires_grad, host=False):
    if host:
        t = cls._from_value(np.ascontiguousarray(arr))
        return t.requires_grad_(True) if requires_grad else t
    return _concrete(arr, requires_grad=requires_grad, cls=cls)


def _reduce_ex(self, proto):
    """Tensor.__reduce_ex__: pickled as its values (a meta tensor as its shape and dtype)."""
    if self._lazy.value is _devices.META:
        return (_meta_tensor, (self._lazy.shape, self.dtype, self.requires_grad, type(self)))
    value = self._value("pickle")
    # a host tensor (e.g. a batch from a loader worker) comes back as one, a device tensor on the device
    return (_rebuild, (type(self), np.asarray(value), self.requires_grad, isinstance(value, np.ndarray)))


# the Tensor methods that are creation: torch.Tensor(...) itself, to() and pickling
Tensor.__new__ = staticmethod(_legacy_constructor)
Tensor.to = _to
Tensor.__reduce_ex__ = _reduce_ex


# -- Tensor.new_* and in-place fills ---------------------------------------------------------

def _new(name, value):
    def fn(self, *args, size=None, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        return full(_shape(args, size), value, dtype=dtype or self.dtype, device=_follow(self, device),
                    requires_grad=requires_grad)
    fn.__name__ = fn.__qualname__ = name
    return public(name, function=False)(fn)


new_zeros = _new("new_zeros", 0)
new_ones = _new("new_ones", 1)
new_empty = _new("new_empty", 0)


@public(function=False)
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    return full(_size((size,)), fill_value, dtype=dtype or self.dtype, device=_follow(self, device),
                requires_grad=requires_grad)


@public(function=False)
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return tensor(data, dtype=dtype or self.dtype, device=_follow(self, device), requires_grad=requires_grad)


@public(function=False)
def fill_(self, value):
    if isinstance(value, _tensor_cls()) and value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                           "dimensions.")
    return self._assign(full(self.shape, value, dtype=self.dtype, device=_follow(self, None)), "fill_")


@public(function=False)
def zero_(self):
    return self._assign(full(self.shape, 0, dtype=self.dtype, device=_follow(self, None)), "zero_")


@public(method=False)
def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return full((), s, dtype=dtype or _dtype.get_default_dtype(), device=device, requires_grad=requires_grad)


def _tri_indices(fn, row, col, offset, dtype, device):
    r, c = fn(int(row), int(offset), int(col))
    return _finish(_concrete(np.stack([r, c]).astype(np.int64).reshape(2, -1), dtype or _dtype.int64), device,
                   False)


@public(method=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.tril_indices, row, col, offset, dtype, device)


@public(method=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.triu_indices, row, col, offset, dtype, device)


@public(function=False)
def new(self, *args, device=None):
    """Legacy Tensor.new: new(2, 3) (uninitialised), new([1, 2]) (data), new() (empty), in self's dtype."""
    if len(args) == 1 and not isinstance(args[0], numbers.Integral) and type(args[0]).__name__ != "Size":
        return tensor(args[0], dtype=self.dtype, device=_follow(self, device))
    return full(_size(args) if args else (0,), 0, dtype=self.dtype, device=_follow(self, device))
