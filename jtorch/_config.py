"""Process-wide switches torch scripts set, and small torch-level helpers."""
import os

import jax

from . import _dtype
from ._tensor import Tensor
from ._ops.creation import _concrete, _infer_np, _size
import numbers
import numpy as np

_state = {"num_threads": os.cpu_count() or 1, "deterministic": False, "matmul_precision": "highest"}


def get_num_threads():
    return _state["num_threads"]


def set_num_threads(n):
    """Recorded only: XLA sizes its own thread pool when the process starts."""
    _state["num_threads"] = int(n)


def get_num_interop_threads():
    return _state["num_threads"]


def set_num_interop_threads(n):
    pass


def use_deterministic_algorithms(mode, *, warn_only=False):
    _state["deterministic"] = bool(mode)
    _state["warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state.get("warn_only", False)


def set_deterministic_debug_mode(debug_mode):
    """0/'default': off; 1/'warn': deterministic, warning only; 2/'error': deterministic, raising."""
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = names[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _state["deterministic"]:
        return 0
    return 1 if _state.get("warn_only", False) else 2


def set_float32_matmul_precision(precision):
    """'highest' | 'high' | 'medium' -> jax's default matmul precision (TF32/bf16 passes on GPUs)."""
    mapping = {"highest": "highest", "high": "tensorfloat32", "medium": "bfloat16"}
    if precision not in mapping:
        raise RuntimeError(f"Invalid precision {precision!r}: expected 'highest', 'high' or 'medium'")
    _state["matmul_precision"] = precision
    jax.config.update("jax_default_matmul_precision", mapping[precision])


def get_float32_matmul_precision():
    return _state["matmul_precision"]


def is_tensor(obj, /):
    return isinstance(obj, Tensor)


def is_storage(obj, /):
    return False


def is_floating_point(input):  # noqa: A002
    return input.is_floating_point()


def is_complex(input):  # noqa: A002
    return input.is_complex()


def numel(input):  # noqa: A002
    return input.numel()


def typename(obj, /):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def _legacy_type(name, dt):
    """torch.FloatTensor(...) and friends: legacy constructors with a fixed dtype."""

    class _Meta(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, Tensor) and obj.dtype is dt

        def __call__(cls, *args, **kwargs):

            if len(args) == 1 and not isinstance(args[0], numbers.Integral):
                return _concrete(_infer_np(args[0], dt).astype(dt.np), dt)
            return _concrete(np.zeros(_size(args), dt.np), dt)

    return _Meta(name, (), {"dtype": dt})


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _dtype.bfloat16)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool)
