"""The op database format: one OpInfo per op, with samples, run against real torch.

`fn(m, *args, **kwargs)` is called twice with the same arguments: once with m = torch and
tensors from torch, once with m = jtorch and jtorch tensors, so one lambda states the
call for both (`lambda m, x, y: m.add(x, y)` or `lambda m, x: x.sum(1)`).
"""
import dataclasses

import numpy as np

RNG = np.random.default_rng(0)


def arr(*shape, dtype="float32", low=-2.0, high=2.0):
    """A random numpy array (ints in [low, high), bools at random)."""
    if dtype == "bool":
        return RNG.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(int(low), int(high), size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def pos(*shape, dtype="float32"):
    """Strictly positive floats (for log, sqrt, pow bases, ...)."""
    return arr(*shape, dtype=dtype, low=0.5, high=2.0)


@dataclasses.dataclass
class Sample:
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: bool = True  # also compare gradients for this sample


def S(*args, grad=True, **kwargs):
    return Sample(args, kwargs, grad)


@dataclasses.dataclass
class OpInfo:
    name: str
    fn: object
    samples: list
    grad: bool = True      # compare gradients of float inputs
    atol: float = 1e-5
    rtol: float = 1.3e-6
    grad_atol: float = 1e-4
    check_dtype: bool = True


def error_text(fn):
    """`Type: message` of the error fn raises (compared exactly between torch and jtorch)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error itself is the output under test
        return f"{type(e).__name__}: {e}"
    return "no error"
