"""torch's argument checks that depend on values or that jax would word differently.

Value checks (an index out of range, an integer division by zero, a negative probability)
need the numbers. They run when the tensor already holds an array (`host_value`): a pending
value is never computed early just to check it, so such an input gets XLA's behaviour instead
(an out-of-range gather index is clamped, a scatter's is dropped, an integer division by zero
gives an arbitrary value) unless a later check sees the value. With
`jtorch.debug.check_values(True)` (or JTORCH_CHECK_VALUES=1) a pending value is checked on
the device instead (`device`, see _value_checks.py) and the error raises at the next sync.
Each message has one home here, shared by both paths.

Shape checks run at trace time inside lowerings (shapes are static), so they cost nothing
per call once an op's output shape is cached, and raise torch's message instead of jax's.
"""
import jax
import numpy as np

from . import registry
from .._engine.dispatch import broadcast_shapes, in_torch_words  # noqa: F401  (the ops' shape checks)


device = None  # the _value_checks module while jtorch.debug.check_values is on, else None


# -- torch's messages, one home for each (host checks and device checks raise the same) -----

def zero_division(*_):
    return RuntimeError("ZeroDivisionError")


def out_of_bounds(bad, dim, size, kind=RuntimeError, prefix=""):
    return kind(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def out_of_range_in_self(*_):
    return IndexError("index out of range in self")


def take_out_of_range(bad, n):
    return IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")


_CLASS_VALUES = {1: "Class values must be non-negative.", 2: "Class values must be smaller than num_classes."}
_DISTRIBUTION = {1: "probability tensor contains either `inf`, `nan` or element < 0",
                 2: "invalid multinomial distribution (sum of probabilities <= 0)"}


def host_value(x):
    """The numpy value of a Tensor or Python number when it is known without running anything,
    else None (pending, traced, or not a number)."""
    if isinstance(x, (bool, int, float)):
        return np.asarray(x)
    if not isinstance(x, registry._Tensor):
        return None
    v = x._fresh_lazy().value
    if v is None or isinstance(v, jax.core.Tracer):
        return None
    return np.asarray(v)


def _is_integral(x):
    if isinstance(x, (bool, int)):
        return True
    return isinstance(x, registry._Tensor) and not (x.dtype.is_floating_point or x.dtype.is_complex)


def nonzero_divisor(input, other):
    """torch raises for an integer division (//, %, fmod, div with a rounding mode) by zero."""
    if not (_is_integral(input) and _is_integral(other)):
        return
    v = host_value(other)
    if v is not None:
        if v.size and not v.all():
            raise zero_division()
    elif device is not None:
        device.record(other, "nonzero", None, zero_division)


def first_out_of_range(index, size, negatives_ok=False):
    """The first index value (row-major) outside [0, size) (or [-size, size)), or None.
    None as well when the index is not known on the host."""
    v = host_value(index)
    if v is None or not v.size:
        return None
    low = -size if negatives_ok else 0
    if v.min() >= low and v.max() < size:  # two reductions, no temporaries: the common case
        return None
    return int(v[(v < low) | (v >= size)].flat[0])


def index_in_bounds(index, dim, size):
    """gather/scatter's RuntimeError for an out-of-range index."""
    index_in_range(index, size, lambda bad: out_of_bounds(bad, dim, size))


def index_in_range(index, size, error, negatives_ok=False):
    """Raise `error(first bad value)` for an index outside [0, size) (or [-size, size)): now when
    the index is known on the host, at the next sync when device checks are on."""
    if host_value(index) is None:
        if device is not None:
            device.record(index, "range", (-size if negatives_ok else 0, size), lambda _, bad: error(bad))
        return
    bad = first_out_of_range(index, size, negatives_ok)
    if bad is not None:
        raise error(bad)


def class_values(index, num_classes):
    """one_hot's checks of its class values."""
    v = host_value(index)
    if v is None:
        if device is not None:
            device.record(index, "classes", num_classes, lambda code, _: RuntimeError(_CLASS_VALUES[code]))
    elif v.size:
        if v.min() < 0:
            raise RuntimeError(_CLASS_VALUES[1])
        if v.max() >= num_classes:
            raise RuntimeError(_CLASS_VALUES[2])


def distribution(probs):
    """multinomial's checks of its probabilities (XLA would sample from garbage)."""
    p = host_value(probs)
    if p is None:
        if device is not None:
            device.record(probs, "distribution", None, lambda code, _: RuntimeError(_DISTRIBUTION[code]))
        return
    if not p.size:
        return
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError(_DISTRIBUTION[1])
    if (p.sum(-1) <= 0).any():
        raise RuntimeError(_DISTRIBUTION[2])


def unit_interval(t, name):
    """binary_cross_entropy's check that `name` (input or target) lies in [0, 1]; NaN fails too."""
    def error(*_):
        return RuntimeError(f"all elements of {name} should be between 0 and 1")
    v = host_value(t)
    if v is None:
        if device is not None and isinstance(t, registry._Tensor):
            device.record(t, "unit", None, error)
    elif v.size and not ((v >= 0) & (v <= 1)).all():
        raise error()


def reduction_dims(name, shape, dims):
    """torch's IndexError for a reduction with no identity (max, argmax, ...) over nothing.
    `dims`: the reduced dims (wrapped), or None for all of them."""
    if dims is None:
        if 0 in shape:
            msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if name.startswith("arg"):
                raise IndexError(msg)
            raise RuntimeError(msg + " Specify the reduction dim with the 'dim' argument.")
        return
    for d in dims:
        if shape and shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def before(check):
    """Make a registered op's public function run `check(*args, **kwargs)` before it records.

    The op's function, its Tensor method and its in-place form (`name_`) all take the
    checked path; returns the checked function for the module to export."""
    def deco(fn):
        name = fn.__name__

        def checked(*args, **kwargs):
            check(*args, **kwargs)
            return fn(*args, **kwargs)
        checked.__name__ = checked.__qualname__ = name
        checked.__doc__ = fn.__doc__
        checked.__module__ = fn.__module__
        checked.__wrapped__ = fn
        if hasattr(fn, "op"):
            checked.op = fn.op
        for table in (registry.FUNCTIONS, registry.METHODS):
            if table.get(name) is fn:
                table[name] = checked
        if name + "_" in registry.METHODS:
            registry.METHODS[name + "_"] = registry._make_inplace(checked, name + "_")
        return checked
    return deco
